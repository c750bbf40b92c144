import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planTimeline, selectUnprojected, timelineKey } from './planTimeline';
import { DIRECT, GROUP, event, sent } from './testEvents';

test('one timeline row per sequenced event, sorted by conversation and seq, receipts left out', () => {
  const rows = planTimeline([
    sent(GROUP, 2, 'alice', 'b'),
    sent(DIRECT, 1, 'alice', 'a', 'bob'),
    event(DIRECT, null, 'bob', { type: 'ReadCursorMoved', userId: 'bob', upToSeq: 1 }),
    sent(GROUP, 1, 'alice', 'a'),
  ]);
  assert.deepEqual(
    rows.map((r) => [r.conversationId, r.seq, r.kind]),
    [
      [DIRECT, 1, 'message'],
      [GROUP, 1, 'message'],
      [GROUP, 2, 'message'],
    ],
  );
  assert.equal(rows[0]?.payload.body, 'a');
  assert.equal(rows[0]?.payload.conversationKind, 'direct');
});

test('a repeated (conversation, seq) keeps its first copy', () => {
  const rows = planTimeline([sent(GROUP, 1, 'alice', 'original'), sent(GROUP, 1, 'alice', 'copy')]);
  assert.equal(rows.length, 1);
  assert.equal(rows[0]?.payload.body, 'original');
});

test('only newly stored sequenced events, each once, and every receipt still need their effects', () => {
  const first = sent(GROUP, 1, 'alice', 'a');
  const copy = sent(GROUP, 1, 'alice', 'a');
  const old = sent(GROUP, 2, 'alice', 'old');
  const receipt = event(GROUP, null, 'bob', { type: 'ReadCursorMoved', userId: 'bob', upToSeq: 2 });
  const pending = selectUnprojected([first, copy, old, receipt], new Set([timelineKey(GROUP, 1)]));
  assert.deepEqual(pending, [first, receipt]);
});
