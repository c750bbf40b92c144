import { randomUUID } from 'node:crypto';
import { newGroupId, type Request } from '@switchboard/protocol';
import type { Command } from '@switchboard/schemas';
import type { Logger } from '@switchboard/telemetry';
import { HistoryError, type HistoryClient } from '../storage/historyClient';
import { isCommandRequest, requestToCommand } from './requestToCommand';
import type { Session } from './session';
import { syncSession } from './syncSession';

export interface RequestHandlerDeps {
  gatewayId: string;
  publish: (command: Command) => Promise<void>;
  history: HistoryClient;
  requestTimeoutMs: number;
  logger: Logger;
  now?: () => number;
}

/** Answers one parsed request: commands go to Kafka and are answered by the router, the rest here. */
export function createRequestHandler(deps: RequestHandlerDeps): (session: Session, request: Request) => void {
  const now = deps.now ?? Date.now;

  function alreadyPending(session: Session, requestId: string): void {
    session.refuse(requestId, 'invalid_request', `request id ${JSON.stringify(requestId)} is already pending; use a new id per request`);
  }

  function historyFailure(session: Session, requestId: string, err: unknown): void {
    if (err instanceof HistoryError) session.fail(requestId, err.code, err.message);
    else {
      deps.logger.error('history request failed', { sessionId: session.id, err });
      session.fail(requestId, 'internal');
    }
  }

  return (session, request) => {
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
      deps.publish(command).catch((err: unknown) => {
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
        if (!session.begin(request.id, 'query', null)) return alreadyPending(session, request.id);
        deps.history
          .history({ conversationId: request.conversationId, userId: session.userId, limit: request.limit, ...(request.before !== undefined ? { before: request.before } : {}) })
          .then(
            (page) => session.answer(request.id, { events: page.events, hasMore: page.hasMore }),
            (err: unknown) => historyFailure(session, request.id, err),
          );
        return;
      case 'sync':
        if (!session.begin(request.id, 'query', null)) return alreadyPending(session, request.id);
        syncSession(session, request, deps.history).catch((err: unknown) => historyFailure(session, request.id, err));
        return;
    }
  };
}
