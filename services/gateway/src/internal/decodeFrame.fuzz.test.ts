import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ERROR_CODES, isErrorCode } from '@switchboard/errors';
import {
  CLIENT_MSG_ID,
  MAX_BODY_LENGTH,
  MAX_GROUP_NAME_LENGTH,
  MAX_HISTORY_PAGE,
  MAX_SIGNAL_PAYLOAD_LENGTH,
  MAX_PRESENCE_USERS,
  MAX_SYNC_CONVERSATIONS,
  REQUEST_ID,
  USER_ID,
  isConversationId,
  parseRequest,
  type Request,
} from '@switchboard/protocol';
import { fuzzFrame } from '../testSupport/fuzzFrames';
import { createPrng } from '../testSupport/prng';
import { decodeFrame } from './decodeFrame';
import { errorFrame } from './replyFrames';

// npm test runs this for about 2.5 s; FUZZ_SECONDS=600 npm test -- fuzz runs it longer, and
// FUZZ_SEED=<seed> replays the frames of a failed run.
const SECONDS = Number(process.env.FUZZ_SECONDS ?? '2.5');
const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : (Math.random() * 2 ** 32) >>> 0;
const MAX_FRAME_BYTES = 65_536;
const PARSE_CODES = new Set(['bad_frame', 'unknown_type', 'invalid_request', 'body_too_large']);
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const isText = (v: unknown, max: number) => typeof v === 'string' && v.length <= max && !UNPAIRED_SURROGATE.test(v);
const isSeq = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1;
const isUser = (v: unknown) => typeof v === 'string' && USER_ID.test(v);
const isConversation = (v: unknown) => typeof v === 'string' && isConversationId(v);

/** An independent statement of what an accepted request looks like; the reason when it does not. */
function problemWith(request: Request): string | undefined {
  if (Object.getPrototypeOf(request) !== Object.prototype) return 'the request has an unusual prototype';
  if (!REQUEST_ID.test(request.id)) return 'bad id';
  const r = request as unknown as Record<string, unknown>;
  const fields: Record<Request['type'], () => boolean> = {
    send: () =>
      (r.to === undefined) !== (r.conversationId === undefined) &&
      (r.to === undefined || isUser(r.to)) &&
      (r.conversationId === undefined || isConversation(r.conversationId)) &&
      typeof r.clientMsgId === 'string' &&
      CLIENT_MSG_ID.test(r.clientMsgId) &&
      isText(r.body, MAX_BODY_LENGTH) &&
      (r.body as string).length > 0 &&
      typeof r.contentType === 'string',
    edit: () => isConversation(r.conversationId) && isSeq(r.seq) && isText(r.body, MAX_BODY_LENGTH) && (r.body as string).length > 0,
    delete: () => isConversation(r.conversationId) && isSeq(r.seq),
    read: () => isConversation(r.conversationId) && isSeq(r.seq),
    delivered: () => isConversation(r.conversationId) && isSeq(r.seq),
    'group.create': () => isText(r.name, MAX_GROUP_NAME_LENGTH) && (r.name as string).length > 0 && Array.isArray(r.members) && r.members.every(isUser),
    'group.add': () => isConversation(r.conversationId) && isUser(r.userId),
    'group.remove': () => isConversation(r.conversationId) && isUser(r.userId),
    history: () => isConversation(r.conversationId) && (r.before === undefined || isSeq(r.before)) && isSeq(r.limit) && (r.limit as number) <= MAX_HISTORY_PAGE,
    sync: () => {
      const cursors = r.cursors as Record<string, unknown>;
      const entries = Object.entries(cursors);
      return entries.length <= MAX_SYNC_CONVERSATIONS && entries.every(([c, s]) => isConversation(c) && typeof s === 'number' && Number.isSafeInteger(s) && s >= 0);
    },
    typing: () => isConversation(r.conversationId) && typeof r.active === 'boolean',
    signal: () => isUser(r.to) && ['offer', 'answer', 'ice_candidate', 'hangup'].includes(r.kind as string) && isText(r.payload, MAX_SIGNAL_PAYLOAD_LENGTH),
    presence: () =>
      Array.isArray(r.userIds) && r.userIds.length >= 1 && r.userIds.length <= MAX_PRESENCE_USERS && r.userIds.every(isUser) && new Set(r.userIds).size === r.userIds.length,
    ping: () => true,
  };
  const check = Object.prototype.hasOwnProperty.call(fields, request.type) ? fields[request.type] : undefined;
  if (!check) return `unknown type ${String(request.type)}`;
  if (!check()) return `fields of ${request.type} break the protocol`;
  const roundTrip = JSON.parse(JSON.stringify(request)) as unknown;
  return JSON.stringify(roundTrip) === JSON.stringify(request) ? undefined : 'the request does not survive JSON';
}

