import pg from 'pg';
import { credentialProblem } from '@switchboard/config';

/**
 * Connects once to say whether Postgres refuses the persister for good: its user or password
 * refused, or its certificate not trusted. Undefined when it lets it in, and when it cannot be
 * reached, which the persister rides out instead.
 */
export async function databaseCredentialProblem(connectionString: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (err) {
    return credentialProblem('Postgres', err, { credentials: "DATABASE_URL's user and DATABASE_PASSWORD_FILE", authorities: 'the sslrootcert of DATABASE_URL' });
  } finally {
    await client.end().catch(() => undefined);
  }
}
