// What the page knows about the user's conversations: events from the SDK and from history pages,
// the platform's conversation list and receipts. No DOM here.
//
// After a reload the SDK resumes after the events it already handed out, and the page loads only
// the newest history page, so what only old events tell (a direct chat's peer, a group's name,
// members and creator) is kept in sessionStorage beside the SDK's cursors.

export function createInbox({ selfId, storage, storageKey }) {
  const saved = readSaved();
  const conversations = new Map();

  function readSaved() {
    try {
      return JSON.parse(storage.getItem(storageKey) ?? '{}');
    } catch {
      return {};
    }
  }

  function save() {
    const meta = {};
    for (const c of conversations.values()) {
      meta[c.id] = { kind: c.kind, name: c.name, peer: c.peer, members: [...c.members], creator: c.creator, left: c.left, membershipSeq: c.membershipSeq };
    }
    storage.setItem(storageKey, JSON.stringify(meta));
  }

  function conversation(id, kind) {
    let c = conversations.get(id);
    if (c) return c;
    const meta = saved[id] ?? {};
    c = {
      id,
      kind: meta.kind ?? kind,
      name: meta.name ?? null,
      peer: meta.peer ?? null,
      members: new Set(meta.members ?? []),
      creator: meta.creator ?? null,
      left: meta.left ?? false,
      membershipSeq: meta.membershipSeq ?? 0,
      /** seq → { event, body, edited, deleted } for messages and group changes. */
      items: new Map(),
      lastSeq: 0,
      lastAt: 0,
      /** Whether older events may exist than the oldest one held; undefined until history said. */
      hasOlder: undefined,
      newestLoaded: false,
      readBy: new Map(),
      deliveredTo: new Map(),
    };
    conversations.set(id, c);
    return c;
  }

  function notePeer(c, userId) {
    if (c.kind === 'direct' && !c.peer && userId && userId !== selfId) c.peer = userId;
  }

  /** Membership follows the newest membership event the page has seen, whatever order pages arrive in. */
  function applyMembership(c, event) {
    if (event.seq <= c.membershipSeq) return;
    if (event.kind === 'group_created') {
      c.members = new Set(event.members ?? [event.actorId]);
      c.creator = event.actorId;
      c.name = event.name ?? c.name;
    } else if (event.kind === 'member_added') {
      c.members.add(event.userId);
      if (event.userId === selfId) c.left = false;
    } else if (event.kind === 'member_removed') {
      c.members.delete(event.userId);
      if (event.userId === selfId) c.left = true;
    } else {
      return;
    }
    c.membershipSeq = event.seq;
  }

  /** Adds a timeline event; returns the item it touched (the message an edit or delete targets), if any. */
  function addTimelineEvent(event) {
    const c = conversation(event.conversationId, event.conversationKind);
    c.lastSeq = Math.max(c.lastSeq, event.seq);
    c.lastAt = Math.max(c.lastAt, event.at);
    notePeer(c, event.actorId);
    if (event.kind === 'message_edited' || event.kind === 'message_deleted') {
      const target = c.items.get(event.targetSeq);
      if (!target) return undefined;
      if (event.kind === 'message_edited') Object.assign(target, { body: event.body, edited: true });
      else Object.assign(target, { body: undefined, deleted: true });
      return target;
    }
    if (c.items.has(event.seq)) return undefined;
    applyMembership(c, event);
    const item = { event, body: event.body, edited: false, deleted: event.kind === 'message' && event.body === undefined };
    c.items.set(event.seq, item);
    return item;
  }

  function addReceipt(event) {
    const c = conversation(event.conversationId, event.conversationKind);
    const receipts = event.kind === 'read' ? c.readBy : c.deliveredTo;
    receipts.set(event.userId, Math.max(receipts.get(event.userId) ?? 0, event.upToSeq));
    notePeer(c, event.userId);
  }

  return {
    conversations,
    conversation,
    save,

    /** A live event from the SDK (each once, in order, per conversation). */
    addLive(event) {
      if (event.seq === null) return addReceipt(event);
      return addTimelineEvent(event);
    },

    /** A history page, oldest first; `newest` when it was the page without `before`. */
    addHistory(conversationId, page, newest) {
      for (const event of page.events) if (event.seq !== null) addTimelineEvent(event);
      const c = conversation(conversationId);
      if (newest) c.newestLoaded = true;
      if (!newest || c.hasOlder === undefined) c.hasOlder = page.hasMore && page.events.length > 0;
      if (c.items.size > 0 && Math.min(...c.items.keys()) <= 1) c.hasOlder = false;
    },

    /** The platform's list of the user's conversations, as a resume answered it. */
    addSummaries(summaries) {
      for (const s of summaries) {
        const c = conversation(s.conversationId, s.kind);
        c.kind = s.kind;
        if (s.name) c.name = s.name;
        c.lastSeq = Math.max(c.lastSeq, s.lastSeq);
        for (const [userId, seq] of Object.entries(s.readCursors ?? {})) {
          c.readBy.set(userId, Math.max(c.readBy.get(userId) ?? 0, seq));
          notePeer(c, userId);
        }
      }
    },

    /** A direct conversation found by sending to `peer`. */
    setPeer(conversationId, peer) {
      const c = conversation(conversationId, 'direct');
      if (!c.peer) c.peer = peer;
    },

    markedRead(conversationId, seq) {
      const c = conversation(conversationId);
      c.readBy.set(selfId, Math.max(c.readBy.get(selfId) ?? 0, seq));
    },

    directWith: (peer) => [...conversations.values()].find((c) => c.kind === 'direct' && c.peer === peer),
    title: (c) => (c.kind === 'group' ? (c.name ?? 'Group') : (c.peer ?? 'Direct conversation')),
    unread(c) {
      const read = c.readBy.get(selfId) ?? 0;
      let count = 0;
      for (const [seq, item] of c.items) if (seq > read && item.event.kind === 'message' && item.event.actorId !== selfId && !item.deleted) count += 1;
      return count;
    },
    oldestSeq: (c) => (c.items.size > 0 ? Math.min(...c.items.keys()) : undefined),
    newestSeq: (c) => (c.items.size > 0 ? Math.max(...c.items.keys()) : 0),
    /** Newest activity first. */
    sorted: () => [...conversations.values()].sort((a, b) => b.lastAt - a.lastAt || b.lastSeq - a.lastSeq),
  };
}
