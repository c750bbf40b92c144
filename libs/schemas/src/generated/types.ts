// Generated from the latest schema of each subject in catalog.json by `npm run gen -w @switchboard/schemas`.
// Do not edit: change the schemas, then regenerate.

/** A client's request as a gateway received it, keyed by conversation id on the commands topic. An input, not a fact: the router validates, deduplicates and sequences it. */
export interface Command {
  /** Unique id of this command, a UUID chosen by the gateway. */
  readonly commandId: string;
  /** When the gateway accepted the request, in epoch milliseconds. */
  readonly issuedAt: number;
  /** The conversation this command acts on; also the Kafka key. */
  readonly conversationId: string;
  /** The client request that caused this command. */
  readonly origin: Origin;
  /** W3C trace context of the request, or null when not traced. */
  readonly traceparent: string | null;
  /** What the client asks for. */
  readonly body: CommandBody;
}

/** Which client request caused a command or an event, so replies find their way back. */
export interface Origin {
  /** The gateway holding the client's connection. */
  readonly gatewayId: string;
  /** The client's session on that gateway. */
  readonly sessionId: string;
  /** The authenticated user who sent the request. */
  readonly userId: string;
  /** The request id of the client frame, echoed in the reply. */
  readonly requestId: string;
}

/** The variants of `Command.body`, told apart by `type`. */
export type CommandBody =
  | SendMessage
  | EditMessage
  | DeleteMessage
  | MarkRead
  | AckDelivery
  | CreateGroup
  | AddMember
  | RemoveMember
  | Typing
  | Signal;

/** Post a message to the conversation. */
export interface SendMessage {
  /** Variant tag. */
  readonly type: 'SendMessage';
  /** Id chosen by the client; a retried send with the same id takes effect once. */
  readonly clientMsgId: string;
  /** The peer's user id for a 1:1 send; null when posting to a group. */
  readonly recipientId: string | null;
  /** The message content. */
  readonly body: string;
  /** MIME type of the content. */
  readonly contentType: string;
}

/** Replace the content of one of the sender's own messages. */
export interface EditMessage {
  /** Variant tag. */
  readonly type: 'EditMessage';
  /** Sequence number of the message to edit. */
  readonly seq: number;
  /** The new content. */
  readonly body: string;
}

/** Delete one of the sender's own messages, leaving a tombstone in the timeline. */
export interface DeleteMessage {
  /** Variant tag. */
  readonly type: 'DeleteMessage';
  /** Sequence number of the message to delete. */
  readonly seq: number;
}

/** Move the sender's read cursor forward. */
export interface MarkRead {
  /** Variant tag. */
  readonly type: 'MarkRead';
  /** The sender has read every message up to and including this sequence number. */
  readonly seq: number;
}

/** Confirm that the sender's device received messages. */
export interface AckDelivery {
  /** Variant tag. */
  readonly type: 'AckDelivery';
  /** Every message up to and including this sequence number was delivered. */
  readonly seq: number;
}

/** Create a group conversation with the given id. */
export interface CreateGroup {
  /** Variant tag. */
  readonly type: 'CreateGroup';
  /** Display name of the group. */
  readonly name: string;
  /** User ids of the initial members besides the creator. */
  readonly members: readonly string[];
}

/** Add a user to a group. */
export interface AddMember {
  /** Variant tag. */
  readonly type: 'AddMember';
  /** The user to add. */
  readonly userId: string;
}

/** Remove a user from a group (a user may remove themselves to leave). */
export interface RemoveMember {
  /** Variant tag. */
  readonly type: 'RemoveMember';
  /** The user to remove. */
  readonly userId: string;
}

/** Ephemeral typing indicator; routed live, never persisted. */
export interface Typing {
  /** Variant tag. */
  readonly type: 'Typing';
  /** True while the user is typing, false when they stop. */
  readonly active: boolean;
}

