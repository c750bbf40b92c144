// The open conversation: its messages in seq order, sends still waiting for their ack after them,
// receipts on your own messages, who is typing, and the members of a group.

const time = (at) => new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

function systemText(event, selfId) {
  const who = (id) => (id === selfId ? 'you' : id);
  switch (event.kind) {
    case 'group_created':
      return `${who(event.actorId)} created “${event.name}” with ${(event.members ?? []).filter((m) => m !== event.actorId).map(who).join(', ') || 'nobody else'}`;
    case 'member_added':
      return `${who(event.actorId)} added ${who(event.userId)}`;
    case 'member_removed':
      return event.actorId === event.userId ? `${who(event.userId)} left` : `${who(event.actorId)} removed ${who(event.userId)}`;
    default:
      return undefined;
  }
}

/** "Sent", "Delivered" or "Read" (by whom, in a group) for one of your messages. */
function receiptText(conversation, seq, selfId) {
  const readers = [...conversation.readBy].filter(([userId, upTo]) => userId !== selfId && upTo >= seq).map(([userId]) => userId);
  if (readers.length > 0) return conversation.kind === 'group' ? `Read by ${readers.join(', ')}` : 'Read';
  const delivered = [...conversation.deliveredTo].some(([userId, upTo]) => userId !== selfId && upTo >= seq);
  return delivered ? 'Delivered' : 'Sent';
}

export function createTimelineView(elements, { selfId }) {
  const { scroller, list, loadOlder, historyStart, typing } = elements;
  /** seq → li of the conversation on show. */
  let rows = new Map();

  const atBottom = () => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 48;
  const scrollToBottom = () => (scroller.scrollTop = scroller.scrollHeight);

  function messageRow(item) {
    const { event } = item;
    const li = document.createElement('li');
    const text = systemText(event, selfId);
    li.dataset.seq = String(event.seq);
    if (text !== undefined) {
      li.className = 'system';
      li.textContent = text;
      return li;
    }
    li.className = event.actorId === selfId ? 'message mine' : 'message';
    li.dataset.author = event.actorId;
    li.innerHTML = '<span class="author"></span> <span class="body"></span> <time></time> <span class="receipt"></span>';
    li.querySelector('.author').textContent = event.actorId === selfId ? 'You' : event.actorId;
    li.querySelector('time').dateTime = new Date(event.at).toISOString();
    li.querySelector('time').textContent = time(event.at);
    fillBody(li, item);
    return li;
  }

  function fillBody(li, item) {
    const body = li.querySelector('.body');
    if (!body) return;
    body.textContent = item.deleted ? 'message deleted' : `${item.body ?? ''}${item.edited ? ' (edited)' : ''}`;
    li.classList.toggle('deleted', item.deleted);
  }

  /** Puts a row at its seq's place: before the first row with a higher seq, or before the pending sends. */
  function place(li, seq) {
    for (const child of list.children) {
      if (child.classList.contains('pending') || Number(child.dataset.seq) > seq) return list.insertBefore(li, child);
    }
    list.append(li);
  }

  function pendingRow(clientMsgId, send) {
    const li = document.createElement('li');
    li.className = 'message mine pending';
    li.dataset.clientMsgId = clientMsgId;
    li.innerHTML = '<span class="author">You</span> <span class="body"></span> <span class="receipt"></span>';
    li.querySelector('.body').textContent = send.body;
    li.querySelector('.receipt').textContent = send.error ? `Not sent: ${send.error}` : 'Sending…';
    li.classList.toggle('failed', Boolean(send.error));
    return li;
  }

  return {
    /** Shows a conversation from scratch, with its pending sends at the end. */
    show(conversation, pendingSends) {
      list.replaceChildren();
      rows = new Map();
      const seqs = [...(conversation?.items.keys() ?? [])].sort((a, b) => a - b);
      for (const seq of seqs) {
        const li = messageRow(conversation.items.get(seq));
        rows.set(seq, li);
        list.append(li);
      }
      for (const [clientMsgId, send] of pendingSends) list.append(pendingRow(clientMsgId, send));
      scrollToBottom();
    },

    /** Adds or refreshes one item; keeps the reader's place unless they were at the bottom or sent it. */
    upsert(item, { live }) {
      const existing = rows.get(item.event.seq);
      if (existing) return fillBody(existing, item);
      const follow = atBottom() || (live && item.event.actorId === selfId);
      const fromBottom = scroller.scrollHeight - scroller.scrollTop;
      const li = messageRow(item);
      rows.set(item.event.seq, li);
      place(li, item.event.seq);
      if (follow) scrollToBottom();
      else scroller.scrollTop = scroller.scrollHeight - fromBottom;
    },

    pending(clientMsgId, send) {
      const old = list.querySelector(`li.pending[data-client-msg-id="${CSS.escape(clientMsgId)}"]`);
      const li = pendingRow(clientMsgId, send);
      if (old) old.replaceWith(li);
      else list.append(li);
      scrollToBottom();
    },

    settled(clientMsgId) {
      list.querySelector(`li.pending[data-client-msg-id="${CSS.escape(clientMsgId)}"]`)?.remove();
    },

    receipts(conversation) {
      for (const [seq, li] of rows) {
        if (!li.classList.contains('mine')) continue;
        li.querySelector('.receipt').textContent = receiptText(conversation, seq, selfId);
      }
    },

    history(conversation) {
      const more = conversation?.hasOlder !== false && conversation?.items.size > 0;
      loadOlder.hidden = !more;
      historyStart.hidden = more || !conversation?.newestLoaded;
    },

    typing(names) {
      typing.textContent = names.length === 0 ? '' : `${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} typing…`;
    },
  };
}
