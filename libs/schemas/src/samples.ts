import type { Command, CommandBody, CommandReply, Delivery, EphemeralDelivery, Event, EventBody, RouterSnapshot } from './generated/types';
import { SUBJECTS } from './subjects';

/*
 * A sample value of every variant of every subject, for the latest schemas. The round-trip tests
 * encode them, and the golden recordings are made from them; change them only together with a
 * deliberate re-recording (npm run golden:record -w @switchboard/schemas).
 */

const AT = Date.UTC(2025, 0, 2, 3, 4, 5, 678);
const ORIGIN = { gatewayId: 'gw-1', sessionId: 's-1', userId: 'alice', requestId: 'r-1' } as const;
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function command(body: CommandBody, traceparent: string | null = null): Command {
  return { commandId: '6f1c1a52-5d1e-4a2b-9c0e-1d2f3a4b5c6d', issuedAt: AT, conversationId: 'd:alice:bob', origin: ORIGIN, traceparent, body };
}

export const COMMAND_SAMPLES: Readonly<Record<string, Command>> = {
  SendMessage: command(
    { type: 'SendMessage', clientMsgId: 'c-1', recipientId: 'bob', body: 'hello, bob ✓', contentType: 'text/plain' },
    TRACEPARENT,
  ),
  SendMessageToGroup: command({ type: 'SendMessage', clientMsgId: 'c-2', recipientId: null, body: '', contentType: 'text/markdown' }),
  EditMessage: command({ type: 'EditMessage', seq: 41, body: 'hello again' }),
  DeleteMessage: command({ type: 'DeleteMessage', seq: 42 }),
  MarkRead: command({ type: 'MarkRead', seq: 2 ** 40 }),
  AckDelivery: command({ type: 'AckDelivery', seq: 1 }),
  CreateGroup: command({ type: 'CreateGroup', name: 'Team', members: ['bob', 'carol'] }),
  CreateGroupAlone: command({ type: 'CreateGroup', name: 'Notes', members: [] }),
  AddMember: command({ type: 'AddMember', userId: 'dave' }),
  RemoveMember: command({ type: 'RemoveMember', userId: 'dave' }),
  Typing: command({ type: 'Typing', active: true }),
  Signal: command({ type: 'Signal', toUserId: 'bob', kind: 'ICE_CANDIDATE', payload: 'candidate:1 1 UDP 2122252543 192.0.2.1 54400 typ host' }),
};

function event(body: EventBody, seq: number | null, extra: Partial<Event> = {}): Event {
  return {
    eventId: `e-${seq ?? 'r'}`,
    conversationId: 'g:team',
    kind: 'GROUP',
    seq,
    occurredAt: AT,
    actorId: 'alice',
    origin: ORIGIN,
    traceparent: null,
    body,
    ...extra,
  };
}

export const EVENT_SAMPLES: Readonly<Record<string, Event>> = {
  MessageSent: event({ type: 'MessageSent', messageId: 'm-7', clientMsgId: 'c-1', recipientId: null, body: 'hi all', contentType: 'text/plain' }, 7, {
    traceparent: TRACEPARENT,
  }),
  MessageSentDirect: event({ type: 'MessageSent', messageId: 'm-1', clientMsgId: 'c-9', recipientId: 'bob', body: 'hey', contentType: 'text/plain' }, 1, {
    conversationId: 'd:alice:bob',
    kind: 'DIRECT',
  }),
  MessageEdited: event({ type: 'MessageEdited', targetSeq: 7, body: 'hi everyone' }, 8),
  MessageDeleted: event({ type: 'MessageDeleted', targetSeq: 7 }, 9),
  ReadCursorMoved: event({ type: 'ReadCursorMoved', userId: 'bob', upToSeq: 9 }, null, { actorId: 'bob' }),
  DeliveryAcked: event({ type: 'DeliveryAcked', userId: 'carol', upToSeq: 9 }, null, { actorId: 'carol' }),
  GroupCreated: event({ type: 'GroupCreated', name: 'Team', createdBy: 'alice', members: ['alice', 'bob', 'carol'] }, 1),
  MemberAdded: event({ type: 'MemberAdded', userId: 'dave', addedBy: 'alice' }, 10, { origin: null }),
  MemberRemoved: event({ type: 'MemberRemoved', userId: 'dave', removedBy: 'dave' }, 11, { actorId: 'dave' }),
};

