import type pg from 'pg';

/** A pool or one checked-out client: what the table functions run their SQL on. */
export interface Queryable {
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

