import { after, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { directConversationId } from '@switchboard/protocol';
import { LiteralClient, type ReadingMode } from './helpers/literalClient';
import { startPlatform, type Platform } from './helpers/platform';
import { startPrivatePostgres, type PrivatePostgres } from './helpers/privatePostgres';
import { randomName } from './helpers/random';
import { RoamingClient, type SendTarget } from './helpers/roamingClient';
import { FAILOVER_ENV } from './helpers/traffic';
import { sleep } from './helpers/waiting';

/*
 * Guarantee 4 while the persister cannot answer (docs/protocol.md, "Order, gaps and resume"): a 1:1
 * and a group stream at about 200 msg/s; the persister is killed with -9 (or its Postgres stopped),
 * and at that moment reading devices of both recipients disconnect and reconnect to the other
 * gateway, sending `sync` first. Every event frame every reader gets is checked: none may skip past
 * the one after the reader's cursor. At the end each literal reader holds exactly the acknowledged
 * timeline; a reader that synced only once holds all of it too, or was told to sync again with a
 * retriable close, never left with a silent hole.
 */

const cleanups: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

/** Parallel send loops per sender; with acks taking tens of milliseconds this offers about 100 msg/s each. */
const LOOPS_PER_SENDER = 8;
const LOOP_PAUSE_MS = 60;

interface Outage {
  name: string;
  begin(platform: Platform): Promise<void>;
  end(platform: Platform): Promise<void>;
  /** How long the dependency stays away. */
  downMs: number;
}

async function runScenario(t: TestContext, outage: Outage, pgServer?: string): Promise<void> {
  const platform = await startPlatform({ gateways: 2, env: FAILOVER_ENV, ...(pgServer ? { pgServer } : {}) });
  cleanups.push(() => platform.stop());
  const urls = platform.gatewayUrls;
  const sender = (name: string, home: number) => new RoamingClient({ userId: randomName(`${name}-`), urls, home, label: name });
  const dmSender = sender('dm-sender', 0);
  const groupSender = sender('group-sender', 1);
  const dmUser = randomName('dm-reader-');
  const groupUser = randomName('group-reader-');
  const reader = (userId: string, label: string, home: number, mode: ReadingMode) => new LiteralClient({ userId, urls, home, mode, label });
  // Each recipient: a device that stays, one that moves (literal), one that moves and syncs only once.
  const readers = [
    reader(dmUser, 'dm-stays', 1, 'literal'),
    reader(dmUser, 'dm-moves', 1, 'literal'),
    reader(dmUser, 'dm-once', 0, 'once'),
    reader(groupUser, 'group-stays', 0, 'literal'),
    reader(groupUser, 'group-moves', 0, 'literal'),
    reader(groupUser, 'group-once', 1, 'once'),
  ];
  cleanups.push(() => Promise.all([dmSender.stop(), groupSender.stop(), ...readers.map((r) => r.stop())]));
  await Promise.all([dmSender.connection(), groupSender.connection(), ...readers.map((r) => r.connect())]);

  const created = await groupSender.request({ type: 'group.create', name: 'gap-free', members: [groupUser] });
  assert.equal(created.type, 'ok', `group.create: ${JSON.stringify(created)}`);
  const groupId = (created as { result: Record<string, unknown> }).result.conversationId as string;
  const dmId = directConversationId(dmSender.userId, dmUser);

  const acked = new Map<string, Set<number>>([
    [dmId, new Set()],
    [groupId, new Set([1])],
  ]);
  let sending = true;
  const failures: unknown[] = [];
  const loops = ([[dmSender, { to: dmUser }, dmId], [groupSender, { conversationId: groupId }, groupId]] as [RoamingClient, SendTarget, string][]).flatMap(
    ([client, target, conversationId]) =>
      Array.from({ length: LOOPS_PER_SENDER }, async (_, loop) => {
        for (let i = 0; sending; i++) {
          try {
            acked.get(conversationId)!.add(await client.send(target, `${client.label}-${loop}-${i}`, `${loop}/${i}`));
          } catch (err) {
            failures.push(err);
            return;
          }
          await sleep(LOOP_PAUSE_MS);
        }
      }),
  );
  const total = () => acked.get(dmId)!.size + acked.get(groupId)!.size;
  const waitAcked = async (count: number, what: string) => {
    const target = total() + count;
    const deadline = Date.now() + 90_000;
    while (total() < target) {
      assert.deepEqual(failures.map(String), [], 'no sender failed');
      assert.ok(Date.now() < deadline, `${what}: only ${total()} of ${target} acknowledged within 90 s`);
      await sleep(50);
    }
  };

  await waitAcked(300, 'before the outage');
  const startedAt = Date.now();
  await outage.begin(platform);
  // The moving devices leave as the outage begins and, half a second later, sync on the other
  // gateway: the events routed meanwhile reach neither connection, so each one has a gap to fill.
  await Promise.all(readers.filter((r) => !r.label.endsWith('stays')).map((r) => r.moveToNextGateway(500)));
  const ackedBefore = total();
  await sleep(outage.downMs);
  await outage.end(platform);
  const ackedDuring = total() - ackedBefore;
  await waitAcked(600, 'after the outage');
  sending = false;
  await Promise.all(loops);
  assert.deepEqual(failures.map(String), [], 'no sender failed');

  const expected = new Map([...acked].map(([id, seqs]) => [id, Math.max(...seqs)]));
  for (const [id, seqs] of acked) assert.equal(seqs.size, expected.get(id), `${id}: the acknowledged seqs are 1..${expected.get(id)} without a hole`);
  const conversationOf = (r: LiteralClient) => (r.label.startsWith('dm') ? dmId : groupId);
  const caughtUp = (r: LiteralClient) => r.cursor(conversationOf(r)) >= expected.get(conversationOf(r))!;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && !readers.every((r) => caughtUp(r) || r.ended)) await sleep(100);

  t.diagnostic(
    `${outage.name}: ${total()} acknowledged (${ackedDuring} while it was away) in ${Date.now() - startedAt} ms from the outage; ` +
      readers
        .map((r) => `${r.label}: cursor ${r.cursor(conversationOf(r))}, ${r.repeats} repeats dropped, syncs [${r.syncAnswers.join(',')}], closes [${r.closeCodes.join(',')}]`)
        .join('; '),
  );
  for (const r of readers) {
    assert.deepEqual(r.violations, [], `${r.label}: no event was pushed past a hole`);
    const conversationId = conversationOf(r);
    const taken = r.taken.get(conversationId) ?? [];
    const gapFree = taken.every((seq, i) => seq === i + 1);
    assert.ok(gapFree, `${r.label}: took 1, 2, 3, … in order, each once (took ${taken.length}, last ${taken.at(-1)})`);
    if (r.mode === 'literal' || !r.ended) {
      assert.equal(taken.length, expected.get(conversationId), `${r.label}: holds exactly the ${expected.get(conversationId)} acknowledged events`);
      continue;
    }
    // A reader that synced once may have been told to sync again; only a documented retriable close may end it short.
    const last = r.closeCodes.at(-1);
    assert.equal(last, 4011, `${r.label}: a reader ended short of the timeline was closed with 4011 resync_required`);
  }
}

test('a client never misses an event while the persister is killed with -9: literal readers end with exactly the acknowledged timeline, and no frame skips a hole', { timeout: 300_000 }, async (t) => {
  await runScenario(t, {
    name: 'persister kill -9',
    downMs: 3_000,
    begin: async (platform) => {
      const exit = await platform.kill('persister', 'SIGKILL');
      assert.equal(exit.signal, 'SIGKILL');
    },
    end: (platform) => platform.start('persister'),
  });
});

test('a client never misses an event while Postgres is stopped: literal readers end with exactly the acknowledged timeline, and no frame skips a hole', { timeout: 300_000 }, async (t) => {
  const postgres: PrivatePostgres = await startPrivatePostgres();
  cleanups.push(() => postgres.cleanUp());
  await runScenario(
    t,
    {
      name: 'postgres stopped',
      downMs: 15_000,
      begin: () => postgres.stop(),
      end: () => postgres.start(),
    },
    postgres.serverUrl,
  );
});
