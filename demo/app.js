// The Switchboard demo page: sign in, chat 1:1 and in groups, typing, receipts, presence, history paging.
// Everything goes through the public API of @switchboard/client (its browser bundle).
import { createClient, localStorageCursorStore } from './switchboard-client.mjs';
import { createInbox } from './inbox.js';
import { createTokenSource, gatewayUrls, rememberedSession, tokenClaims } from './session.js';
import { renderConversationList, renderMembers } from './sidebarView.js';
import { createTimelineView } from './timelineView.js';

const $ = (id) => document.getElementById(id);
/** Events per history page; `?pageSize=3` makes paging easy to try with a few messages. */
const PAGE_SIZE = Math.min(500, Math.max(1, Number(new URLSearchParams(location.search).get('pageSize')) || 30));
const TYPING_REPEAT_MS = 3_000;
const TYPING_IDLE_MS = 4_000;
const TYPING_SHOWN_MS = 6_000;
const DELIVERED_DELAY_MS = 300;
/** How often the page asks who of the people in its sidebar is online. */
const PRESENCE_POLL_MS = 15_000;
/** The most users one presence request may name. */
const PRESENCE_MAX_USERS = 100;
const USER_ID = /^[A-Za-z0-9._@-]{1,128}$/;
const DRAFT = 'draft:';

let chat;

function notice(err) {
  $('notice').textContent = err ? `${err.code ? `${err.code}: ` : ''}${err.message ?? err}` : '';
}

