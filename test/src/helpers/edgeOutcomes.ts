import { EdgeClient, type Frame, type UpgradeOutcome } from './edgeClient';

/** What a client sees of bad input: an error reply, a close (code and reason), or a refused upgrade. */
export type Observed = { reply: string } | { close: number; reason: string } | { http: number; code: string; reason?: string };

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The code of an error reply. */
export async function errorOf(reply: Promise<Frame>): Promise<Observed> {
  const frame = await reply;
  return { reply: frame.type === 'error' ? String(frame.code) : `unexpected ${JSON.stringify(frame)}` };
}

/** How the connection ended (waits up to 30 s). */
export async function closeOf(client: Pick<EdgeClient, 'closed'>): Promise<Observed> {
  const closed = await Promise.race([client.closed, sleep(30_000).then(() => ({ code: -1, reason: 'not closed within 30 s' }))]);
  return { close: closed.code, reason: closed.reason };
}

/** The HTTP status, code and reason of a refused upgrade. */
export async function refusalOf(attempt: Promise<UpgradeOutcome>): Promise<Observed> {
  const outcome = await attempt;
  if (outcome.kind === 'open') return { http: 101, code: 'the upgrade was accepted' };
  return { http: outcome.status, code: String(outcome.body.code), ...(outcome.body.reason ? { reason: String(outcome.body.reason) } : {}) };
}

/** Sends `perClient` pings from every client at once; counts answers and refusals. */
export async function flood(clients: EdgeClient[], perClient: number): Promise<{ ok: number; refused: Frame[]; seconds: number }> {
  const started = Date.now();
  const replies = (await Promise.all(clients.map((c) => Promise.all(Array.from({ length: perClient }, () => c.request({ type: 'ping' })))))).flat();
  const seconds = (Date.now() - started) / 1000;
  return { ok: replies.filter((r) => r.type === 'ok').length, refused: replies.filter((r) => r.code === 'rate_limited'), seconds };
}

/** A JWT with the given header and payload and an empty signature, as `alg: none` tokens are. */
export function unsignedToken(header: Frame, payload: Frame): string {
  const part = (value: Frame) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part(header)}.${part(payload)}.`;
}

/** JSON text of arrays nested `depth` deep. */
export const nestedArrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
