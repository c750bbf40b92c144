import type { Presence } from '@switchboard/presence';
import type { Logger } from '@switchboard/telemetry';
import type { GatewayMetrics } from '../internal/gatewayMetrics';
import type { Session } from '../internal/session';

export type Admission = 'welcome' | 'refused';

export interface AdmissionDeps {
  gatewayId: string;
  presence: Presence;
  maxSessionsPerUser: number;
  accepting: () => boolean;
  metrics: GatewayMetrics;
  logger: Logger;
  /** Calls `fn` once the current turn of the event loop is over; default setImmediate. */
  afterTurn?: (fn: () => void) => void;
}

interface Waiting {
  session: Session;
  settle: (admission: Admission) => void;
}

/**
 * Admits sessions that just opened: registers them in presence (so deliveries find them) and checks
 * each user's session limit, then resolves 'welcome'. Register first, then count: two sessions
 * racing each see the other, so the limit is never passed (at worst both are refused and retry).
 * A user over the limit is refused with an error frame and close 4008 (browsers could not read an
 * HTTP status); presence that cannot be written is a close with 1013 `unavailable`, retriable.
 *
 * The sessions that open in one turn of the event loop are admitted together: one registration
 * and one count for all of them, two Redis round trips per turn rather than per session. A burst
 * of connections (a gateway restarted, a network blip) then costs Redis and the gateway's heap a
 * fraction of what it did: each transaction's objects lived across its round trip, long enough to
 * be promoted to the old generation and stay in the process's memory after they died.
 */
export function createSessionAdmission(deps: AdmissionDeps): (session: Session) => Promise<Admission> {
  const { presence, logger, metrics } = deps;
  const afterTurn = deps.afterTurn ?? ((fn: () => void) => void setImmediate(fn));
  let waiting: Waiting[] | undefined;

  function unavailable(batch: readonly Waiting[], err: unknown): void {
    logger.warn('presence unavailable while admitting sessions', { sessions: batch.length, err });
    for (const { session, settle } of batch) {
      // The registration may have gone through; left there it would count against the user forever.
      void presence.unregister(session.userId, session.id).catch(() => undefined);
      metrics.rejectedUpgrades.inc({ reason: 'unavailable' });
      session.close('unavailable');
      settle('refused');
    }
  }

  async function tooMany(session: Session): Promise<Admission> {
    await presence.unregister(session.userId, session.id);
    metrics.rejectedUpgrades.inc({ reason: 'too_many_sessions' });
    session.refuse(null, 'too_many_sessions', `a user may have at most ${deps.maxSessionsPerUser} open sessions`);
    session.close('too_many_sessions');
    return 'refused';
  }

  async function admit(batch: readonly Waiting[]): Promise<void> {
    let live;
    try {
      await presence.registerAll(
        batch.map(({ session }) => ({ userId: session.userId, sessionId: session.id })),
        deps.gatewayId,
      );
      live = await presence.sessionsOf([...new Set(batch.map(({ session }) => session.userId))]);
    } catch (err) {
      return unavailable(batch, err);
    }
    for (const { session, settle } of batch) {
      if ((live.get(session.userId)?.length ?? 0) > deps.maxSessionsPerUser) {
        tooMany(session).then(settle, (err: unknown) => unavailable([{ session, settle }], err));
      } else if (!deps.accepting()) {
        session.close('going_away');
        settle('refused');
      } else settle('welcome');
    }
  }

  return (session) =>
    new Promise<Admission>((settle) => {
      if (waiting === undefined) {
        const batch: Waiting[] = (waiting = []);
        afterTurn(() => {
          waiting = undefined;
          void admit(batch);
        });
      }
      waiting.push({ session, settle });
    });
}