function newClientMsgId() {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `web-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

function showConnection({ state, delayMs, error }) {
  const element = $('connection');
  element.dataset.state = state;
  element.textContent =
    state === 'connected' ? 'Connected'
    : state === 'connecting' ? 'Connecting…'
    : state === 'reconnecting' ? `Reconnecting${delayMs !== undefined ? ` in ${(delayMs / 1000).toFixed(1)} s` : '…'}`
    : `Disconnected${error ? `: ${error.message}` : ''}`;
}

/** One signed-in user: the client, what the page knows, and the open conversation. */
function createChat({ userId, tokens }) {
  const prefix = `sb-demo.${userId}.`;
  const client = createClient({
    url: gatewayUrls(location),
    token: () => tokens.current(),
    cursorStore: localStorageCursorStore({ prefix: `${prefix}cursor.`, storage: sessionStorage }),
  });
  const inbox = createInbox({ selfId: userId, storage: sessionStorage, storageKey: `${prefix}conversations` });
  const view = createTimelineView(
    { scroller: $('timeline'), list: $('messages'), loadOlder: $('load-older'), historyStart: $('history-start'), typing: $('typing') },
    { selfId: userId },
  );
  /** clientMsgId → { key, body, peer?, error? }: sends whose event is not in the timeline yet. */
  const pendingSends = new Map();
  /** conversationId → Map(userId → until): who is typing where. */
  const typingNow = new Map();
  /** conversationId → last seq the client handed over: checks its promise of each once, in order. */
  const liveSeq = new Map();
  const deliveredToMark = new Map();
  let deliveredTimer;
  let openId = sessionStorage.getItem(`${prefix}open`) ?? undefined;
  let loadingOlder = false;
  const typingOut = { conversationId: undefined, sentAt: 0, idleTimer: undefined };
  /** userId → { online, sessions } as the platform last answered; shown only while connected. */
  const presence = new Map();
  const presenceWatch = { key: '', stop: undefined };
  const presenceOf = (who) => (client.state === 'connected' ? presence.get(who) : undefined);

  const openConversation = () => (openId && !openId.startsWith(DRAFT) ? inbox.conversation(openId) : undefined);
  const draftPeer = () => (openId?.startsWith(DRAFT) ? openId.slice(DRAFT.length) : undefined);
  // A request cut short by signing out is no news.
  const report = (err) => err?.code !== 'client_closed' && notice(err);

  function renderList() {
    renderConversationList($('conversation-list'), { inbox, openId, onOpen: open, presenceOf });
    watchPeers();
  }

  /** The people in the sidebar: direct chats' peers and the open group's members. */
  function peers() {
    const ids = new Set();
    for (const c of inbox.sorted()) if (c.kind === 'direct' && c.peer) ids.add(c.peer);
    const c = openConversation();
    if (c?.kind === 'group') for (const member of c.members) if (member !== userId) ids.add(member);
    return [...ids].slice(0, PRESENCE_MAX_USERS);
  }

  /** Watches the presence of the people in the sidebar; a new watch when they change. */
  function watchPeers() {
    const ids = peers();
    const key = ids.slice().sort().join('\n');
    if (key === presenceWatch.key) return;
    presenceWatch.stop?.();
    presenceWatch.key = key;
    presenceWatch.stop = undefined;
    if (ids.length === 0) return;
    presenceWatch.stop = client.watchPresence(ids, { intervalMs: PRESENCE_POLL_MS }, (changed) => {
      for (const [who, now] of Object.entries(changed)) presence.set(who, now);
      renderPresence();
    });
  }

  function renderPresence() {
    renderConversationList($('conversation-list'), { inbox, openId, onOpen: open, presenceOf });
    renderMembers($('members'), $('member-list'), { conversation: openConversation(), selfId: userId, onRemove: removeMember, presenceOf });
  }

  function renderHeader(c) {
    $('conversation-title').textContent = c ? inbox.title(c) : (draftPeer() ?? 'Pick or start a conversation');
    renderMembers($('members'), $('member-list'), { conversation: c, selfId: userId, onRemove: removeMember, presenceOf });
    $('composer').hidden = !openId || Boolean(c?.left);
  }

  function renderTyping() {
    const now = Date.now();
    const typing = [...(typingNow.get(openId) ?? new Map())].filter(([, until]) => until > now).map(([id]) => id);
    view.typing(typing);
  }

  function open(id) {
    stopTyping();
    openId = id;
    sessionStorage.setItem(`${prefix}open`, id);
    const c = openConversation();
    const pending = [...pendingSends].filter(([, send]) => send.key === id);
    view.show(c, pending);
    view.receipts(c ?? { readBy: new Map(), deliveredTo: new Map() });
    view.history(c);
    renderHeader(c);
    renderTyping();
    renderList();
    if (c && !c.newestLoaded) loadNewest(c);
    markReadIfSeen();
  }

  function openDirect(peer) {
    const existing = inbox.directWith(peer);
    open(existing ? existing.id : `${DRAFT}${peer}`);
  }

  function showHistory(c, page) {
    if (c.id !== openId) return;
    for (const event of page.events) {
      const item = event.seq !== null ? c.items.get(event.seq) : undefined;
      if (item) view.upsert(item, { live: false });
    }
    view.history(c);
    view.receipts(c);
    renderHeader(c);
  }

  function loadNewest(c) {
    client.history(c.id, { limit: PAGE_SIZE }).then((page) => {
      inbox.addHistory(c.id, page, true);
      inbox.save();
      showHistory(c, page);
      renderList();
      markReadIfSeen();
    }, report);
  }

  function loadOlder() {
    const c = openConversation();
    if (!c || loadingOlder || c.hasOlder === false) return;
    loadingOlder = true;
    client
      .history(c.id, { before: inbox.oldestSeq(c), limit: PAGE_SIZE })
      .then((page) => {
        inbox.addHistory(c.id, page, false);
        inbox.save();
        showHistory(c, page);
      }, report)
      .finally(() => (loadingOlder = false));
  }

  function markReadIfSeen() {
    const c = openConversation();
    if (!c || document.visibilityState !== 'visible' || inbox.unread(c) === 0) return;
    const seq = inbox.newestSeq(c);
    inbox.markedRead(c.id, seq);
    client.markRead(c.id, seq).catch(report);
    renderList();
  }

  function markDelivered(conversationId, seq) {
    deliveredToMark.set(conversationId, Math.max(deliveredToMark.get(conversationId) ?? 0, seq));
    deliveredTimer ??= setTimeout(() => {
      deliveredTimer = undefined;
      for (const [id, upTo] of deliveredToMark) client.markDelivered(id, upTo).catch(report);
      deliveredToMark.clear();
    }, DELIVERED_DELAY_MS);
  }

  function onEvent(event) {
    const { conversationId } = event;
    if (event.seq !== null) {
      const last = liveSeq.get(conversationId) ?? 0;
      if (event.seq <= last) {
        console.error(`switchboard demo: the client handed over ${conversationId} #${event.seq} after #${last}`);
        return;
      }
      liveSeq.set(conversationId, event.seq);
    }
    const item = inbox.addLive(event);
    const send = event.clientMsgId !== undefined ? pendingSends.get(event.clientMsgId) : undefined;
    if (send && event.actorId === userId) {
      pendingSends.delete(event.clientMsgId);
      if (send.peer) inbox.setPeer(conversationId, send.peer);
      view.settled(event.clientMsgId);
    }
    if (event.seq !== null && event.actorId !== userId) {
      typingNow.get(conversationId)?.delete(event.actorId);
      if (event.kind === 'message') markDelivered(conversationId, event.seq);
    }
    inbox.save();
    const found = draftPeer() !== undefined ? inbox.directWith(draftPeer()) : undefined;
    if (found) {
      // The draft chat got its conversation: sends still waiting move along with it.
      for (const waiting of pendingSends.values()) if (waiting.key === openId) waiting.key = found.id;
      return open(found.id);
    }
    if (openId === conversationId) {
      const c = openConversation();
      if (item) view.upsert(item, { live: true });
      view.receipts(c);
      renderHeader(c);
      renderTyping();
      markReadIfSeen();
    }
    renderList();
  }

  async function sendMessage(body) {
    const clientMsgId = newClientMsgId();
    const peer = draftPeer();
    const send = { key: openId, body, ...(peer ? { peer } : {}) };
    pendingSends.set(clientMsgId, send);
    view.pending(clientMsgId, send);
    stopTyping();
    try {
      await client.send({ ...(peer ? { to: peer } : { conversationId: openId }), body, clientMsgId });
    } catch (err) {
      send.error = err.message;
      if (openId === send.key) view.pending(clientMsgId, send);
    }
  }

  function typed() {
    const conversationId = openId;
    if (!conversationId || conversationId.startsWith(DRAFT)) return;
    if (Date.now() - typingOut.sentAt > TYPING_REPEAT_MS) {
      typingOut.conversationId = conversationId;
      typingOut.sentAt = Date.now();
      client.typing(conversationId, true).catch(report);
    }
    clearTimeout(typingOut.idleTimer);
    typingOut.idleTimer = setTimeout(stopTyping, TYPING_IDLE_MS);
  }

  function stopTyping() {
    clearTimeout(typingOut.idleTimer);
    if (typingOut.conversationId) client.typing(typingOut.conversationId, false).catch(report);
    Object.assign(typingOut, { conversationId: undefined, sentAt: 0, idleTimer: undefined });
  }

  function removeMember(memberId) {
    const c = openConversation();
    if (c) client.removeMember(c.id, memberId).catch(report);
  }

  function onSynced({ conversations }) {
    inbox.addSummaries(conversations);
    inbox.save();
    const c = openConversation();
    if (c) {
      view.receipts(c);
      renderHeader(c);
    }
    renderList();
  }

  function onTyping({ conversationId, userId: who, active }) {
    if (who === userId) return;
    if (!typingNow.has(conversationId)) typingNow.set(conversationId, new Map());
    if (active) typingNow.get(conversationId).set(who, Date.now() + TYPING_SHOWN_MS);
    else typingNow.get(conversationId).delete(who);
    if (conversationId === openId) renderTyping();
  }

  // Removed on sign-out, so that the closing client does not paint over the signed-out page.
  const unsubscribe = [
    client.on('state', showConnection),
    // Presence is known only while connected: the dots turn grey ("not known") meanwhile.
    client.on('state', ({ state, previous }) => (state === 'connected') !== (previous === 'connected') && renderPresence()),
    client.on('event', onEvent),
    client.on('synced', onSynced),
    client.on('typing', onTyping),
    client.on('error', (err) => console.warn(`switchboard: ${err.code}: ${err.message}`)),
  ];

  // Typing notices expire.
  const ticker = setInterval(renderTyping, 1_000);
  const onVisible = () => markReadIfSeen();
  document.addEventListener('visibilitychange', onVisible);

  $('whoami-name').textContent = userId;
  if (openId) open(openId);
  else {
    view.show(undefined, []);
    renderHeader(undefined);
  }
  renderList();

  return {
    open,
    openDirect,
    loadOlder,
    sendMessage,
    typed,
    createGroup: (name, members) => client.createGroup(name, members).then((result) => open(result.conversationId)),
    addMember: (memberId) => (openConversation() ? client.addMember(openId, memberId) : Promise.reject(new Error('open a group first'))),
    async stop() {
      clearInterval(ticker);
      clearTimeout(deliveredTimer);
      stopTyping();
      document.removeEventListener('visibilitychange', onVisible);
      presenceWatch.stop?.();
      for (const off of unsubscribe) off();
      await client.close();
    },
  };
}

