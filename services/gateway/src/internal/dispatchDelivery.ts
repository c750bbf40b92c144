import { toClientEvent, type ClientEvent, type ServerFrame, type SignalKind as ClientSignalKind } from '@switchboard/protocol';
import type { CommandReply, Delivery, EphemeralDelivery, Event, EventDelivery, SignalKind } from '@switchboard/schemas';
import { stampNow, type HopTimer, type Logger } from '@switchboard/telemetry';
import type { DeliveryStamps } from '../consumers/deliveries';
import type { Session } from './session';
import type { SessionRegistry } from './sessionRegistry';

export interface DeliveryDispatcherDeps {
  gatewayId: string;
  sessions: Pick<SessionRegistry, 'get' | 'forEachOfUser'>;
  logger: Logger;
  hops?: HopTimer;
  /** Calls `fn` once the frames dispatched so far are written to the sockets (see sendRound.ts); default at once. */
  afterWrite?: (fn: () => void) => void;
}

const CLIENT_SIGNAL_KINDS: Record<SignalKind, ClientSignalKind> = {
  OFFER: 'offer',
  ANSWER: 'answer',
  ICE_CANDIDATE: 'ice_candidate',
  HANGUP: 'hangup',
};

/** What a request's ok reply says about the event that answered it. */
export function ackResult(event: Event): Record<string, unknown> {
  return {
    conversationId: event.conversationId,
    seq: event.seq,
    messageId: event.body.type === 'MessageSent' ? event.body.messageId : null,
  };
}

/** A new token per delivery: compared by identity, it can never be mistaken for an older one. */
const nextMark = (): object => ({});

/**
 * Acts on one delivery read from this gateway's partition: answers requests, pushes events through
 * each session's conversation feed, and relays typing and signalling frames.
 */
export function createDeliveryDispatcher(deps: DeliveryDispatcherDeps): (delivery: Delivery, stamps?: DeliveryStamps) => void {
  const { sessions, logger } = deps;
  const afterWrite = deps.afterWrite ?? ((fn: () => void) => fn());

  function reply(body: CommandReply): void {
    const session = sessions.get(body.sessionId);
    if (!session) return;
    if (body.errorCode !== null) {
      session.fail(body.requestId, body.errorCode, body.errorMessage);
    } else {
      session.answer(body.requestId, { conversationId: body.conversationId, seq: body.seq, messageId: body.messageId });
    }
  }

  /**
   * One event to every local recipient. The event is converted once, and its frame text is made
   * once (frameText.ts) and shared by every recipient; a recipient costs its feed's check and the
   * socket write, with no promise or closure of its own.
   */
  function event(body: EventDelivery): void {
    const { event } = body;
    const clientEvent: ClientEvent = toClientEvent(event);
    const origin = event.origin;
    const originSession = origin !== null && origin.gatewayId === deps.gatewayId ? sessions.get(origin.sessionId) : undefined;
    let ack: (() => boolean) | undefined;
    if (origin && originSession?.isPending(origin.requestId)) {
      const result = ackResult(event);
      ack = () => originSession.answer(origin.requestId, result);
    }
    const timeline = clientEvent.seq !== null;
    const push = (session: Session) => {
      const sessionAck = session === originSession ? ack : undefined;
      // Receipts are not in the timeline: no order to keep, no gap to fill.
      if (timeline) void session.feed(clientEvent.conversationId).live(clientEvent, sessionAck);
      else if (!(sessionAck && sessionAck())) session.pushEvent(clientEvent);
    };
    const mark = nextMark();
    forEachLocalSession(body.recipients, mark, push);
    if (ack && originSession && originSession.dispatchMark !== mark) {
      originSession.dispatchMark = mark;
      push(originSession);
    }
  }

  function ephemeral(body: EphemeralDelivery): void {
    const frame: ServerFrame =
      body.body.type === 'Typing'
        ? { type: 'typing', conversationId: body.conversationId, userId: body.fromUserId, active: body.body.active }
        : { type: 'signal', from: body.fromUserId, kind: CLIENT_SIGNAL_KINDS[body.body.kind], payload: body.body.payload };
    forEachLocalSession(body.recipients, nextMark(), (session) => void session.send(frame));
  }

  /** Calls `visit` once for each local session of these users, marking it with `mark`. */
  function forEachLocalSession(users: readonly string[], mark: object, visit: (session: Session) => void): void {
    const once = (session: Session) => {
      if (session.dispatchMark === mark) return;
      session.dispatchMark = mark;
      visit(session);
    };
    for (const user of users) sessions.forEachOfUser(user, once);
  }

  /** Times the hops of a delivered event: only recipients' deliveries, where the pipeline ends. */
  function timeHops(body: EventDelivery, stamps: DeliveryStamps): void {
    const { hops } = deps;
    if (!hops || body.recipients.length === 0) return;
    afterWrite(() => {
      const pushed = stampNow();
      hops.observe('delivery_fetch', stamps.decided, stamps.fetched);
      hops.observe('gateway_push', stamps.fetched, pushed);
      hops.observe('platform_total', stamps.received, pushed);
    });
  }

  return (delivery, stamps) => {
    const body = delivery.body;
    switch (body.type) {
      case 'CommandReply':
        return reply(body);
      case 'EventDelivery':
        event(body);
        if (stamps) timeHops(body, stamps);
        return;
      case 'EphemeralDelivery':
        return ephemeral(body);
      default:
        logger.warn('unknown delivery type', { type: (body as { type?: unknown }).type });
    }
  };
}