const eventDeliveries = Object.fromEntries(
  Object.entries(EVENT_SAMPLES).map(([name, sample]): [string, Delivery] => [
    `EventDelivery-${name}`,
    { gatewayId: 'gw-2', body: { type: 'EventDelivery', event: sample, recipients: ['bob', 'carol'] } },
  ]),
);

export const DELIVERY_SAMPLES: Readonly<Record<string, Delivery>> = {
  ...eventDeliveries,
  CommandReply: {
    gatewayId: 'gw-1',
    body: {
      type: 'CommandReply',
      sessionId: 's-1',
      requestId: 'r-1',
      conversationId: 'g:team',
      seq: 7,
      messageId: 'm-7',
      errorCode: null,
      errorMessage: null,
    },
  },
  CommandReplyError: {
    gatewayId: 'gw-1',
    body: {
      type: 'CommandReply',
      sessionId: 's-1',
      requestId: 'r-2',
      conversationId: 'g:team',
      seq: null,
      messageId: null,
      errorCode: 'NOT_A_MEMBER',
      errorMessage: 'you are not a member of this conversation',
    },
  },
  Typing: {
    gatewayId: 'gw-2',
    body: {
      type: 'EphemeralDelivery',
      conversationId: 'g:team',
      fromUserId: 'alice',
      recipients: ['bob'],
      body: { type: 'Typing', active: false },
    },
  },
  Signal: {
    gatewayId: 'gw-2',
    body: {
      type: 'EphemeralDelivery',
      conversationId: 'd:alice:bob',
      fromUserId: 'alice',
      recipients: [],
      body: { type: 'Signal', toUserId: 'bob', kind: 'OFFER', payload: 'v=0\r\no=- 46117 2 IN IP4 127.0.0.1' },
    },
  },
};

/**
 * A batch of the deliveries the router wrote in one transaction for one gateway. Its events travel
 * as the bytes of the events topic, which a JSON recording cannot hold, so this sample carries the
 * other kinds; the codec tests cover encoded events.
 */
export const DELIVERY_BATCH_SAMPLE: Delivery = {
  gatewayId: 'gw-1',
  body: {
    type: 'DeliveryBatch',
    items: [
      { body: DELIVERY_SAMPLES.CommandReply!.body as CommandReply, receivedAt: 1732431000151.25, decidedAt: 1732431000154.5 },
      { body: DELIVERY_SAMPLES.Typing!.body as EphemeralDelivery, receivedAt: null, decidedAt: null },
    ],
  },
};

export const ROUTER_SNAPSHOT_SAMPLES: Readonly<Record<string, RouterSnapshot>> = {
  ConversationHead: {
    body: { type: 'ConversationHead', conversationId: 'g:team', kind: 'GROUP', name: 'Team', createdBy: 'alice', lastSeq: 11, recentCapacity: 10_000, memberPages: 1, recentSince: 9 },
  },
  ConversationHeadDirect: {
    body: { type: 'ConversationHead', conversationId: 'd:alice:bob', kind: 'DIRECT', name: null, createdBy: null, lastSeq: 2 ** 40, recentCapacity: 100, memberPages: 1, recentSince: 1 },
  },
  MemberPage: {
    body: { type: 'MemberPage', conversationId: 'g:team', page: 0, members: [{ userId: 'alice', fromSeq: 1 }, { userId: 'dave', fromSeq: 10 }] },
  },
  RecentPage: {
    body: {
      type: 'RecentPage',
      conversationId: 'g:team',
      throughSeq: 11,
      part: 0,
      messages: [
        { seq: 7, messageId: 'm-7', senderId: 'alice', clientMsgId: 'c-1', deleted: true },
        { seq: 11, messageId: 'm-11', senderId: 'bob', clientMsgId: 'c-✓', deleted: false },
      ],
      deletedSeqs: [3, 5],
    },
  },
  SnapshotCheckpoint: {
    body: { type: 'SnapshotCheckpoint', clusterId: 'MkU3OEVBNTcwNTJENDM2Qg', eventsTopic: 'switchboard.events.v1', partition: 3, eventsOffset: 123_456, writtenAt: AT },
  },
};

/** Every sample by subject, then by case name. */
export const SAMPLES: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  [SUBJECTS.command]: COMMAND_SAMPLES,
  [SUBJECTS.event]: EVENT_SAMPLES,
  [SUBJECTS.delivery]: { ...DELIVERY_SAMPLES, DeliveryBatch: DELIVERY_BATCH_SAMPLE },
  [SUBJECTS.routerSnapshot]: ROUTER_SNAPSHOT_SAMPLES,
};
