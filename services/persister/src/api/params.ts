import { SwitchboardError } from '@switchboard/errors';
import { MAX_HISTORY_PAGE, MAX_SYNC_CONVERSATIONS, USER_ID, isConversationId } from '@switchboard/protocol';

/*
 * Validation of the HTTP API's inputs. Each parser returns typed values or throws a
 * SwitchboardError with code invalid_request naming the offending parameter.
 */

export const MAX_EVENTS_PAGE = 1_000;
export const DEFAULT_EVENTS_PAGE = 100;
export const DEFAULT_HISTORY_PAGE = 50;
export const DEFAULT_SYNC_PAGE = 500;
export const MAX_SYNC_PAGE = 1_000;
/** Most events one sync answer may carry across its conversations, when the caller sets a budget. */
export const MAX_SYNC_EVENTS = 10_000;
/** Longest a request may wait for a seq to be projected. */
export const MAX_WAIT_MS = 5_000;

export interface EventsQuery {
  userId: string;
  after: number;
  limit: number;
  /** When set, wait up to waitMs for the conversation to reach this seq before answering. */
  waitForSeq: number | null;
  waitMs: number;
}

export interface HistoryQuery {
  userId: string;
  /** Only events with a smaller seq; null for the newest. */
  before: number | null;
  limit: number;
}

export interface SyncRequest {
  userId: string;
  /** The last seq the user has of each conversation; a conversation left out counts as 0. */
  cursors: Map<string, number>;
  /** Most events per conversation. */
  limit: number;
  /** Most events in the whole answer, given to the conversations in the answer's order; null: no budget. */
  maxEvents: number | null;
}

const invalid = (message: string) => new SwitchboardError('invalid_request', message);

export function parseConversationId(raw: string): string {
  let id: string;
  try {
    id = decodeURIComponent(raw);
  } catch {
    throw invalid('the conversation id in the path is not valid percent-encoding');
  }
  if (!isConversationId(id)) throw invalid(`"${id}" is not a conversation id`);
  return id;
}

export function parseEventsQuery(query: URLSearchParams): EventsQuery {
  const waitForSeq = optionalInteger(query, 'waitForSeq', 1);
  return {
    userId: userIdParam(query),
    after: optionalInteger(query, 'after', 0) ?? 0,
    limit: optionalInteger(query, 'limit', 1, MAX_EVENTS_PAGE) ?? DEFAULT_EVENTS_PAGE,
    waitForSeq,
    // Longer waits are shortened to the cap rather than refused: the caller still gets an answer.
    waitMs: Math.min(optionalInteger(query, 'waitMs', 0) ?? MAX_WAIT_MS, MAX_WAIT_MS),
  };
}

export function parseHistoryQuery(query: URLSearchParams): HistoryQuery {
  return {
    userId: userIdParam(query),
    before: optionalInteger(query, 'before', 1),
    limit: optionalInteger(query, 'limit', 1, MAX_HISTORY_PAGE) ?? DEFAULT_HISTORY_PAGE,
  };
}

export function parseSyncRequest(body: unknown): SyncRequest {
  if (!isObject(body)) throw invalid('the body must be a JSON object');
  const { userId, cursors, limit, maxEvents } = body;
  if (typeof userId !== 'string' || !USER_ID.test(userId)) throw invalid('"userId" must be a user id');
  if (cursors !== undefined && !isObject(cursors)) throw invalid('"cursors" must be an object of conversation id to seq');
  const entries = Object.entries(cursors ?? {});
  if (entries.length > MAX_SYNC_CONVERSATIONS) throw invalid(`"cursors" may name at most ${MAX_SYNC_CONVERSATIONS} conversations`);
  const parsed = new Map<string, number>();
  for (const [conversationId, seq] of entries) {
    if (!isConversationId(conversationId)) throw invalid(`"cursors" names "${conversationId}", which is not a conversation id`);
    if (!isWhole(seq, 0)) throw invalid(`"cursors.${conversationId}" must be a whole number of at least 0`);
    parsed.set(conversationId, seq);
  }
  if (limit !== undefined && !isWhole(limit, 1, MAX_SYNC_PAGE)) throw invalid(`"limit" must be a whole number from 1 to ${MAX_SYNC_PAGE}`);
  if (maxEvents !== undefined && !isWhole(maxEvents, 1, MAX_SYNC_EVENTS)) throw invalid(`"maxEvents" must be a whole number from 1 to ${MAX_SYNC_EVENTS}`);
  return { userId, cursors: parsed, limit: limit ?? DEFAULT_SYNC_PAGE, maxEvents: maxEvents ?? null };
}

function userIdParam(query: URLSearchParams): string {
  const userId = query.get('userId');
  if (userId === null || !USER_ID.test(userId)) throw invalid('"userId" must be a user id');
  return userId;
}

function optionalInteger(query: URLSearchParams, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | null {
  const raw = query.get(name);
  if (raw === null || raw === '') return null;
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!isWhole(value, min, max)) {
    throw invalid(`"${name}" must be a whole number ${max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`}, got "${raw}"`);
  }
  return value;
}

function isWhole(value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
