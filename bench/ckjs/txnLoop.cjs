// The consume-sequence-produce loop of bench/src/scenarios/txnLoop.ts on
// @confluentinc/kafka-javascript (librdkafka), which is not a dependency of the project: it needs
// a native build. Install it in a folder outside the repository and point CKJS_DIR at it:
//
//   apt-get install -y g++ make python3 libssl-dev zlib1g-dev
//   mkdir -p /work/ckjs-scratch && cd /work/ckjs-scratch && npm init -y
//   CKJS_LINKING=dynamic npm install @confluentinc/kafka-javascript@1.10.1
//
// Where GitHub is reachable npm fetches a prebuilt binary instead. Without it, this builds the
// librdkafka 2.15.1 bundled in the package (some 6 minutes on 2 busy cores) and links the addon
// to it. Debian bookworm's librdkafka-dev (2.0.2) is too old to build against
// (BUILD_LIBRDKAFKA=0: "rd_kafka_Uuid_t does not name a type" and other missing 2.3+ APIs).
//
// `npm run bench -- kafka-txn --ckjs /work/ckjs-scratch` then runs this script once per phase,
// alternating with the kafkajs variants. Alone:
//   CKJS_DIR=/work/ckjs-scratch node bench/ckjs/txnLoop.cjs '<options as JSON>'
// where the options are those of TxnLoopOptions (brokers instead of kafka and producer). It prints
// one line of JSON: { transactions, seconds, latenciesMs }.
'use strict';
const { createRequire } = require('node:module');
const path = require('node:path');

const dir = process.env.CKJS_DIR;
if (!dir) {
  process.stderr.write('CKJS_DIR must name the folder @confluentinc/kafka-javascript is installed in\n');
  process.exit(2);
}
const { KafkaJS } = createRequire(path.join(path.resolve(dir), 'package.json'))('@confluentinc/kafka-javascript');

async function main() {
  const o = JSON.parse(process.argv[2]);
  const kafka = new KafkaJS.Kafka({ kafkaJS: { brokers: o.brokers, clientId: 'bench-txn-ckjs', logLevel: KafkaJS.logLevel.WARN } });
  const producer = kafka.producer({
    kafkaJS: { transactionalId: o.transactionalId, idempotent: true, transactionTimeout: 30000 },
    // As the kafkajs producers: no lingering (kafkajs has none) and the project's 2 ms first retry.
    'linger.ms': 0,
    'retry.backoff.ms': 2,
  });
  const consumer = kafka.consumer({
    kafkaJS: { groupId: o.groupId, fromBeginning: true, autoCommit: false },
    'isolation.level': 'read_committed',
    'fetch.wait.max.ms': 50,
    'js.consumer.max.batch.size': Math.max(32, o.recordsPerTxn),
  });

  const latenciesMs = [];
  let pending = [];
  let sequence = 0;
  let done = 0;
  let firstStart = 0;
  let lastEnd = 0;
  let deadline = Number.POSITIVE_INFINITY;
  let finish;
  const finished = new Promise((resolve) => (finish = resolve));
  const enough = () => latenciesMs.length >= o.maxTransactions || performance.now() >= deadline;

  const transact = async (records) => {
    const started = performance.now();
    const tx = await producer.transaction();
    try {
      await tx.send({
        topic: o.outputTopic,
        messages: records.map((m) => ({ partition: 0, key: m.key, value: `${(sequence += 1)}:${m.value ? m.value.toString() : ''}` })),
      });
      const next = String(Number(records[records.length - 1].offset) + 1);
      await tx.sendOffsets({ consumer, topics: [{ topic: o.inputTopic, partitions: [{ partition: 0, offset: next }] }] });
      await tx.commit();
    } catch (err) {
      await tx.abort().catch(() => undefined);
      throw err;
    }
    const ended = performance.now();
    done += 1;
    if (done === o.warmup + 1) {
      firstStart = started;
      deadline = started + o.maxMs;
    }
    if (done > o.warmup) {
      latenciesMs.push(ended - started);
      lastEnd = ended;
    }
  };

  let failure;
  await producer.connect();
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: o.inputTopic });
    // Left unresolved, a batch's messages are fetched again (librdkafka's client seeks back to
    // them); those kept for the next transaction are in `pending` already.
    await consumer.run({
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch, isRunning, isStale }) => {
        if (enough()) return finish();
        pending.push(...batch.messages);
        while (pending.length >= o.recordsPerTxn && isRunning() && !isStale() && !enough()) {
          const records = pending.slice(0, o.recordsPerTxn);
          pending = pending.slice(o.recordsPerTxn);
          try {
            await transact(records);
          } catch (err) {
            failure = err;
            return finish();
          }
        }
        if (enough()) finish();
      },
    });
    const timeout = setTimeout(finish, o.maxMs + 60000);
    await finished;
    clearTimeout(timeout);
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
  }
  if (failure) throw failure;
  process.stdout.write(`${JSON.stringify({ transactions: latenciesMs.length, seconds: (lastEnd - firstStart) / 1000, latenciesMs })}\n`);
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`ckjs txn loop: ${err && err.stack ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
