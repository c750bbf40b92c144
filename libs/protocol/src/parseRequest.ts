import type { Request, RequestType, SignalKind } from './frames';
import { CLIENT_MSG_ID, REQUEST_ID, USER_ID, isConversationId } from './ids';
import {
  CONTENT_TYPE,
  MAX_BODY_LENGTH,
  MAX_GROUP_NAME_LENGTH,
  MAX_HISTORY_PAGE,
  MAX_PRESENCE_USERS,
  MAX_SIGNAL_PAYLOAD_LENGTH,
  MAX_SYNC_CONVERSATIONS,
} from './limits';

export type ParseFailureCode = 'bad_frame' | 'unknown_type' | 'invalid_request' | 'body_too_large';
export type ParsedRequest = { ok: true; request: Request } | { ok: false; id: string | null; code: ParseFailureCode; message: string };

class Invalid extends Error {
  constructor(readonly code: ParseFailureCode, message: string) {
    super(message);
  }
}

type Json = Record<string, unknown>;

function field<T>(frame: Json, name: string, check: (v: unknown) => v is T, expected: string): T {
  const value = frame[name];
  if (!check(value)) throw new Invalid('invalid_request', `"${name}" must be ${expected}`);
  return value;
}

function optional<T>(frame: Json, name: string, check: (v: unknown) => v is T, expected: string): T | undefined {
  return frame[name] === undefined ? undefined : field(frame, name, check, expected);
}

const isString = (v: unknown): v is string => typeof v === 'string';
/** An unpaired surrogate cannot be encoded as UTF-8: stored text would silently differ from what was accepted. */
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
const isSeq = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1;
const isCursor = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const matching = (pattern: RegExp) => (v: unknown): v is string => typeof v === 'string' && pattern.test(v);
const isUserId = matching(USER_ID);
const isConversation = (v: unknown): v is string => typeof v === 'string' && isConversationId(v);
const SIGNAL_KINDS: readonly SignalKind[] = ['offer', 'answer', 'ice_candidate', 'hangup'];
const isSignalKind = (v: unknown): v is SignalKind => typeof v === 'string' && (SIGNAL_KINDS as readonly string[]).includes(v);

/** Free text a user wrote: a string that is well-formed Unicode. */
function freeText(frame: Json, name: string): string {
  const value = field(frame, name, isString, 'a string');
  if (UNPAIRED_SURROGATE.test(value)) throw new Invalid('invalid_request', `"${name}" must be well-formed Unicode (it has an unpaired surrogate)`);
  return value;
}

function body(frame: Json): string {
  const value = freeText(frame, 'body');
  if (value.length === 0) throw new Invalid('invalid_request', '"body" must not be empty');
  if (value.length > MAX_BODY_LENGTH) throw new Invalid('body_too_large', `"body" is longer than ${MAX_BODY_LENGTH} characters`);
  return value;
}