function showSignedIn(signedIn) {
  $('sign-in').hidden = signedIn;
  $('chat').hidden = !signedIn;
  $('whoami').hidden = !signedIn;
  if (signedIn) return;
  $('connection').dataset.state = 'signed-out';
  $('connection').textContent = 'Signed out';
  for (const id of ['conversation-list', 'messages', 'member-list']) $(id).replaceChildren();
  $('typing').textContent = '';
}

async function signIn({ userId, pasted }) {
  const tokens = createTokenSource({ userId, pasted });
  await tokens.current();
  rememberedSession.save(sessionStorage, { userId, pasted });
  showSignedIn(true);
  chat = createChat({ userId, tokens });
}

function readSignIn() {
  const pasted = $('user-token').value.trim();
  if (pasted) {
    const { sub } = tokenClaims(pasted);
    if (!USER_ID.test(sub ?? '')) throw new Error('the token names no valid user (sub)');
    return { userId: sub, pasted };
  }
  const userId = $('user-name').value.trim();
  if (!USER_ID.test(userId)) throw new Error('a name is 1-128 letters, digits or . _ @ -');
  return { userId };
}

function onSubmit(id, handler) {
  $(id).addEventListener('submit', (event) => {
    event.preventDefault();
    notice(undefined);
    Promise.resolve()
      .then(() => handler(event.target))
      .catch((err) => notice(err));
  });
}

