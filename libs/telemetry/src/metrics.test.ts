import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMetrics, seriesKey } from './metrics';

test('a label set has one key whatever the order of its labels, and different sets differ', () => {
  assert.equal(seriesKey({ a: '1', b: '2' }), seriesKey({ b: '2', a: '1' }));
  assert.notEqual(seriesKey({ a: '1' }), seriesKey({ a: '2' }));
  assert.notEqual(seriesKey({ a: '1', b: '2' }), seriesKey({ a: '1b', '': '2' }));
  assert.notEqual(seriesKey({ ab: '' }), seriesKey({ a: 'b' }));
  assert.equal(seriesKey({}), '');
});

test('increments with the same labels in any order land in one series', () => {
  const registry = createMetrics('t_');
  const counter = registry.counter('frames_total', 'Frames');
  counter.inc({ type: 'event', gateway: 'g1' });
  counter.inc({ gateway: 'g1', type: 'event' }, 2);
  counter.inc({ type: 'ok', gateway: 'g1' });
  const lines = registry.render().split('\n').filter((l) => l.startsWith('t_frames_total{'));
  assert.deepEqual(lines, ['t_frames_total{type="event",gateway="g1"} 3', 't_frames_total{type="ok",gateway="g1"} 1']);
});
