import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSwitchboardError } from '@switchboard/errors';
import { MAX_WAIT_MS, parseConversationId, parseEventsQuery, parseHistoryQuery, parseSyncRequest } from './params';

const GROUP = 'grp.0123456789abcdef0123456789abcdef';
const q = (text: string) => new URLSearchParams(text);

function refuses(work: () => unknown, pattern: RegExp): void {
  assert.throws(work, (err: unknown) => isSwitchboardError(err) && err.code === 'invalid_request' && pattern.test(err.message));
}

test('events query: defaults, bounds and the wait cap', () => {
  assert.deepEqual(parseEventsQuery(q('userId=alice')), { userId: 'alice', after: 0, limit: 100, waitForSeq: null, waitMs: MAX_WAIT_MS });
  assert.deepEqual(parseEventsQuery(q('userId=bob&after=7&limit=1000&waitForSeq=9&waitMs=60000')), {
    userId: 'bob',
    after: 7,
    limit: 1000,
    waitForSeq: 9,
    waitMs: MAX_WAIT_MS,
  });
  assert.equal(parseEventsQuery(q('userId=bob&waitForSeq=9&waitMs=250')).waitMs, 250);
});

test('events query: a missing or malformed parameter is refused by name', () => {
  refuses(() => parseEventsQuery(q('after=1')), /"userId"/);
  refuses(() => parseEventsQuery(q('userId=a b')), /"userId"/);
  refuses(() => parseEventsQuery(q('userId=a&after=-1')), /"after"/);
  refuses(() => parseEventsQuery(q('userId=a&after=1.5')), /"after"/);
  refuses(() => parseEventsQuery(q('userId=a&limit=0')), /"limit" must be a whole number from 1 to 1000/);
  refuses(() => parseEventsQuery(q('userId=a&limit=1001')), /"limit"/);
  refuses(() => parseEventsQuery(q('userId=a&waitForSeq=0')), /"waitForSeq"/);
  refuses(() => parseEventsQuery(q('userId=a&after=99999999999999999999')), /"after"/);
});

test('history query: before is optional and the page is bounded', () => {
  assert.deepEqual(parseHistoryQuery(q('userId=alice')), { userId: 'alice', before: null, limit: 50 });
  assert.deepEqual(parseHistoryQuery(q('userId=alice&before=30&limit=10')), { userId: 'alice', before: 30, limit: 10 });
  refuses(() => parseHistoryQuery(q('userId=alice&before=0')), /"before"/);
  refuses(() => parseHistoryQuery(q('userId=alice&limit=501')), /"limit"/);
});

test('conversation id in the path must be a direct or group id', () => {
  assert.equal(parseConversationId(GROUP), GROUP);
  refuses(() => parseConversationId('general'), /not a conversation id/);
  refuses(() => parseConversationId('%E0%A4%A'), /percent-encoding/);
});

test('sync request: cursors per conversation, default and bounded limit', () => {
  const parsed = parseSyncRequest({ userId: 'alice', cursors: { [GROUP]: 4 } });
  assert.equal(parsed.limit, 500);
  assert.deepEqual([...parsed.cursors], [[GROUP, 4]]);
  assert.equal(parseSyncRequest({ userId: 'alice' }).cursors.size, 0);
  assert.equal(parseSyncRequest({ userId: 'alice', cursors: {}, limit: 1000 }).limit, 1000);
  refuses(() => parseSyncRequest([]), /JSON object/);
  refuses(() => parseSyncRequest({ cursors: {} }), /"userId"/);
  refuses(() => parseSyncRequest({ userId: 'alice', cursors: [] }), /"cursors"/);
  refuses(() => parseSyncRequest({ userId: 'alice', cursors: { nope: 1 } }), /"nope"/);
  refuses(() => parseSyncRequest({ userId: 'alice', cursors: { [GROUP]: -1 } }), /cursors\.grp/);
  refuses(() => parseSyncRequest({ userId: 'alice', cursors: { [GROUP]: '3' } }), /cursors\.grp/);
  refuses(() => parseSyncRequest({ userId: 'alice', limit: 1001 }), /"limit"/);
});

test('sync request: an answer-wide event budget is optional and bounded', () => {
  assert.equal(parseSyncRequest({ userId: 'alice' }).maxEvents, null);
  assert.equal(parseSyncRequest({ userId: 'alice', maxEvents: 1 }).maxEvents, 1);
  assert.equal(parseSyncRequest({ userId: 'alice', maxEvents: 10_000 }).maxEvents, 10_000);
  refuses(() => parseSyncRequest({ userId: 'alice', maxEvents: 0 }), /"maxEvents" must be a whole number from 1 to 10000/);
  refuses(() => parseSyncRequest({ userId: 'alice', maxEvents: 10_001 }), /"maxEvents"/);
  refuses(() => parseSyncRequest({ userId: 'alice', maxEvents: 2.5 }), /"maxEvents"/);
});
