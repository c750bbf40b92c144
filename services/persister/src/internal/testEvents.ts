import type { Event, EventBody } from '@switchboard/schemas';

/* Builders of canonical events for unit tests; bodies are taken as given, unchecked. */

export const DIRECT = 'dm.00000000000000000000000000000001';
export const GROUP = 'grp.00000000000000000000000000000002';

export function event(conversationId: string, seq: number | null, actorId: string, body: Record<string, unknown> & { type: string }, at = 1_000 + (seq ?? 0)): Event {
  return {
    eventId: `${conversationId}-${seq ?? 'r'}-${body.type}`,
    conversationId,
    kind: conversationId.startsWith('grp.') ? 'GROUP' : 'DIRECT',
    seq,
    occurredAt: at,
    actorId,
    origin: null,
    traceparent: null,
    body: body as unknown as EventBody,
  };
}

export const sent = (conversationId: string, seq: number, from: string, text: string, to: string | null = null): Event =>
  event(conversationId, seq, from, { type: 'MessageSent', messageId: `m${seq}`, clientMsgId: `c${seq}`, recipientId: to, body: text, contentType: 'text/plain' });
