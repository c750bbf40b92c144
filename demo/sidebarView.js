// The conversation list (newest activity first, unread counts, who is online) and the member list
// of an open group.

/** `presence` is `{ online, sessions }` from the platform, or undefined while it is not known. */
function presenceDot(userId, presence) {
  const dot = document.createElement('span');
  dot.className = presence === undefined ? 'dot unknown' : presence.online ? 'dot online' : 'dot offline';
  dot.dataset.presence = presence === undefined ? 'unknown' : presence.online ? 'online' : 'offline';
  dot.dataset.userId = userId;
  const text =
    presence === undefined ? 'presence not known'
    : presence.online ? `online (${presence.sessions} ${presence.sessions === 1 ? 'session' : 'sessions'})`
    : 'offline';
  dot.title = text;
  const label = document.createElement('span');
  label.className = 'visually-hidden';
  label.textContent = ` (${text})`;
  return [dot, label];
}

export function renderConversationList(list, { inbox, openId, onOpen, presenceOf }) {
  const items = inbox.sorted().map((c) => {
    const li = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.dataset.conversationId = c.id;
    if (c.id === openId) button.setAttribute('aria-current', 'true');
    const title = document.createElement('span');
    title.className = 'title';
    title.textContent = inbox.title(c);
    button.append(title);
    if (c.kind === 'direct' && c.peer) button.append(...presenceDot(c.peer, presenceOf(c.peer)));
    if (c.kind === 'group') button.append(Object.assign(document.createElement('span'), { className: 'kind', textContent: c.left ? ' (left)' : ' (group)' }));
    const unread = inbox.unread(c);
    if (unread > 0) button.append(Object.assign(document.createElement('span'), { className: 'unread', textContent: `${unread} unread` }));
    button.addEventListener('click', () => onOpen(c.id));
    li.append(button);
    return li;
  });
  const focused = list.contains(document.activeElement) ? document.activeElement.dataset.conversationId : undefined;
  list.replaceChildren(...items);
  if (focused) list.querySelector(`button[data-conversation-id="${CSS.escape(focused)}"]`)?.focus();
}

export function renderMembers(section, list, { conversation, selfId, onRemove, presenceOf }) {
  const isGroup = conversation?.kind === 'group' && !conversation.left;
  section.hidden = !isGroup;
  if (!isGroup) return list.replaceChildren();
  const members = [...conversation.members].sort();
  list.replaceChildren(
    ...members.map((userId) => {
      const li = document.createElement('li');
      li.append(document.createTextNode(userId === selfId ? `${userId} (you)` : userId), ...(userId === selfId ? [] : presenceDot(userId, presenceOf(userId))));
      const mayRemove = userId === selfId || conversation.creator === selfId;
      if (mayRemove) {
        const button = document.createElement('button');
        button.type = 'button';
        button.textContent = userId === selfId ? 'Leave' : 'Remove';
        button.setAttribute('aria-label', userId === selfId ? 'Leave the group' : `Remove ${userId}`);
        button.addEventListener('click', () => onRemove(userId));
        li.append(' ', button);
      }
      return li;
    }),
  );
}
