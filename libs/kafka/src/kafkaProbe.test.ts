import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { createKafkaProbe } from './kafkaProbe';

/** A port nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
    });
  });
}

test('a probe reports Kafka as unavailable, with the reason, when no broker answers', async () => {
  const probe = createKafkaProbe({ brokers: [`127.0.0.1:${await closedPort()}`], clientId: 'probe-test', intervalMs: 50, timeoutMs: 1_000 });
  assert.match(probe.problem() ?? '', /not checked yet/);
  probe.start();
  const deadline = Date.now() + 5_000;
  while (/not checked yet/.test(probe.problem() ?? '') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await probe.stop();
  assert.match(probe.problem() ?? '', /^kafka: .*(ECONNREFUSED|Connection)/);
});
