import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { JWT_SECRET, ROOT, startPlatform, type Platform } from './helpers/platform';

const run = promisify(execFile);
let platform: Platform;
let scratch: string;

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'sb-client-package-'));
  platform = await startPlatform({ gateways: 1 });
});

after(async () => {
  await platform?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** The environment without what `npm test` sets for its own npm, so the child npm acts as a user's would. */
function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
  return { ...env, ...extra };
}

/** The fenced block between `<!-- name:begin -->` and `<!-- name:end -->`. */
function docBlock(markdown: string, name: string): string {
  const match = new RegExp(`<!-- ${name}:begin -->\\n\`\`\`[a-z]*\\n([\\s\\S]*?)\`\`\`\\n<!-- ${name}:end -->`).exec(markdown);
  if (!match) throw new Error(`docs/client.md has no ${name} block`);
  return match[1] as string;
}

test('the packed SDK installs into an empty project and runs the quick start of docs/client.md as written', { timeout: 300_000 }, async () => {
  const packs = join(scratch, 'packs');
  mkdirSync(packs);
  await run('npm', ['pack', '-w', '@switchboard/client', '--pack-destination', packs], { cwd: ROOT, env: userEnv() });
  const tarballs = readdirSync(packs).filter((f) => f.endsWith('.tgz'));
  assert.deepEqual(tarballs, ['switchboard-client-0.1.0.tgz']);
  const tarball = join(packs, tarballs[0]!);
  const { stdout: listing } = await run('tar', ['-tzf', tarball]);
  const files = listing.split('\n').filter(Boolean);
  assert.ok(files.includes('package/dist/browser/switchboard-client.mjs'), 'the browser bundle is in the package');
  assert.ok(files.includes('package/dist/index.d.ts'));
  assert.ok(!files.some((f) => /\.test\.|testSupport/.test(f)), 'no tests in the package');

  const app = join(scratch, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'sb-quickstart', version: '1.0.0', private: true }, null, 2));
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], { cwd: app, env: userEnv(), timeout: 240_000 });
  const installed = readdirSync(join(app, 'node_modules')).sort();
  assert.ok(!installed.includes('@switchboard') || readdirSync(join(app, 'node_modules', '@switchboard')).join() === 'client', 'no other @switchboard package is needed');

  const doc = readFileSync(join(ROOT, 'docs', 'client.md'), 'utf8');
  writeFileSync(join(app, 'quickstart.mjs'), docBlock(doc, 'quickstart'));
  const { stdout } = await run(process.execPath, ['quickstart.mjs'], {
    cwd: app,
    env: userEnv({ SWITCHBOARD_URL: platform.gatewayUrls[0]!, JWT_SECRET }),
    timeout: 60_000,
  });
  assert.equal(stdout, docBlock(doc, 'quickstart-output'));

  // The types stand alone too: a strict TypeScript program compiles against the installed package.
  writeFileSync(
    join(app, 'check.ts'),
    [
      "import { createClient, isSwitchboardError, type MessageEvent, type SwitchboardClient } from '@switchboard/client';",
      "const client: SwitchboardClient = createClient({ url: ['ws://a/v1', 'ws://b/v1'], token: async () => 'token' });",
      'client.on(\'message\', (m: MessageEvent) => console.log(m.seq.toFixed(), m.body?.length));',
      "client.send({ to: 'bob', body: 'hi' }).then((r) => r.seq + 1, (err: unknown) => isSwitchboardError(err) && err.retriable);",
      '',
    ].join('\n'),
  );
  await run(
    process.execPath,
    [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '--strict', '--target', 'es2022', '--module', 'node16', '--moduleResolution', 'node16', 'check.ts'],
    { cwd: app, env: userEnv() },
  ).catch((err: { stdout?: string }) => assert.fail(`check.ts does not compile:\n${err.stdout ?? String(err)}`));
});