const PARSERS: { [T in RequestType]: (frame: Json, id: string) => Extract<Request, { type: T }> } = {
  send(frame, id) {
    const conversationId = optional(frame, 'conversationId', isConversation, 'a conversation id');
    const to = optional(frame, 'to', isUserId, 'a user id');
    if ((conversationId === undefined) === (to === undefined)) {
      throw new Invalid('invalid_request', 'exactly one of "conversationId" and "to" must be given');
    }
    return {
      type: 'send',
      id,
      ...(conversationId !== undefined ? { conversationId } : {}),
      ...(to !== undefined ? { to } : {}),
      clientMsgId: field(frame, 'clientMsgId', matching(CLIENT_MSG_ID), 'a client message id of 1-64 characters [A-Za-z0-9._:-]'),
      body: body(frame),
      contentType: optional(frame, 'contentType', matching(CONTENT_TYPE), 'a media type such as text/plain') ?? 'text/plain',
    };
  },
  edit: (frame, id) => ({
    type: 'edit',
    id,
    conversationId: field(frame, 'conversationId', isConversation, 'a conversation id'),
    seq: field(frame, 'seq', isSeq, 'a positive integer'),
    body: body(frame),
  }),
  delete: (frame, id) => ({
    type: 'delete',
    id,
    conversationId: field(frame, 'conversationId', isConversation, 'a conversation id'),
    seq: field(frame, 'seq', isSeq, 'a positive integer'),
  }),
  read: (frame, id) => ({
    type: 'read',
    id,
    conversationId: field(frame, 'conversationId', isConversation, 'a conversation id'),
    seq: field(frame, 'seq', isSeq, 'a positive integer'),
  }),
  delivered: (frame, id) => ({
    type: 'delivered',
    id,
    conversationId: field(frame, 'conversationId', isConversation, 'a conversation id'),
    seq: field(frame, 'seq', isSeq, 'a positive integer'),
  }),
  'group.create'(frame, id) {
    const name = freeText(frame, 'name');
    if (name.length === 0 || name.length > MAX_GROUP_NAME_LENGTH) {
      throw new Invalid('invalid_request', `"name" must be 1-${MAX_GROUP_NAME_LENGTH} characters`);
    }
    const members = field(frame, 'members', (v): v is unknown[] => Array.isArray(v), 'an array of user ids');
    if (!members.every(isUserId)) throw new Invalid('invalid_request', '"members" must contain only user ids');
    return { type: 'group.create', id, name, members: [...new Set(members as string[])] };
  },
  'group.add': (frame, id) => ({
    type: 'group.add',
    id,
    conversationId: field(frame, 'conversationId', isConversation, 'a conversation id'),
    userId: field(frame, 'userId', isUserId, 'a user id'),
  }),
  'group.remove': (frame, id) => ({
    type: 'group.remove',
    id,
    conversationId: field(frame, 'conversationId', isConversation, 'a conversation id'),
    userId: field(frame, 'userId', isUserId, 'a user id'),
  }),
  history(frame, id) {
    const limit = optional(frame, 'limit', isSeq, 'a positive integer') ?? 50;
    if (limit > MAX_HISTORY_PAGE) throw new Invalid('invalid_request', `"limit" must be at most ${MAX_HISTORY_PAGE}`);
    const before = optional(frame, 'before', isSeq, 'a positive integer');
    return {
      type: 'history',
      id,
      conversationId: field(frame, 'conversationId', isConversation, 'a conversation id'),
      ...(before !== undefined ? { before } : {}),
      limit,
    };
  },
  sync(frame, id) {
    const cursors = optional(frame, 'cursors', (v): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v), 'an object') ?? {};
    const entries = Object.entries(cursors);
    if (entries.length > MAX_SYNC_CONVERSATIONS) {
      throw new Invalid('invalid_request', `"cursors" may name at most ${MAX_SYNC_CONVERSATIONS} conversations`);
    }
    for (const [conversationId, seq] of entries) {
      if (!isConversationId(conversationId)) throw new Invalid('invalid_request', `"cursors" has an invalid conversation id "${conversationId.slice(0, 80)}"`);
      if (!isCursor(seq)) throw new Invalid('invalid_request', `"cursors.${conversationId}" must be a non-negative integer`);
    }
    return { type: 'sync', id, cursors: Object.fromEntries(entries) as Record<string, number> };
  },
  typing: (frame, id) => ({
    type: 'typing',
    id,
    conversationId: field(frame, 'conversationId', isConversation, 'a conversation id'),
    active: field(frame, 'active', isBoolean, 'true or false'),
  }),
  signal(frame, id) {
    const payload = freeText(frame, 'payload');
    if (payload.length > MAX_SIGNAL_PAYLOAD_LENGTH) {
      throw new Invalid('body_too_large', `"payload" is longer than ${MAX_SIGNAL_PAYLOAD_LENGTH} characters`);
    }
    return {
      type: 'signal',
      id,
      to: field(frame, 'to', isUserId, 'a user id'),
      kind: field(frame, 'kind', isSignalKind, `one of ${SIGNAL_KINDS.join(', ')}`),
      payload,
    };
  },
  presence(frame, id) {
    const userIds = field(frame, 'userIds', (v): v is unknown[] => Array.isArray(v), 'an array of user ids');
    if (userIds.length === 0 || userIds.length > MAX_PRESENCE_USERS) {
      throw new Invalid('invalid_request', `"userIds" must name 1-${MAX_PRESENCE_USERS} users`);
    }
    if (!userIds.every(isUserId)) throw new Invalid('invalid_request', '"userIds" must contain only user ids');
    if (new Set(userIds).size !== userIds.length) throw new Invalid('invalid_request', '"userIds" must not name a user twice');
    return { type: 'presence', id, userIds: userIds as string[] };
  },
  ping: (_frame, id) => ({ type: 'ping', id }),
};

/** Names a bad `type` without serialising it: a nested value could be deep enough to exhaust the stack. */
function describeType(type: unknown): string {
  if (typeof type === 'string') return JSON.stringify(type.slice(0, 64));
  if (type === null) return 'null';
  return Array.isArray(type) ? '(an array)' : `(a ${typeof type})`;
}

/** Turns one text frame into a typed request, or says precisely what is wrong with it. */
export function parseRequest(text: string): ParsedRequest {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return { ok: false, id: null, code: 'bad_frame', message: 'the frame is not valid JSON' };
  }
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) {
    return { ok: false, id: null, code: 'bad_frame', message: 'the frame must be a JSON object' };
  }
  const json = frame as Json;
  // Types first: String() of a deeply nested array recurses and can exhaust the stack.
  const id = typeof json.id === 'string' || (typeof json.id === 'number' && Number.isFinite(json.id)) ? String(json.id) : null;
  if (id === null || !REQUEST_ID.test(id)) {
    return { ok: false, id: null, code: 'invalid_request', message: '"id" must be a string or number of 1-64 printable characters' };
  }
  const type = json.type;
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(PARSERS, type)) {
    return { ok: false, id, code: 'unknown_type', message: `unknown frame type ${describeType(type)}` };
  }
  try {
    return { ok: true, request: PARSERS[type as RequestType](json, id) };
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, id, code: err.code, message: err.message };
    throw err;
  }
}
