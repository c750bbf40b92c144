import { isLocalHost } from '../localHost';

export interface DatabaseTarget {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly hasPassword: boolean;
  readonly database: string;
  /** The same server's `postgres` database, to connect before the target database exists. */
  readonly serverUrl: string;
  readonly isLocal: boolean;
  /** host:port/database, with no credentials, for reports. */
  readonly display: string;
}

export function databaseTarget(databaseUrl: string): DatabaseTarget {
  const url = new URL(databaseUrl);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (database === '') throw new Error('DATABASE_URL must name a database (postgres://user@host:port/<database>)');
  const host = url.hostname === '' ? '127.0.0.1' : url.hostname;
  const port = url.port === '' ? 5432 : Number(url.port);
  const server = new URL(databaseUrl);
  server.pathname = '/postgres';
  return {
    host,
    port,
    user: decodeURIComponent(url.username) || 'postgres',
    hasPassword: url.password !== '',
    database,
    serverUrl: server.toString(),
    isLocal: isLocalHost(host),
    display: `${host}:${port}/${database}`,
  };
}
