import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from './helpers/platform';

// No Docker engine is needed: the build context is computed from .dockerignore with Docker's
// rules (scripts/docker-context.mjs), and the Dockerfile and docker-compose.yml are read.
const DOCKERFILE = readFileSync(join(ROOT, 'deploy', 'docker', 'Dockerfile'), 'utf8');

function contextFiles(contextRoot = ROOT): string[] {
  const script = `import('${join(ROOT, 'scripts', 'docker-context.mjs')}').then((m) => process.stdout.write(m.dockerContextFiles(${JSON.stringify(contextRoot)}).join('\\n')))`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.split('\n').filter(Boolean);
}

test('the context computation follows Docker: last rule wins, ! lets back in, folders cover their contents, ** spans folders', () => {
  const dir = mkdtempSync(join(tmpdir(), 'docker-context-'));
  try {
    const files = ['keep/a.ts', 'keep/a.test.ts', 'keep/deep/node_modules/x.js', 'keep/deep/b.ts', 'drop/c.ts', 'top.json', 'other.json', 'node_modules/y.js'];
    for (const file of files) {
      mkdirSync(join(dir, dirname(file)), { recursive: true });
      writeFileSync(join(dir, file), '');
    }
    writeFileSync(join(dir, '.dockerignore'), '# comment\n**\n!keep/\n!top.json\n**/node_modules\n**/*.test.ts\n');
    assert.deepEqual(contextFiles(dir), ['keep/a.ts', 'keep/deep/b.ts', 'top.json']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the image build context holds the sources of the services and the demo page, and no tests, benchmarks, git, caches or host builds', () => {
  const files = contextFiles();
  const forbidden = [/^test\//, /^bench\//, /^\.git(\/|$)/, /^\.cache\//, /^\.stack\//, /^cli\//, /^deploy\//, /(^|\/)node_modules\//, /(^|\/)dist\//, /\.tsbuildinfo$/, /\.test\.ts$/];
  for (const file of files) for (const pattern of forbidden) assert.doesNotMatch(file, pattern, `${file} is in the build context`);
  for (const needed of ['package.json', 'package-lock.json', 'tsconfig.base.json', 'scripts/demo.mjs', 'demo/index.html', 'libs/schemas/catalog.json', 'services/persister/migrations/0001_init.sql', 'libs/client/scripts/bundle.mjs']) {
    assert.ok(files.includes(needed), `${needed} is missing from the build context`);
  }
  // Every COPY from the context names something the context holds.
  for (const [, sources] of DOCKERFILE.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
    for (const source of sources!.split(/\s+/)) {
      assert.ok(files.some((f) => f === source || f.startsWith(`${source}/`)), `COPY ${source}: not in the build context`);
    }
  }
});

test('the image is built in stages on a Node LTS, and its runtime stage holds only the release tree', () => {
  const base = /^ARG NODE_IMAGE=(\S+)$/m.exec(DOCKERFILE)?.[1];
  assert.match(base ?? '', /^node:(22|24)(\.\d+)*-bookworm(-slim)?(@sha256:[0-9a-f]{64})?$/);
  const stages = DOCKERFILE.split(/^FROM /m).slice(1);
  assert.ok(stages.length >= 2, 'a build stage and a runtime stage');
  for (const stage of stages) assert.match(stage, /^\$\{NODE_IMAGE\}/);
  const runtime = stages.at(-1)!;
  assert.deepEqual([...runtime.matchAll(/^COPY .+$/gm)].map((m) => m[0]), ['COPY --from=build /release /app']);
  assert.match(runtime, /^ENV NODE_ENV=production$/m);
  assert.match(runtime, /^USER node$/m);
  assert.doesNotMatch(runtime, /^RUN /m);
  // The release tree gets production dependencies of the services only, and the demo page.
  assert.match(DOCKERFILE, /npm ci --omit=dev/);
  assert.match(DOCKERFILE, /cp -r demo \/release\/demo/);
});

test('docker compose builds this image and its gateway serves the demo page the image holds', () => {
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as Record<string, any>;
  const gateway = compose.services.gateway;
  assert.deepEqual(gateway.build, { context: '.', dockerfile: 'deploy/docker/Dockerfile' });
  assert.deepEqual(gateway.command, ['node', 'services/gateway/dist/main.js']);
  assert.equal(gateway.environment.GATEWAY_STATIC_DIR, '/app/demo', 'WORKDIR /app holds demo/');
  // The page signs in with development tokens, which the gateway refuses under NODE_ENV=production.
  assert.equal(gateway.environment.GATEWAY_DEV_TOKENS, '1');
  assert.notEqual(gateway.environment.NODE_ENV, 'production');
  assert.deepEqual(gateway.ports, ['8080:8080']);
});
