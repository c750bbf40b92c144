import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMetrics } from './metrics';
import { createHopTimer, readStamp, stampNow, stampText } from './hopStamps';

test('a stamp survives its header text to a hundredth of a millisecond', () => {
  const now = stampNow();
  assert.ok(Math.abs(now - Date.now()) < 1_000, 'epoch milliseconds');
  const read = readStamp(Buffer.from(stampText(now)));
  assert.ok(read !== undefined && Math.abs(read - now) <= 0.005);
  assert.equal(readStamp([stampText(12.5), '99']), 12.5, 'the first value of a repeated header');
});

test('missing or malformed stamps read as undefined and are not observed', () => {
  assert.equal(readStamp(undefined), undefined);
  assert.equal(readStamp('soon'), undefined);
  assert.equal(readStamp(''), undefined);
  const registry = createMetrics('t_');
  const hops = createHopTimer(registry);
  hops.observe('router_decide', undefined, 10);
  hops.observe('router_decide', 4, 4.3);
  // A clock that went back counts as 0.
  hops.observe('gateway_push', 10, 9);
  const text = registry.render();
  assert.match(text, /t_hop_ms_count\{hop="router_decide"\} 1\n/);
  assert.match(text, /t_hop_ms_bucket\{hop="router_decide",le="0.5"\} 1\n/);
  assert.match(text, /t_hop_ms_bucket\{hop="gateway_push",le="0.1"\} 1\n/);
});