/** The error reply the gateway would send must serialise and read back. */
function replyProblem(id: string | null, code: string, message: string): string | undefined {
  if (!isErrorCode(code) || code === 'internal') return `undocumented or internal code ${code}`;
  if (typeof message !== 'string' || message.length === 0 || message.length > 300) return `message of ${String(message?.length)} characters`;
  if (id !== null && !REQUEST_ID.test(id)) return 'the reply id is not a request id';
  const reply = JSON.parse(JSON.stringify(errorFrame(id, code, message))) as Record<string, unknown>;
  return reply.code === code && reply.retriable === ERROR_CODES[code].retriable ? undefined : 'the error reply does not read back';
}

test(`fuzz: the frame decoder answers every frame with a valid request or a documented error (seed ${SEED}, ${SECONDS} s)`, (t) => {
  const rng = createPrng(SEED);
  const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  process.on('unhandledRejection', onRejection);
  const outcomes = new Map<string, number>();
  const deadline = Date.now() + SECONDS * 1000;
  let count = 0;
  try {
    while (Date.now() < deadline || count < 200) {
      const frame = fuzzFrame(rng);
      count += 1;
      const where = () => `seed ${SEED}, frame #${count} (${frame.recipe}): ${Buffer.from(frame.bytes).toString('utf8').slice(0, 200)}`;
      let problem: string | undefined;
      let outcome: string;
      try {
        const text = Buffer.from(frame.bytes).toString('utf8');
        const parsed = parseRequest(text);
        if (parsed.ok) problem = problemWith(parsed.request);
        else if (!PARSE_CODES.has(parsed.code)) problem = `parseRequest gave ${parsed.code}`;
        else problem = replyProblem(parsed.id, parsed.code, parsed.message);

        const decoded = decodeFrame(frame.bytes, frame.isBinary, MAX_FRAME_BYTES);
        outcome = decoded.kind === 'request' ? 'request' : decoded.code;
        if (decoded.kind === 'request') problem ??= problemWith(decoded.request);
        else if (decoded.kind === 'invalid') problem ??= replyProblem(decoded.id, decoded.code, decoded.message);
        else {
          const expected = frame.isBinary ? 'binary_not_supported' : frame.bytes.byteLength > MAX_FRAME_BYTES ? 'frame_too_large' : undefined;
          if (decoded.code !== expected) problem ??= `closed with ${decoded.code} for no reason`;
          if (ERROR_CODES[decoded.code].close === undefined) problem ??= `${decoded.code} has no close code`;
        }
        if (!frame.isBinary && frame.bytes.byteLength <= MAX_FRAME_BYTES && parsed.ok !== (decoded.kind === 'request')) {
          problem ??= 'decodeFrame and parseRequest disagree';
        }
      } catch (err) {
        assert.fail(`the decoder threw ${err instanceof Error ? (err.stack ?? err.message) : String(err)} on ${where()}`);
      }
      if (problem !== undefined) assert.fail(`${problem} on ${where()}`);
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
  } finally {
    process.off('unhandledRejection', onRejection);
  }
  t.diagnostic(`seed ${SEED}: ${count} frames; ${[...outcomes].map(([k, v]) => `${k} ${v}`).join(', ')}`);
  assert.deepEqual(rejections, [], `unhandled rejections (seed ${SEED})`);
  assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), prototypeBefore, `Object.prototype was changed (seed ${SEED})`);
  assert.equal(({} as Record<string, unknown>).polluted, undefined, `Object.prototype was polluted (seed ${SEED})`);
  for (const expected of ['request', 'bad_frame', 'invalid_request', 'unknown_type']) {
    assert.ok((outcomes.get(expected) ?? 0) > 0, `the generator never produced ${expected} (seed ${SEED}); it is not exploring`);
  }
});
