import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMetrics } from '@switchboard/telemetry';
import { createGatewayMetrics } from './gatewayMetrics';

const line = (text: string, series: string) => text.split('\n').find((l) => l.startsWith(series));

test('frames sent are counted by type and reach the counter when flushed', () => {
  const registry = createMetrics('t_');
  const metrics = createGatewayMetrics(registry, () => 0);
  for (let i = 0; i < 3; i++) metrics.framesOut.count('event');
  metrics.framesOut.count('ok');
  assert.equal(line(registry.render(), 't_gateway_frames_out_total{'), undefined, 'nothing before the flush');
  metrics.framesOut.flush();
  const first = registry.render();
  assert.equal(line(first, 't_gateway_frames_out_total{type="event"}'), 't_gateway_frames_out_total{type="event"} 3');
  assert.equal(line(first, 't_gateway_frames_out_total{type="ok"}'), 't_gateway_frames_out_total{type="ok"} 1');
  metrics.framesOut.count('event');
  metrics.framesOut.flush();
  metrics.framesOut.flush();
  assert.equal(line(registry.render(), 't_gateway_frames_out_total{type="event"}'), 't_gateway_frames_out_total{type="event"} 4', 'each frame counted once');
});