onSubmit('sign-in-form', async () => {
  $('sign-in-error').textContent = '';
  try {
    await signIn(readSignIn());
  } catch (err) {
    $('sign-in-error').textContent = `Could not sign in: ${err.message}`;
  }
});
onSubmit('new-direct', (form) => {
  chat.openDirect($('direct-peer').value.trim());
  form.reset();
  $('message-input').focus();
});
onSubmit('new-group', async (form) => {
  const members = $('group-members').value.split(/[\s,]+/).filter(Boolean);
  await chat.createGroup($('group-name').value.trim(), members);
  form.reset();
});
onSubmit('add-member', async (form) => {
  await chat.addMember($('member-name').value.trim());
  form.reset();
});
onSubmit('composer', () => {
  const input = $('message-input');
  const body = input.value;
  if (!body.trim()) return;
  input.value = '';
  input.focus();
  return chat.sendMessage(body);
});
$('message-input').addEventListener('input', () => chat?.typed());
$('message-input').addEventListener('keydown', (event) => {
  // Enter sends, Shift+Enter starts a new line.
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    $('composer').requestSubmit();
  }
});
$('load-older').addEventListener('click', () => chat?.loadOlder());
$('timeline').addEventListener('scroll', (event) => {
  if (event.target.scrollTop < 16 && !$('load-older').hidden) chat?.loadOlder();
});
$('sign-out').addEventListener('click', async () => {
  rememberedSession.forget(sessionStorage);
  const stopping = chat?.stop();
  chat = undefined;
  showSignedIn(false);
  await stopping;
});

const remembered = rememberedSession.load(sessionStorage);
if (remembered) {
  signIn(remembered).catch((err) => {
    showSignedIn(false);
    $('sign-in-error').textContent = `Could not sign in again: ${err.message}`;
  });
}
