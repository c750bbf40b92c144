import { randomUUID } from 'node:crypto';
import { newGroupId, type Request, type UserPresence } from '@switchboard/protocol';
import type { Command } from '@switchboard/schemas';
import { stampNow, type Logger } from '@switchboard/telemetry';
import { HistoryError, type HistoryClient } from '../storage/historyClient';
import { isCommandRequest, requestToCommand } from './requestToCommand';
import type { Session } from './session';
import { syncSession } from './syncSession';

export interface RequestHandlerDeps {
  gatewayId: string;
  /** `receivedAt`: the hop stamp of the request's arrival. */
  publish: (command: Command, receivedAt: number) => Promise<void>;
  history: HistoryClient;
  /** How many live sessions each user has (users without any may be absent); rejects when presence cannot be read. */
  sessionCounts: (userIds: readonly string[]) => Promise<Map<string, number>>;
  requestTimeoutMs: number;
  logger: Logger;
  now?: () => number;
}

/**
 * History and sync pages may be megabytes each, held in memory until written out; more than this
 * many queries (presence included) at once per connection are refused with rate_limited.
 */
export const MAX_PENDING_QUERIES = 4;

/** Answers one parsed request: commands go to Kafka and are answered by the router, the rest here. */
export function createRequestHandler(deps: RequestHandlerDeps): (session: Session, request: Request) => void {
  const now = deps.now ?? Date.now;

  function alreadyPending(session: Session, requestId: string): void {
    session.refuse(requestId, 'invalid_request', `request id ${JSON.stringify(requestId)} is already pending; use a new id per request`);
  }

  /** Starts a history, sync or presence request, unless one with this id or too many others are pending. */
  function beginQuery(session: Session, requestId: string): boolean {
    if (session.pendingCount('query') >= MAX_PENDING_QUERIES) {
      session.refuse(requestId, 'rate_limited', `at most ${MAX_PENDING_QUERIES} history, sync or presence requests may be pending on one connection`);
      return false;
    }
    if (session.begin(requestId, 'query', null)) return true;
    alreadyPending(session, requestId);
    return false;
  }

  function historyFailure(session: Session, requestId: string, err: unknown): void {
    if (err instanceof HistoryError) session.fail(requestId, err.code, err.message);
    else {
      deps.logger.error('history request failed', { sessionId: session.id, err });
      session.fail(requestId, 'internal');
    }
  }

  return (session, request) => {
    const receivedAt = stampNow();
    if (request.type !== 'sync') session.requestReceived();
    if (isCommandRequest(request)) {
      if (!session.begin(request.id, 'command', deps.requestTimeoutMs)) return alreadyPending(session, request.id);
      const command = requestToCommand(request, {
        gatewayId: deps.gatewayId,
        sessionId: session.id,
        userId: session.userId,
        now: now(),
        newCommandId: randomUUID,
        newGroupId,
      });
      deps.publish(command, receivedAt).catch((err: unknown) => {
        deps.logger.warn('publishing a command failed', { sessionId: session.id, type: command.body.type, err });
        session.fail(request.id, 'unavailable', 'the request could not be handed to the log; retry with the same client id');
      });
      return;
    }
    switch (request.type) {
      case 'ping':
        session.send({ type: 'ok', id: request.id, result: { time: now() } });
        return;
      case 'history':
        if (!beginQuery(session, request.id)) return;
        deps.history
          .history({ conversationId: request.conversationId, userId: session.userId, limit: request.limit, ...(request.before !== undefined ? { before: request.before } : {}) })
          .then(
            (page) => session.answer(request.id, { events: page.events, hasMore: page.hasMore }),
            (err: unknown) => historyFailure(session, request.id, err),
          );
        return;
      case 'sync':
        if (!beginQuery(session, request.id)) return;
        syncSession(session, request, deps.history).catch((err: unknown) => historyFailure(session, request.id, err));
        return;
      case 'presence':
        if (!beginQuery(session, request.id)) return;
        deps.sessionCounts(request.userIds).then(
          (counts) => session.answer(request.id, { users: presenceOf(request.userIds, counts) }),
          (err: unknown) => {
            deps.logger.warn('presence request failed', { sessionId: session.id, err });
            session.fail(request.id, 'unavailable', 'presence cannot be read now; retry shortly');
          },
        );
        return;
    }
  };
}

/** Only counts leave the gateway: session and gateway ids stay inside the platform. */
function presenceOf(userIds: readonly string[], counts: ReadonlyMap<string, number>): Record<string, UserPresence> {
  // fromEntries defines own properties, so a user named "__proto__" is an entry like any other.
  return Object.fromEntries(
    userIds.map((userId) => {
      const sessions = counts.get(userId) ?? 0;
      return [userId, { online: sessions > 0, sessions }];
    }),
  );
}
