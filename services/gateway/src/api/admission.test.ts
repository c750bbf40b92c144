import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Presence, SessionLocation } from '@switchboard/presence';
import { createLogger, createMetrics } from '@switchboard/telemetry';
import { createGatewayMetrics } from '../internal/gatewayMetrics';
import type { Session } from '../internal/session';
import { createSessionAdmission } from './admission';

/** Presence in memory; `failing` makes every call reject as a Redis outage would. */
function fakePresence(options: { failing?: boolean; deadGateways?: string[] } = {}) {
  const sessions = new Map<string, Map<string, string>>();
  const calls: string[] = [];
  const fail = () => (options.failing ? Promise.reject(new Error('redis is down')) : undefined);
  const add = (userId: string, sessionId: string, gatewayId: string) => {
    let of = sessions.get(userId);
    if (!of) sessions.set(userId, (of = new Map()));
    of.set(sessionId, gatewayId);
    return of.size;
  };
  const presence: Pick<Presence, 'register' | 'registerAll' | 'unregister' | 'sessionsOf'> = {
    async register(userId, sessionId, gatewayId) {
      calls.push('register');
      await fail();
      return add(userId, sessionId, gatewayId);
    },
    async registerAll(list, gatewayId) {
      calls.push(`registerAll ${list.length}`);
      await fail();
      for (const s of list) add(s.userId, s.sessionId, gatewayId);
    },
    async unregister(userId, sessionId) {
      sessions.get(userId)?.delete(sessionId);
    },
    async sessionsOf(userIds) {
      calls.push(`sessionsOf ${userIds.length}`);
      await fail();
      const found = new Map<string, SessionLocation[]>();
      for (const u of userIds) {
        const of = [...(sessions.get(u) ?? new Map<string, string>())]
          .filter(([, gatewayId]) => !options.deadGateways?.includes(gatewayId))
          .map(([sessionId, gatewayId]) => ({ sessionId, gatewayId }));
        if (of.length > 0) found.set(u, of);
      }
      return found;
    },
  };
  return { presence: presence as Presence, sessions, calls };
}

function fakeSession(id: string, userId = 'alice') {
  const refused: string[] = [];
  const closes: string[] = [];
  const session = {
    id,
    userId,
    refuse: (_id: string | null, code: string) => void refused.push(code),
    close: (code: string) => void closes.push(code),
  } as unknown as Session;
  return { session, refused, closes };
}

function admission(presence: Presence, accepting = () => true) {
  return createSessionAdmission({
    gatewayId: 'gw-1',
    presence,
    maxSessionsPerUser: 2,
    accepting,
    metrics: createGatewayMetrics(createMetrics('t_'), () => 0),
    logger: createLogger('test', 'error', {}, () => undefined),
  });
}

test('a session is registered in presence before it is welcomed', async () => {
  const { presence, sessions } = fakePresence();
  const a = fakeSession('s1');
  assert.equal(await admission(presence)(a.session), 'welcome');
  assert.deepEqual([...(sessions.get('alice') ?? [])], [['s1', 'gw-1']]);
  assert.deepEqual([a.refused, a.closes], [[], []]);
});

test('a session past the limit is refused with a frame and 4008, and leaves nothing registered', async () => {
  const { presence, sessions } = fakePresence();
  const admit = admission(presence);
  for (const id of ['s1', 's2']) assert.equal(await admit(fakeSession(id).session), 'welcome');
  const third = fakeSession('s3');
  assert.equal(await admit(third.session), 'refused');
  assert.deepEqual(third.refused, ['too_many_sessions']);
  assert.deepEqual(third.closes, ['too_many_sessions']);
  assert.deepEqual([...(sessions.get('alice')?.keys() ?? [])], ['s1', 's2']);
});

test('presence that cannot register the session closes it as unavailable (4012), never welcomes it', async () => {
  const { presence } = fakePresence({ failing: true });
  const a = fakeSession('s1');
  assert.equal(await admission(presence)(a.session), 'refused');
  assert.deepEqual(a.closes, ['unavailable']);
});

test('a gateway that stopped accepting meanwhile sends the session away', async () => {
  const { presence } = fakePresence();
  const a = fakeSession('s1');
  assert.equal(await admission(presence, () => false)(a.session), 'refused');
  assert.deepEqual(a.closes, ['going_away']);
});

test('sessions opened in the same turn are admitted together: one registration and one count for all', async () => {
  const { presence, sessions, calls } = fakePresence();
  const admit = admission(presence);
  const opened = [fakeSession('a1', 'alice'), fakeSession('b1', 'bob'), fakeSession('a2', 'alice')];
  const admissions = await Promise.all(opened.map((o) => admit(o.session)));
  assert.deepEqual(admissions, ['welcome', 'welcome', 'welcome']);
  assert.deepEqual(calls, ['registerAll 3', 'sessionsOf 2']);
  assert.deepEqual([...(sessions.get('alice')?.keys() ?? [])], ['a1', 'a2']);
  assert.equal(await admit(fakeSession('c1', 'carol').session), 'welcome');
  assert.deepEqual(calls.slice(2), ['registerAll 1', 'sessionsOf 1'], 'a later turn is a batch of its own');
});

test('sessions racing in one turn past the limit are both refused, never both admitted', async () => {
  const { presence, sessions } = fakePresence();
  const admit = admission(presence);
  assert.equal(await admit(fakeSession('s1').session), 'welcome');
  const [second, third] = [fakeSession('s2'), fakeSession('s3')];
  assert.deepEqual(await Promise.all([admit(second.session), admit(third.session)]), ['refused', 'refused']);
  assert.deepEqual([second.closes, third.closes], [['too_many_sessions'], ['too_many_sessions']]);
  assert.deepEqual([...(sessions.get('alice')?.keys() ?? [])], ['s1'], 'both left presence again');
});

test('only live sessions count: those of a gateway whose lease lapsed do not', async () => {
  const { presence, sessions } = fakePresence({ deadGateways: ['gw-dead'] });
  sessions.set('alice', new Map([['old1', 'gw-dead'], ['old2', 'gw-dead']]));
  const admit = admission(presence);
  assert.equal(await admit(fakeSession('s1').session), 'welcome', 'three registered, one live');
  assert.equal(await admit(fakeSession('s2').session), 'welcome');
  const third = fakeSession('s3');
  assert.equal(await admit(third.session), 'refused', 'three live');
  assert.deepEqual(third.closes, ['too_many_sessions']);
});
