import { SwitchboardError } from './errors';

export interface OutgoingMessage {
  conversationId?: string;
  to?: string;
  clientMsgId: string;
  body: string;
  contentType: string;
}

/** queued: waits for a slot; sending: handed to the connection, no answer yet; held: waits to be retried. */
export type EntryState = 'queued' | 'sending' | 'held';

export interface OutboxEntry {
  readonly message: OutgoingMessage;
  state: EntryState;
  /** Retriable refusals so far. */
  refusals: number;
}

export interface Outbox {
  /** Adds a message; refuses with `outbox_full` when `capacity` messages already wait for their ack. */
  add(message: OutgoingMessage): OutboxEntry;
  get(clientMsgId: string): OutboxEntry | undefined;
  size(): number;
  /** Queued entries, oldest first, as many as fit beside those sending; they become `sending`. */
  take(maxInFlight: number): OutboxEntry[];
  /** Back to the queue, keeping its place: its connection was lost, or its retry is due. */
  requeue(entry: OutboxEntry): void;
  /** Refused for now: waits, out of the queue, until requeued. */
  hold(entry: OutboxEntry): void;
  /** Acknowledged or failed for good. */
  remove(entry: OutboxEntry): void;
  entries(): OutboxEntry[];
}

/**
 * The bounded list of sends that have no ack yet, in the order they were made. Each keeps its
 * client id for its whole life, so every retry of it, on any connection, takes effect once.
 */
export function createOutbox(capacity: number): Outbox {
  const entries = new Map<string, OutboxEntry>();
  let sending = 0;

  function setState(entry: OutboxEntry, state: EntryState): void {
    if (entry.state === 'sending') sending -= 1;
    if (state === 'sending') sending += 1;
    entry.state = state;
  }

  return {
    add(message) {
      if (entries.has(message.clientMsgId)) throw new SwitchboardError('invalid_request', `a send with client id ${message.clientMsgId} is already waiting for its ack`);
      if (entries.size >= capacity) throw new SwitchboardError('outbox_full', `${entries.size} sends are waiting for their ack; the outbox holds at most ${capacity}`);
      const entry: OutboxEntry = { message, state: 'queued', refusals: 0 };
      entries.set(message.clientMsgId, entry);
      return entry;
    },
    get: (clientMsgId) => entries.get(clientMsgId),
    size: () => entries.size,
    take(maxInFlight) {
      const taken: OutboxEntry[] = [];
      for (const entry of entries.values()) {
        if (sending >= maxInFlight) break;
        if (entry.state !== 'queued') continue;
        setState(entry, 'sending');
        taken.push(entry);
      }
      return taken;
    },
    requeue: (entry) => setState(entry, 'queued'),
    hold: (entry) => setState(entry, 'held'),
    remove(entry) {
      if (entries.get(entry.message.clientMsgId) !== entry) return;
      setState(entry, 'held');
      entries.delete(entry.message.clientMsgId);
    },
    entries: () => [...entries.values()],
  };
}
