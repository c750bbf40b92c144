import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coordinatorErrorKind, createCoordinatorCache, type CoordinatorCacheOptions, type CoordinatorQuery } from './coordinatorCache';

/** kafkajs's protocol errors carry `type`; its connection errors a class name. */
const protocolError = (type: string) => Object.assign(new Error(type), { name: 'KafkaJSProtocolError', type });
const namedError = (name: string) => Object.assign(new Error(name), { name });

/** A broker standing in for kafkajs's: answers endTxn with whatever is queued, else ok. */
class FakeBroker {
  connected = true;
  readonly calls: string[] = [];
  readonly failures: Error[] = [];
  constructor(readonly nodeId: number) {}
  isConnected() {
    return this.connected;
  }
  async addPartitionsToTxn(request: { transactionalId: string }) {
    return this.endTxn(request);
  }
  async endTxn(request: { transactionalId: string }) {
    this.calls.push(request.transactionalId);
    const failure = this.failures.shift();
    if (failure) throw failure;
    return { from: this.nodeId };
  }
}

function cluster(...brokers: FakeBroker[]) {
  return clusterWith({}, ...brokers);
}

function clusterWith(options: CoordinatorCacheOptions, ...brokers: FakeBroker[]) {
  const queries: CoordinatorQuery[] = [];
  let next = 0;
  const lookup = async (q: CoordinatorQuery) => {
    queries.push(q);
    return brokers[Math.min(next++, brokers.length - 1)]!;
  };
  return { cache: createCoordinatorCache(lookup, options), queries };
}

const TXN = { groupId: 'tx-1', coordinatorType: 1 };

test('errors are sorted by what they say about the coordinator', () => {
  assert.equal(coordinatorErrorKind(protocolError('NOT_COORDINATOR_FOR_GROUP')), 'moved');
  assert.equal(coordinatorErrorKind(protocolError('NOT_COORDINATOR')), 'moved');
  assert.equal(coordinatorErrorKind(protocolError('GROUP_COORDINATOR_NOT_AVAILABLE')), 'moved');
  assert.equal(coordinatorErrorKind(protocolError('COORDINATOR_NOT_AVAILABLE')), 'moved');
  assert.equal(coordinatorErrorKind(protocolError('GROUP_LOAD_IN_PROGRESS')), 'loading');
  assert.equal(coordinatorErrorKind(protocolError('COORDINATOR_LOAD_IN_PROGRESS')), 'loading');
  assert.equal(coordinatorErrorKind(namedError('KafkaJSConnectionError')), 'connection');
  assert.equal(coordinatorErrorKind(namedError('KafkaJSConnectionClosedError')), 'connection');
  assert.equal(coordinatorErrorKind(namedError('KafkaJSRequestTimeoutError')), 'connection');
  assert.equal(coordinatorErrorKind(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })), 'connection');
  assert.equal(coordinatorErrorKind(protocolError('CONCURRENT_TRANSACTIONS')), undefined);
  assert.equal(coordinatorErrorKind(protocolError('INVALID_PRODUCER_EPOCH')), undefined);
  assert.equal(coordinatorErrorKind(protocolError('PRODUCER_FENCED')), undefined);
  assert.equal(coordinatorErrorKind(new Error('plain')), undefined);
  assert.equal(coordinatorErrorKind(undefined), undefined);
});

test('a coordinator is looked up once per type and key, then served from the cache', async () => {
  const b1 = new FakeBroker(1);
  const { cache, queries } = cluster(b1);
  for (let i = 0; i < 5; i++) await (await cache.find(TXN)).endTxn({ transactionalId: 'tx-1' });
  await cache.find({ groupId: 'tx-1', coordinatorType: 0 });
  await cache.find({ groupId: 'group-a' });
  await cache.find({ groupId: 'group-a', coordinatorType: 0 });
  assert.equal(queries.length, 3, 'transaction tx-1, group tx-1 and group group-a');
  assert.equal(b1.calls.length, 5);
  assert.deepEqual(cache.stats, { lookups: 3, hits: 5, invalidations: 0, reissued: 0, concurrentRetries: 0 });
});

test('concurrent first look-ups share one request', async () => {
  const { cache, queries } = cluster(new FakeBroker(1));
  await Promise.all([cache.find(TXN), cache.find(TXN), cache.find(TXN)]);
  assert.equal(queries.length, 1);
});

test('NOT_COORDINATOR forgets the coordinator and sends the request once more to the new one', async () => {
  const b1 = new FakeBroker(1);
  const b2 = new FakeBroker(2);
  const { cache, queries } = cluster(b1, b2);
  await cache.find(TXN);
  b1.failures.push(protocolError('NOT_COORDINATOR_FOR_GROUP'));
  const answer = await (await cache.find(TXN)).endTxn({ transactionalId: 'tx-1' });
  assert.deepEqual(answer, { from: 2 });
  assert.equal(queries.length, 2);
  assert.deepEqual([b1.calls.length, b2.calls.length], [1, 1]);
  await (await cache.find(TXN)).endTxn({ transactionalId: 'tx-1' });
  assert.equal(queries.length, 2, 'the new coordinator is cached');
  assert.equal(b2.calls.length, 2);
});

test('a second NOT_COORDINATOR in a row reaches the caller, and the next call looks up again', async () => {
  const b1 = new FakeBroker(1);
  const b2 = new FakeBroker(2);
  const b3 = new FakeBroker(3);
  const { cache, queries } = cluster(b1, b2, b3);
  b1.failures.push(protocolError('NOT_COORDINATOR_FOR_GROUP'));
  b2.failures.push(protocolError('GROUP_COORDINATOR_NOT_AVAILABLE'));
  await assert.rejects((await cache.find(TXN)).endTxn({ transactionalId: 'tx-1' }), { type: 'GROUP_COORDINATOR_NOT_AVAILABLE' });
  assert.deepEqual(await (await cache.find(TXN)).endTxn({ transactionalId: 'tx-1' }), { from: 3 });
  assert.equal(queries.length, 3);
});

