// npm start — the whole platform on this machine: dependencies, build, Kafka, Postgres, Redis,
// topics, migrations, then the persister, the router and a gateway (which also serves the demo
// page from demo/ and, outside production, development tokens for it). Ctrl-C stops the services
// gracefully; the stack keeps running (npm run stack:down).
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensure, root } from './ensure.mjs';

ensure();
const up = spawnSync(process.execPath, [join(root, 'deploy/local/dist/cli.js'), 'up'], { stdio: 'inherit' });
if (up.status !== 0) process.exit(up.status || 1);

const gatewayPort = process.env.GATEWAY_PORT ?? '8080';
const nodeEnv = process.env.NODE_ENV ?? 'development';
const env = {
  ...process.env,
  NODE_ENV: nodeEnv,
  GATEWAY_PORT: gatewayPort,
  GATEWAY_STATIC_DIR: process.env.GATEWAY_STATIC_DIR ?? join(root, 'demo'),
  // The demo page signs in with GET /dev/token; the secret below is public anyway.
  GATEWAY_DEV_TOKENS: process.env.GATEWAY_DEV_TOKENS ?? (nodeEnv === 'production' ? '0' : '1'),
  JWT_SECRET: process.env.JWT_SECRET ?? 'switchboard-local-development-secret-0123456789',
};
const services = ['persister', 'router', 'gateway'];
const children = new Map();
let stopping = false;

function prefixLines(name, stream, out) {
  let pending = '';
  stream.on('data', (chunk) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) out.write(`${name.padEnd(9)} | ${line}\n`);
  });
}

function startService(name) {
  const child = spawn(process.execPath, ['--enable-source-maps', join(root, 'services', name, 'dist/main.js')], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  prefixLines(name, child.stdout, process.stdout);
  prefixLines(name, child.stderr, process.stderr);
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (!stopping) {
      process.stderr.write(`switchboard: ${name} exited (${code ?? signal}); stopping the others\n`);
      stop(1);
    } else if (children.size === 0) {
      process.stdout.write('switchboard: all services stopped. The stack is still up: npm run stack:down stops it.\n');
      process.exit(process.exitCode ?? 0);
    }
  });
  children.set(name, child);
  return child;
}

function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  process.exitCode = code;
  for (const child of children.values()) child.kill('SIGTERM');
  setTimeout(() => {
    for (const child of children.values()) child.kill('SIGKILL');
  }, 15_000).unref();
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

async function waitForReady(url, deadline) {
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

for (const name of services) startService(name);
const ready = await waitForReady(`http://127.0.0.1:${gatewayPort}/readyz`, Date.now() + 60_000);
if (!stopping) {
  if (!ready) {
    process.stderr.write('switchboard: the gateway did not become ready within 60 s\n');
    stop(1);
  } else {
    process.stdout.write(
      [
        '',
        'Switchboard is running.',
        `  demo page   http://127.0.0.1:${gatewayPort}/   (sign in as a different user in each tab)`,
        `  WebSocket   ws://127.0.0.1:${gatewayPort}/v1?access_token=<token>`,
        `  dev token   node libs/auth/dist/bin/mintToken.js <user>   (HS256, JWT_SECRET of this shell)`,
        ...(/^(1|true|yes|on)$/i.test(env.GATEWAY_DEV_TOKENS) ? [`              or http://127.0.0.1:${gatewayPort}/dev/token?user=<user>   (development only)`] : []),
        `  health      http://127.0.0.1:${gatewayPort}/healthz   metrics http://127.0.0.1:${gatewayPort}/metrics`,
        'Ctrl-C stops the services; npm run stack:down stops Kafka and what the stack started.',
        '',
      ].join('\n'),
    );
  }
}
