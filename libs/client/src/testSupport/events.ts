import type { ClientEvent } from '../wire';

export const GROUP = 'grp.0123456789abcdef0123456789abcdef';

/** A message event at `seq` of GROUP (or another conversation). */
export function message(seq: number, overrides: Partial<ClientEvent> = {}): ClientEvent {
  return {
    conversationId: GROUP,
    conversationKind: 'group',
    seq,
    kind: 'message',
    actorId: 'bob',
    at: 1_700_000_000_000 + seq,
    messageId: `m-${seq}`,
    clientMsgId: `c-${seq}`,
    body: `body ${seq}`,
    contentType: 'text/plain',
    ...overrides,
  };
}