/** Ephemeral WebRTC signalling relayed between two users' sessions; never persisted. */
export interface Signal {
  /** Variant tag. */
  readonly type: 'Signal';
  /** The user the signal is for. */
  readonly toUserId: string;
  /** Which signalling step this is. */
  readonly kind: SignalKind;
  /** Opaque signalling data (SDP or ICE candidate), passed through unchanged. */
  readonly payload: string;
}

/** WebRTC signalling steps. */
export type SignalKind = 'OFFER' | 'ANSWER' | 'ICE_CANDIDATE' | 'HANGUP';

/** A fact in a conversation's history, appended by the router and keyed by conversation id on the events topic: the source of truth. */
export interface Event {
  /** Unique id of this event. */
  readonly eventId: string;
  /** The conversation this event belongs to; also the Kafka key. */
  readonly conversationId: string;
  /** Whether the conversation is a 1:1 or a group conversation. */
  readonly kind: ConversationKind;
  /** Position in the conversation's timeline (1, 2, 3, ... without gaps); null for receipts, which are not part of the timeline. */
  readonly seq: number | null;
  /** When the router appended the event, in epoch milliseconds. */
  readonly occurredAt: number;
  /** The user whose action this event records. */
  readonly actorId: string;
  /** The client request that caused this event; null when no client request did. */
  readonly origin: Origin | null;
  /** W3C trace context of the command that caused the event, or null when not traced. */
  readonly traceparent: string | null;
  /** What happened. */
  readonly body: EventBody;
}

/** The kinds of conversation. */
export type ConversationKind = 'DIRECT' | 'GROUP';

/** The variants of `Event.body`, told apart by `type`. */
export type EventBody =
  | MessageSent
  | MessageEdited
  | MessageDeleted
  | ReadCursorMoved
  | DeliveryAcked
  | GroupCreated
  | MemberAdded
  | MemberRemoved;

/** A message was posted. */
export interface MessageSent {
  /** Variant tag. */
  readonly type: 'MessageSent';
  /** Id the router assigned to the message. */
  readonly messageId: string;
  /** The sender's client message id, for deduplication of retried sends. */
  readonly clientMsgId: string;
  /** The other participant of a direct conversation, so each 1:1 message names both users; null in groups. */
  readonly recipientId: string | null;
  /** The message content. */
  readonly body: string;
  /** MIME type of the content. */
  readonly contentType: string;
}

/** A message's content was replaced. */
export interface MessageEdited {
  /** Variant tag. */
  readonly type: 'MessageEdited';
  /** Sequence number of the edited message. */
  readonly targetSeq: number;
  /** The new content. */
  readonly body: string;
}

/** A message was deleted; its place in the timeline stays as a tombstone. */
export interface MessageDeleted {
  /** Variant tag. */
  readonly type: 'MessageDeleted';
  /** Sequence number of the deleted message. */
  readonly targetSeq: number;
}

/** A member read messages (a receipt). */
export interface ReadCursorMoved {
  /** Variant tag. */
  readonly type: 'ReadCursorMoved';
  /** The member whose read cursor moved. */
  readonly userId: string;
  /** The member has read every message up to and including this sequence number. */
  readonly upToSeq: number;
}

/** A member's device received messages (a receipt). */
export interface DeliveryAcked {
  /** Variant tag. */
  readonly type: 'DeliveryAcked';
  /** The member who acknowledged delivery. */
  readonly userId: string;
  /** Every message up to and including this sequence number was delivered. */
  readonly upToSeq: number;
}

/** A group conversation was created. */
export interface GroupCreated {
  /** Variant tag. */
  readonly type: 'GroupCreated';
  /** Display name of the group. */
  readonly name: string;
  /** The user who created the group. */
  readonly createdBy: string;
  /** The initial members, the creator included; each reads the group from sequence 1. */
  readonly members: readonly string[];
}

/** A user joined a group; they read the group from this event's sequence number on. */
export interface MemberAdded {
  /** Variant tag. */
  readonly type: 'MemberAdded';
  /** The user who joined. */
  readonly userId: string;
  /** The member who added them. */
  readonly addedBy: string;
}