test('loading and connection failures forget the coordinator but are not sent again (the request may have been applied)', async () => {
  for (const failure of [protocolError('GROUP_LOAD_IN_PROGRESS'), namedError('KafkaJSConnectionClosedError'), namedError('KafkaJSRequestTimeoutError')]) {
    const b1 = new FakeBroker(1);
    const b2 = new FakeBroker(2);
    const { cache, queries } = cluster(b1, b2);
    b1.failures.push(failure);
    await assert.rejects((await cache.find(TXN)).endTxn({ transactionalId: 'tx-1' }), failure);
    assert.equal(b1.calls.length, 1);
    assert.deepEqual(await (await cache.find(TXN)).endTxn({ transactionalId: 'tx-1' }), { from: 2 }, failure.name);
    assert.equal(queries.length, 2);
  }
});

test('other errors (fencing, concurrent transactions) keep the coordinator', async () => {
  const b1 = new FakeBroker(1);
  const { cache, queries } = cluster(b1, new FakeBroker(2));
  b1.failures.push(protocolError('CONCURRENT_TRANSACTIONS'), protocolError('INVALID_PRODUCER_EPOCH'));
  await assert.rejects((await cache.find(TXN)).endTxn({ transactionalId: 'tx-1' }), { type: 'CONCURRENT_TRANSACTIONS' });
  await assert.rejects((await cache.find(TXN)).endTxn({ transactionalId: 'tx-1' }), { type: 'INVALID_PRODUCER_EPOCH' });
  await (await cache.find(TXN)).endTxn({ transactionalId: 'tx-1' });
  assert.equal(queries.length, 1);
  assert.equal(b1.calls.length, 3);
  assert.equal(cache.stats.invalidations, 0);
});

test('a coordinator whose connection was closed (idle timeout, disconnect) is looked up again before use', async () => {
  const b1 = new FakeBroker(1);
  const b2 = new FakeBroker(2);
  const { cache, queries } = cluster(b1, b2);
  await cache.find(TXN);
  b1.connected = false;
  assert.deepEqual(await (await cache.find(TXN)).endTxn({ transactionalId: 'tx-1' }), { from: 2 });
  assert.equal(queries.length, 2);
  assert.equal(b1.calls.length, 0);
});

test('a failed look-up is not cached', async () => {
  let fail = true;
  const b1 = new FakeBroker(1);
  const cache = createCoordinatorCache(async () => {
    if (fail) throw namedError('KafkaJSGroupCoordinatorNotFound');
    return b1;
  });
  await assert.rejects(cache.find(TXN), { name: 'KafkaJSGroupCoordinatorNotFound' });
  fail = false;
  assert.equal((await cache.find(TXN)).nodeId, 1);
  assert.equal(cache.stats.lookups, 2);
});

test('the broker handed out still behaves as the broker for everything else', async () => {
  const b1 = new FakeBroker(7);
  const { cache } = cluster(b1);
  const broker = await cache.find(TXN);
  assert.equal(broker.nodeId, 7);
  assert.equal(broker.isConnected(), true);
});

test('CONCURRENT_TRANSACTIONS to AddPartitionsToTxn is sent again after each wait, then left to kafkajs', async () => {
  const slept: number[] = [];
  const sleep = async (ms: number) => void slept.push(ms);
  const b1 = new FakeBroker(1);
  const { cache, queries } = clusterWith({ concurrentTransactionsRetryMs: [1, 2, 4], sleep }, b1);
  b1.failures.push(protocolError('CONCURRENT_TRANSACTIONS'), protocolError('CONCURRENT_TRANSACTIONS'));
  assert.deepEqual(await (await cache.find(TXN)).addPartitionsToTxn({ transactionalId: 'tx-1' }), { from: 1 });
  assert.deepEqual(slept, [1, 2]);
  assert.equal(b1.calls.length, 3);

  b1.failures.push(...Array.from({ length: 4 }, () => protocolError('CONCURRENT_TRANSACTIONS')));
  await assert.rejects((await cache.find(TXN)).addPartitionsToTxn({ transactionalId: 'tx-1' }), { type: 'CONCURRENT_TRANSACTIONS' });
  assert.deepEqual(slept, [1, 2, 1, 2, 4], 'the waits start again for every request');
  assert.equal(cache.stats.concurrentRetries, 5);
  assert.equal(queries.length, 1, 'the coordinator stays cached');
});

test('CONCURRENT_TRANSACTIONS to EndTxn, or with no waits configured, goes straight to kafkajs', async () => {
  const slept: number[] = [];
  const b1 = new FakeBroker(1);
  const { cache } = clusterWith({ concurrentTransactionsRetryMs: [1, 2], sleep: async (ms) => void slept.push(ms) }, b1);
  b1.failures.push(protocolError('CONCURRENT_TRANSACTIONS'));
  await assert.rejects((await cache.find(TXN)).endTxn({ transactionalId: 'tx-1' }), { type: 'CONCURRENT_TRANSACTIONS' });
  const b2 = new FakeBroker(2);
  const plain = cluster(b2);
  b2.failures.push(protocolError('CONCURRENT_TRANSACTIONS'));
  await assert.rejects((await plain.cache.find(TXN)).addPartitionsToTxn({ transactionalId: 'tx-1' }), { type: 'CONCURRENT_TRANSACTIONS' });
  assert.deepEqual(slept, []);
});
