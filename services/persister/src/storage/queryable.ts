import type pg from 'pg';

/** A pool or one checked-out client: what the table functions run their SQL on. */
export interface Queryable {
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

/** SQL turning a column of epoch milliseconds into a timestamptz. */
export function fromEpochMs(column: string): string {
  return `to_timestamp(${column} / 1000.0)`;
}
