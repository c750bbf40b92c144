import type { Command, Delivery, Event } from '@switchboard/schemas';
import type { SessionLocation } from '@switchboard/presence';
import type { ConversationState } from './conversationState';
import type { Decision } from './decide';

/** One command's result, with the users its output concerns. */
export interface Outcome {
  command: Command;
  decision: Decision;
  /** For each event of the decision, the users who should see it live. */
  recipients: string[][];
  /** Hop stamps (epoch ms): the request's arrival at its gateway when known, the fetch and the decision here. */
  stamps?: { received: number | undefined; fetched: number; decided: number };
}

export function eventRecipients(state: ConversationState, event: Event): string[] {
  const users = [...state.members.keys()];
  if (event.body.type === 'MemberRemoved') users.push(event.body.userId);
  return users;
}

export function usersOf(outcomes: readonly Outcome[]): string[] {
  const users = new Set<string>();
  for (const o of outcomes) {
    for (const list of o.recipients) for (const u of list) users.add(u);
    if (o.decision.outcome === 'ephemeral') for (const u of o.decision.recipients) users.add(u);
  }
  return [...users];
}

/**
 * Turns outcomes into deliveries, one per event and gateway that holds a recipient's session.
 * The origin gateway always gets one, because that is how the sender's ack travels: the gateway
 * answers the request when it sees the committed event.
 */
export function planDeliveries(outcomes: readonly Outcome[], sessions: ReadonlyMap<string, SessionLocation[]>): Delivery[] {
  const deliveries: Delivery[] = [];
  const byGateway = (users: readonly string[], originGateway: string | null) => {
    const gateways = new Map<string, Set<string>>();
    if (originGateway) gateways.set(originGateway, new Set());
    for (const user of users) {
      for (const s of sessions.get(user) ?? []) {
        let set = gateways.get(s.gatewayId);
        if (!set) gateways.set(s.gatewayId, (set = new Set()));
        set.add(user);
      }
    }
    return gateways;
  };

  for (const { command, decision, recipients } of outcomes) {
    const origin = command.origin;
    switch (decision.outcome) {
      case 'events':
        decision.events.forEach((event, i) => {
          const isLast = i === decision.events.length - 1;
          for (const [gatewayId, users] of byGateway(recipients[i] ?? [], isLast ? origin.gatewayId : null)) {
            deliveries.push({ gatewayId, body: { type: 'EventDelivery', event, recipients: [...users] } });
          }
        });
        break;
      case 'reply':
        deliveries.push(replyTo(command, decision.seq, decision.messageId, decision.error));
        break;
      case 'ephemeral':
        for (const [gatewayId, users] of byGateway(decision.recipients, null)) {
          deliveries.push({
            gatewayId,
            body: { type: 'EphemeralDelivery', conversationId: command.conversationId, fromUserId: origin.userId, recipients: [...users], body: decision.body },
          });
        }
        deliveries.push(replyTo(command, null, null, null));
        break;
    }
  }
  return deliveries;
}

function replyTo(command: Command, seq: number | null, messageId: string | null, error: { code: string; message: string } | null): Delivery {
  const origin = command.origin;
  return {
    gatewayId: origin.gatewayId,
    body: {
      type: 'CommandReply',
      sessionId: origin.sessionId,
      requestId: origin.requestId,
      conversationId: command.conversationId,
      seq,
      messageId,
      errorCode: error?.code ?? null,
      errorMessage: error?.message ?? null,
    },
  };
}
