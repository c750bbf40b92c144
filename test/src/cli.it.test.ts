import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { directConversationId, type ClientEvent } from '@switchboard/protocol';
import { JWT_SECRET, ROOT, startPlatform, type Platform } from './helpers/platform';
import { randomName } from './helpers/random';

const CLI = join(ROOT, 'cli', 'dist', 'main.js');
let platform: Platform;

before(async () => {
  platform = await startPlatform({ gateways: 1 });
});

after(async () => {
  await platform?.stop();
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `switchboard` against the test platform; `onStderr` sees stderr as it grows. */
function cli(args: string[], onStderr?: (text: string) => void): Promise<Run> {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, GATEWAY_URL: platform.gatewayUrls[0], JWT_SECRET },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    onStderr?.(stderr);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

async function ok(args: string[]): Promise<string[]> {
  const run = await cli(args);
  assert.equal(run.code, 0, `switchboard ${args.join(' ')} failed: ${run.stderr}`);
  return run.stdout.split('\n').filter((line) => line !== '');
}

/** The persister projects events shortly after they are acknowledged; ask again until it has them. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

test('send, listen, group and history work end to end through a real gateway', async () => {
  const [alice, bob, carol] = [randomName('alice'), randomName('bob'), randomName('carol')];

  let listening!: () => void;
  const ready = new Promise<void>((resolve) => (listening = resolve));
  const listen = cli(['listen', '--as', bob, '--count', '7'], (text) => text.includes(`listening as ${bob}`) && listening());
  await ready;

  const [dmAck] = await ok(['send', '--as', alice, '--to', bob, 'hello,', 'bob']);
  const dm = JSON.parse(dmAck!) as { conversationId: string; seq: number; messageId: string };
  assert.equal(dm.conversationId, directConversationId(alice, bob));
  assert.equal(dm.seq, 1);

  const created = JSON.parse((await ok(['group', 'create', '--as', alice, 'Team', bob]))[0]!) as { conversationId: string; seq: number };
  assert.match(created.conversationId, /^grp\.[0-9a-f]{32}$/);
  assert.equal(created.seq, 1);
  const group = created.conversationId;
  assert.deepEqual(JSON.parse((await ok(['group', 'add', '--as', alice, group, carol]))[0]!), { conversationId: group, seq: 2 });

  const [bulk] = await ok(['send', '--as', carol, '--group', group, '--count', '3', 'hi']);
  assert.match(bulk!, new RegExp(`^sent 3 of 3 messages to ${group} \\(seq 3-5\\) in `));

  assert.deepEqual(JSON.parse((await ok(['group', 'remove', '--as', alice, group, carol]))[0]!), { conversationId: group, seq: 6 });
  const refused = await cli(['send', '--as', carol, '--group', group, 'after leaving']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /^switchboard send: not_member: /);

  const groups = await eventually(
    async () => (await ok(['group', 'list', '--as', bob])).map((line) => JSON.parse(line) as { conversationId: string; name: string; lastSeq: number }),
    (list) => list.some((g) => g.conversationId === group && g.lastSeq === 6),
  );
  assert.deepEqual(groups, [{ conversationId: group, name: 'Team', lastSeq: 6 }]);

  const history = await eventually(
    async () => (await ok(['history', '--as', bob, group])).map((line) => JSON.parse(line) as ClientEvent),
    (events) => events.length === 6,
  );
  assert.deepEqual(
    history.map((e) => [e.seq, e.kind, e.actorId, e.body ?? e.userId ?? e.name]),
    [
      [1, 'group_created', alice, 'Team'],
      [2, 'member_added', alice, carol],
      [3, 'message', carol, 'hi #1'],
      [4, 'message', carol, 'hi #2'],
      [5, 'message', carol, 'hi #3'],
      [6, 'member_removed', alice, carol],
    ],
  );
  const page = await cli(['history', '--as', bob, group, '--limit', '2']);
  assert.deepEqual(page.stdout.trim().split('\n').map((line) => (JSON.parse(line) as ClientEvent).seq), [5, 6]);
  assert.equal(page.stderr, 'older events exist: add --before 5\n');

  const heard = await listen;
  assert.equal(heard.code, 0, heard.stderr);
  const frames = heard.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; event: ClientEvent });
  assert.ok(frames.every((f) => f.type === 'event'));
  assert.deepEqual(
    frames.filter((f) => f.event.conversationId === dm.conversationId).map((f) => [f.event.seq, f.event.kind, f.event.body]),
    [[1, 'message', 'hello, bob']],
  );
  assert.deepEqual(
    frames.filter((f) => f.event.conversationId === group).map((f) => f.event.seq),
    [1, 2, 3, 4, 5, 6],
  );
});

test('a token signed with another secret than the gateway\'s is a configuration error (78)', async () => {
  const wrongSecret = spawn(process.execPath, [CLI, 'history', '--as', 'alice', `grp.${'0'.repeat(32)}`], {
    env: { ...process.env, GATEWAY_URL: platform.gatewayUrls[0], JWT_SECRET: 'another-secret-of-at-least-thirty-two-bytes' },
  });
  let stderr = '';
  wrongSecret.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise((resolve) => wrongSecret.on('close', resolve));
  assert.equal(code, 78, stderr);
  assert.match(stderr, /^switchboard history: the gateway at ws:\S+ refused the token \(.*\); it is signed with JWT_SECRET, which must be the gateway's\n$/);
});
