import { toClientEvent, type ClientEvent, type ServerFrame, type SignalKind as ClientSignalKind } from '@switchboard/protocol';
import type { CommandReply, Delivery, EphemeralDelivery, Event, EventDelivery, SignalKind } from '@switchboard/schemas';
import { stampNow, type HopTimer, type Logger } from '@switchboard/telemetry';
import type { DeliveryStamps } from '../consumers/deliveries';
import type { Session } from './session';
import type { SessionRegistry } from './sessionRegistry';

export interface DeliveryDispatcherDeps {
  gatewayId: string;
  sessions: Pick<SessionRegistry, 'get' | 'ofUser'>;
  logger: Logger;
  hops?: HopTimer;
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

/**
 * Acts on one delivery read from this gateway's partition: answers requests, pushes events through
 * each session's conversation feed, and relays typing and signalling frames.
 */
export function createDeliveryDispatcher(deps: DeliveryDispatcherDeps): (delivery: Delivery, stamps?: DeliveryStamps) => void {
  const { sessions, logger } = deps;

  function localSessions(users: readonly string[]): Set<Session> {
    const found = new Set<Session>();
    for (const user of users) for (const session of sessions.ofUser(user)) found.add(session);
    return found;
  }

  function reply(body: CommandReply): void {
    const session = sessions.get(body.sessionId);
    if (!session) return;
    if (body.errorCode !== null) {
      session.fail(body.requestId, body.errorCode, body.errorMessage);
    } else {
      session.answer(body.requestId, { conversationId: body.conversationId, seq: body.seq, messageId: body.messageId });
    }
  }

  function event(body: EventDelivery): void {
    const { event } = body;
    const clientEvent: ClientEvent = toClientEvent(event);
    const origin = event.origin;
    const originSession = origin !== null && origin.gatewayId === deps.gatewayId ? sessions.get(origin.sessionId) : undefined;
    const targets = localSessions(body.recipients);
    let ack: (() => boolean) | undefined;
    if (origin && originSession?.isPending(origin.requestId)) {
      const result = ackResult(event);
      ack = () => originSession.answer(origin.requestId, result);
      targets.add(originSession);
    }
    for (const session of targets) {
      const sessionAck = session === originSession ? ack : undefined;
      if (clientEvent.seq === null) {
        // Receipts are not in the timeline: no order to keep, no gap to fill.
        if (!(sessionAck && sessionAck())) session.send({ type: 'event', event: clientEvent });
        continue;
      }
      void session.feed(clientEvent.conversationId).live(clientEvent, sessionAck);
    }
  }

  function ephemeral(body: EphemeralDelivery): void {
    const frame: ServerFrame =
      body.body.type === 'Typing'
        ? { type: 'typing', conversationId: body.conversationId, userId: body.fromUserId, active: body.body.active }
        : { type: 'signal', from: body.fromUserId, kind: CLIENT_SIGNAL_KINDS[body.body.kind], payload: body.body.payload };
    for (const session of localSessions(body.recipients)) session.send(frame);
  }

  /** Times the hops of a delivered event: only recipients' deliveries, where the pipeline ends. */
  function timeHops(body: EventDelivery, stamps: DeliveryStamps): void {
    if (!deps.hops || body.recipients.length === 0) return;
    const pushed = stampNow();
    deps.hops.observe('delivery_fetch', stamps.decided, stamps.fetched);
    deps.hops.observe('gateway_push', stamps.fetched, pushed);
    deps.hops.observe('platform_total', stamps.received, pushed);
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