/** A user left or was removed from a group. */
export interface MemberRemoved {
  /** Variant tag. */
  readonly type: 'MemberRemoved';
  /** The user who was removed. */
  readonly userId: string;
  /** The member who removed them (the user themselves when leaving). */
  readonly removedBy: string;
}

/** What one gateway must push to its sessions, keyed by gateway id on the deliveries topic: sequenced events with their local recipients, replies to commands, and ephemeral frames. */
export interface Delivery {
  /** The gateway that must act on this delivery; also the Kafka key. */
  readonly gatewayId: string;
  /** What to push. */
  readonly body: DeliveryBody;
}

/** The variants of `Delivery.body`, told apart by `type`. */
export type DeliveryBody =
  | EventDelivery
  | CommandReply
  | EphemeralDelivery
  | DeliveryBatch;

/** A sequenced event to push to the recipients' sessions on this gateway. */
export interface EventDelivery {
  /** Variant tag. */
  readonly type: 'EventDelivery';
  /** The event, exactly as appended to the events topic. */
  readonly event: Event;
  /** User ids with sessions on this gateway that must receive the event. */
  readonly recipients: readonly string[];
}

/** The outcome of a command, for the session that sent it. */
export interface CommandReply {
  /** Variant tag. */
  readonly type: 'CommandReply';
  /** The session that sent the command. */
  readonly sessionId: string;
  /** The request id of the client frame being answered. */
  readonly requestId: string;
  /** The conversation the command acted on. */
  readonly conversationId: string;
  /** Sequence number of the resulting event; null on error or when the command produced no timeline event. */
  readonly seq: number | null;
  /** Id of the message created by a send; null otherwise. */
  readonly messageId: string | null;
  /** Stable error code when the command was rejected; null on success. */
  readonly errorCode: string | null;
  /** Human-readable reason for the rejection; null on success. */
  readonly errorMessage: string | null;
}

/** A live-only frame (typing, signalling) relayed to sessions on this gateway; never persisted. */
export interface EphemeralDelivery {
  /** Variant tag. */
  readonly type: 'EphemeralDelivery';
  /** The conversation the frame belongs to. */
  readonly conversationId: string;
  /** The user who sent the frame. */
  readonly fromUserId: string;
  /** User ids with sessions on this gateway that must receive the frame. */
  readonly recipients: readonly string[];
  /** The frame. */
  readonly body: EphemeralDeliveryBody;
}

/** The variants of `EphemeralDelivery.body`, told apart by `type`. */
export type EphemeralDeliveryBody =
  | Typing
  | Signal;

/** Everything one router transaction has for this gateway, in log order: one record instead of one per event, reply and ephemeral frame. The router writes every delivery in this form since Delivery v2. */
export interface DeliveryBatch {
  /** Variant tag. */
  readonly type: 'DeliveryBatch';
  /** The deliveries, in the order the router decided them. */
  readonly items: readonly BatchedDelivery[];
}

/** One delivery of a batch, with the hop stamps of the command it came from. */
export interface BatchedDelivery {
  /** What to push. */
  readonly body: BatchedDeliveryBody;
  /** Hop stamp: when the command's request reached its gateway, epoch milliseconds; null when unknown. */
  readonly receivedAt: number | null;
  /** Hop stamp: when the router sequenced the command, epoch milliseconds; null when unknown. */
  readonly decidedAt: number | null;
}

/** The variants of `BatchedDelivery.body`, told apart by `type`. */
export type BatchedDeliveryBody =
  | EncodedEventDelivery
  | CommandReply
  | EphemeralDelivery;

/** A sequenced event to push to the recipients' sessions on this gateway, carried as the bytes appended to the events topic, so that it is encoded once. */
export interface EncodedEventDelivery {
  /** Variant tag. */
  readonly type: 'EncodedEventDelivery';
  /** The event record exactly as appended to the events topic: Confluent wire format (magic byte 0, schema id, Avro binary of io.switchboard.Event). */
  readonly event: Buffer;
  /** User ids with sessions on this gateway that must receive the event. */
  readonly recipients: readonly string[];
}

