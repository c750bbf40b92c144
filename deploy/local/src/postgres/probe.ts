import pg from 'pg';

export type ProbeResult = { readonly ok: true } | { readonly ok: false; readonly problem: string; readonly needsPassword: boolean };

/** Connects once and runs `SELECT 1`; tells a refused password apart from a server that is not there. */
export async function probePostgres(url: string, timeoutMs = 3_000): Promise<ProbeResult> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { ok: true };
  } catch (err) {
    const error = err as Error & { code?: string };
    const needsPassword = error.code === '28P01' || (error.code === '28000' && /pg_hba/.test(error.message)) || /password/i.test(error.message);
    return { ok: false, problem: error.message, needsPassword };
  } finally {
    await client.end().catch(() => undefined);
  }
}
