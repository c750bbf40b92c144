import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { directConversationId } from '@switchboard/protocol';
import { startPlatform, stopProcess, ROOT, type Platform } from './helpers/platform';
import { freePort } from './helpers/ports';
import { createTestCertificates, type TestCertificates } from './helpers/testCertificates';
import { TestClient } from './helpers/client';
import { randomName } from './helpers/random';

/* The gateway ends TLS itself (GATEWAY_TLS_CERT_FILE, GATEWAY_TLS_KEY_FILE): wss:// and https://. */

let platform: Platform;
let certs: TestCertificates;
let tlsGateway: ChildProcess | undefined;
let port = 0;

function readyOverTls(ca: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/readyz', ca, servername: 'localhost' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

before(async () => {
  certs = createTestCertificates();
  platform = await startPlatform({ gateways: 1 });
  port = await freePort();
  const base = platform.services.get('gateway1')!.env;
  const output: string[] = [];
  tlsGateway = spawn(process.execPath, [join(ROOT, 'services', 'gateway', 'dist', 'main.js')], {
    env: { ...base, GATEWAY_PORT: String(port), GATEWAY_ID: `${platform.namespace}-tls`, GATEWAY_TLS_CERT_FILE: certs.certFile, GATEWAY_TLS_KEY_FILE: certs.keyFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  tlsGateway.stdout?.on('data', (c: Buffer) => output.push(c.toString()));
  tlsGateway.stderr?.on('data', (c: Buffer) => output.push(c.toString()));
  const ca = readFileSync(certs.caFile, 'utf8');
  for (const deadline = Date.now() + 60_000; ; await new Promise((r) => setTimeout(r, 100))) {
    if (tlsGateway.exitCode !== null) throw new Error(`the TLS gateway exited (${tlsGateway.exitCode}):\n${output.join('')}`);
    if (Date.now() > deadline) throw new Error(`the TLS gateway was not ready:\n${output.join('')}`);
    if ((await readyOverTls(ca).catch(() => 0)) === 200) break;
  }
});

after(async () => {
  if (tlsGateway) await stopProcess(tlsGateway, 'SIGTERM');
  await platform?.stop();
});

test('a client over wss:// with the test CA exchanges messages with a client on a plain gateway', { timeout: 120_000 }, async () => {
  const ca = readFileSync(certs.caFile, 'utf8');
  const alice = await TestClient.connect(`wss://localhost:${port}/v1`, randomName('alice-'), { ca });
  const bob = await TestClient.connect(platform.gatewayUrls[0]!, randomName('bob-'));
  try {
    const conversationId = directConversationId(alice.userId, bob.userId);
    const ack = await alice.ok({ type: 'send', to: bob.userId, clientMsgId: 'w1', body: 'from wss' });
    assert.equal(ack.seq, 1);
    assert.equal((await bob.waitForEvents(conversationId, 1, 'message'))[0]?.body, 'from wss');
    const reply = await bob.ok({ type: 'send', to: alice.userId, clientMsgId: 'w2', body: 'back over TLS' });
    assert.equal(reply.seq, 2);
    assert.equal((await alice.waitForEvents(conversationId, 1, 'message'))[0]?.body, 'back over TLS');
  } finally {
    await Promise.all([alice.close(), bob.close()]);
  }
});

test('a client that does not trust the certificate is refused the TLS handshake', async () => {
  const other = createTestCertificates();
  await assert.rejects(
    TestClient.connect(`wss://localhost:${port}/v1`, randomName('eve-'), { ca: readFileSync(other.caFile, 'utf8') }),
    /self-signed certificate|unable to verify|certificate/i,
  );
});