/** One piece of the router's conversation state on the compacted router snapshots topic, written in the same transaction as the events it covers. A new owner of a partition restores the latest pieces and folds the events after the partition's checkpoint. */
export interface RouterSnapshot {
  /** Which piece of state this record holds. */
  readonly body: RouterSnapshotBody;
}

/** The variants of `RouterSnapshot.body`, told apart by `type`. */
export type RouterSnapshotBody =
  | ConversationHead
  | MemberPage
  | RecentPage
  | SnapshotCheckpoint;

/** A conversation's scalar state, keyed h:<conversation id>; its members and recent messages are in MemberPage and RecentPage records. */
export interface ConversationHead {
  /** Variant tag. */
  readonly type: 'ConversationHead';
  /** The conversation. */
  readonly conversationId: string;
  /** Whether the conversation is a 1:1 or a group conversation. */
  readonly kind: ConversationKind;
  /** A group's name; null for direct conversations. */
  readonly name: string | null;
  /** Who created the group; null for direct conversations. */
  readonly createdBy: string | null;
  /** The last sequence number of the conversation that this snapshot includes; events with a higher seq are folded on top. */
  readonly lastSeq: number;
  /** The number of recent messages the writing router kept (ROUTER_RECENT_MESSAGES); a router that keeps more cannot use this snapshot. */
  readonly recentCapacity: number;
  /** How many MemberPage records (pages 0 to memberPages - 1) hold the members. */
  readonly memberPages: number;
  /** RecentPage records of this conversation with a throughSeq below this belong to an older chain and are ignored. */
  readonly recentSince: number;
}

/** A page of a conversation's members in membership order, keyed m:<conversation id>:<page>. */
export interface MemberPage {
  /** Variant tag. */
  readonly type: 'MemberPage';
  /** The conversation. */
  readonly conversationId: string;
  /** Position of this page, from 0. */
  readonly page: number;
  /** Members and the sequence from which each may read. */
  readonly members: readonly SnapshotMember[];
}

/** One member of a conversation. */
export interface SnapshotMember {
  /** The member. */
  readonly userId: string;
  /** The sequence from which the member may read. */
  readonly fromSeq: number;
}

/** The recent messages a snapshot added to a conversation's chain, keyed r:<conversation id>:<throughSeq>:<part>: the messages after the previous snapshot up to throughSeq, and the older messages deleted since. */
export interface RecentPage {
  /** Variant tag. */
  readonly type: 'RecentPage';
  /** The conversation. */
  readonly conversationId: string;
  /** The lastSeq of the snapshot that wrote this page. */
  readonly throughSeq: number;
  /** Position of this page among the pages of the same snapshot, from 0. */
  readonly part: number;
  /** Recent messages in sequence order. */
  readonly messages: readonly SnapshotMessage[];
  /** Messages of earlier pages deleted since the previous snapshot. */
  readonly deletedSeqs: readonly number[];
}

/** What the router remembers of one recent message: for retries, edits and deletes. */
export interface SnapshotMessage {
  /** The message's sequence number. */
  readonly seq: number;
  /** The message's id. */
  readonly messageId: string;
  /** Who sent it. */
  readonly senderId: string;
  /** The sender's client message id. */
  readonly clientMsgId: string;
  /** Whether the message was deleted. */
  readonly deleted: boolean;
}

/** Where the tail of one events partition starts, keyed c:<partition>: every conversation's state before eventsOffset is in the snapshots. */
export interface SnapshotCheckpoint {
  /** Variant tag. */
  readonly type: 'SnapshotCheckpoint';
  /** The Kafka cluster whose events topic the offset belongs to. */
  readonly clusterId: string;
  /** The events topic the offset belongs to. */
  readonly eventsTopic: string;
  /** The events partition (the same number as the snapshot partition). */
  readonly partition: number;
  /** The offset of the events partition from which a new owner folds the tail. */
  readonly eventsOffset: number;
  /** When the router wrote the checkpoint, in epoch milliseconds. */
  readonly writtenAt: number;
}
