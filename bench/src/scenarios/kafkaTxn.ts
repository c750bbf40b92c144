import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { Kafka, Producer, ProducerConfig } from 'kafkajs';
import { CONCURRENT_TRANSACTIONS_RETRY_MS, createKafka, producerWithCoordinatorCache } from '@switchboard/kafka';
import { randomNamespace } from '../platform/switchboard';
import { usageOf, type BenchContext } from './context';
import type { RunOf } from './messaging';
import { runTxnLoop, type TxnLoopRun } from './txnLoop';

export type TxnVariant = 'kafkajs' | 'kafkajs-cached' | 'kafkajs-cached-retry' | 'ckjs';
type KafkajsVariant = Exclude<TxnVariant, 'ckjs'>;

export const VARIANT_LABELS: Record<TxnVariant, string> = {
  kafkajs: 'kafkajs 2.2.4 as is',
  'kafkajs-cached': 'kafkajs 2.2.4, coordinators cached',
  'kafkajs-cached-retry': 'kafkajs 2.2.4, coordinators cached, CONCURRENT_TRANSACTIONS retried at the coordinator',
  ckjs: '@confluentinc/kafka-javascript (librdkafka)',
};

export interface TxnPhase {
  variant: TxnVariant;
  recordsPerTxn: number;
  round: number;
  transactions: number;
  seconds: number;
  txnPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Linux PSI "some" for the CPU over the phase, %. */
  cpuPressurePercent: number | undefined;
  /** 1-minute load average at the phase's end. */
  loadAverage: number;
  requestsPerTxn?: Record<string, number>;
}

export interface TxnSummary extends Omit<TxnPhase, 'round'> {
  rounds: number;
}

export interface KafkaTxnResult {
  recordSize: number;
  maxSecondsPerPhase: number;
  maxTransactionsPerPhase: Record<string, number>;
  warmup: number;
  rounds: number;
  /** Why the librdkafka variant is missing, when it is. */
  ckjsSkipped?: string;
  phases: TxnPhase[];
  summaries: TxnSummary[];
}

export interface KafkaTxnOptions {
  sizes: readonly number[];
  rounds: number;
  maxMs: number;
  warmup: number;
  recordSize: number;
  /** Folder with @confluentinc/kafka-javascript installed (see bench/ckjs/txnLoop.cjs). */
  ckjsDir: string | undefined;
}

/** The q-quantile (0..1) of values sorted ascending, nearest rank. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function phaseOf(variant: TxnVariant, recordsPerTxn: number, round: number, run: TxnLoopRun, pressure: number | undefined, load: number): TxnPhase {
  const sorted = [...run.latenciesMs].sort((a, b) => a - b);
  return {
    variant,
    recordsPerTxn,
    round,
    transactions: run.transactions,
    seconds: run.seconds,
    txnPerSecond: run.seconds > 0 ? run.transactions / run.seconds : 0,
    p50Ms: quantile(sorted, 0.5),
    p99Ms: quantile(sorted, 0.99),
    cpuPressurePercent: pressure,
    loadAverage: load,
    ...(run.requestsPerTxn ? { requestsPerTxn: run.requestsPerTxn } : {}),
  };
}

/**
 * One line per variant and size over all rounds: rate from the summed transactions and time,
 * percentiles of all the transactions' durations together, pressure and load averaged.
 */
export function summarize(phases: readonly TxnPhase[], latencies: ReadonlyMap<TxnPhase, readonly number[]>): TxnSummary[] {
  const groups = new Map<string, TxnPhase[]>();
  for (const p of phases) {
    const key = `${p.variant}/${p.recordsPerTxn}`;
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : undefined);
  return [...groups.values()].map((group) => {
    const first = group[0]!;
    const all = group.flatMap((p) => latencies.get(p) ?? []).sort((a, b) => a - b);
    const transactions = group.reduce((n, p) => n + p.transactions, 0);
    const seconds = group.reduce((n, p) => n + p.seconds, 0);
    const pressures = group.map((p) => p.cpuPressurePercent).filter((p): p is number => p !== undefined);
    const requests = new Map<string, number>();
    for (const p of group) for (const [api, perTxn] of Object.entries(p.requestsPerTxn ?? {})) requests.set(api, (requests.get(api) ?? 0) + perTxn * p.transactions);
    return {
      variant: first.variant,
      recordsPerTxn: first.recordsPerTxn,
      rounds: group.length,
      transactions,
      seconds,
      txnPerSecond: seconds > 0 ? transactions / seconds : 0,
      p50Ms: quantile(all, 0.5),
      p99Ms: quantile(all, 0.99),
      cpuPressurePercent: mean(pressures),
      loadAverage: mean(group.map((p) => p.loadAverage)) ?? 0,
      ...(requests.size ? { requestsPerTxn: Object.fromEntries([...requests].map(([api, count]) => [api, count / Math.max(1, transactions)])) } : {}),
    };
  });
}

/** Whether @confluentinc/kafka-javascript can be loaded from a folder, or why not. */
export function ckjsProblem(dir: string | undefined): string | undefined {
  if (!dir) return 'not asked for (--ckjs <dir>)';
  const pkg = join(dir, 'node_modules', '@confluentinc', 'kafka-javascript', 'package.json');
  if (!existsSync(pkg)) return `${pkg} does not exist`;
  const version = (JSON.parse(readFileSync(pkg, 'utf8')) as { version?: string }).version;
  if (!existsSync(join(dir, 'node_modules', '@confluentinc', 'kafka-javascript', 'build', 'Release', 'confluent-kafka-javascript.node'))) return `@confluentinc/kafka-javascript ${version} in ${dir} has no native build`;
  return undefined;
}

const RETRY = { initialRetryTime: 2, multiplier: 1.2, maxRetryTime: 5_000, retries: 40 };

function producerOf(kafka: Kafka, variant: KafkajsVariant, transactionalId: string): Producer {
  const config: ProducerConfig = { transactionalId, idempotent: true, maxInFlightRequests: 1, transactionTimeout: 30_000, allowAutoTopicCreation: false, retry: RETRY };
  if (variant === 'kafkajs') return kafka.producer(config);
  const retryMs = variant === 'kafkajs-cached-retry' ? CONCURRENT_TRANSACTIONS_RETRY_MS : [];
  return producerWithCoordinatorCache(kafka, config, { concurrentTransactionsRetryMs: retryMs }).producer;
}

interface PhaseSpec {
  brokers: string[];
  groupId: string;
  transactionalId: string;
  inputTopic: string;
  outputTopic: string;
  recordsPerTxn: number;
  warmup: number;
  maxTransactions: number;
  maxMs: number;
}

async function kafkajsPhase(kafka: Kafka, variant: KafkajsVariant, spec: PhaseSpec): Promise<TxnLoopRun> {
  const producer = producerOf(kafka, variant, spec.transactionalId);
  await producer.connect();
  try {
    return await runTxnLoop({ kafka, producer, ...spec });
  } finally {
    await producer.disconnect();
  }
}

async function ckjsPhase(ctx: BenchContext, dir: string, spec: PhaseSpec): Promise<TxnLoopRun> {
  const script = join(ctx.env.root, 'bench', 'ckjs', 'txnLoop.cjs');
  const child = spawn(process.execPath, [script, JSON.stringify(spec)], { env: { ...process.env, CKJS_DIR: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
  ctx.sampler.track({ name: 'ckjs', pids: () => (child.pid ? [child.pid] : []) });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), spec.maxMs + 120_000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearTimeout(timer);
  ctx.sampler.untrack('ckjs');
  const line = out.trim().split('\n').pop();
  if (code !== 0 || !line) throw new Error(`ckjs loop failed (exit ${code}): ${err.slice(-1500)}`);
  return JSON.parse(line) as TxnLoopRun;
}

function cpuPressureTotal(): number | undefined {
  try {
    return Number(/^some .*total=(\d+)/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'))?.[1]);
  } catch {
    return undefined;
  }
}

/**
 * The router's consume-sequence-produce step on its own: per transaction, N records from an input
 * partition go to an output partition with their consumed offset, for kafkajs as is, kafkajs with
 * the coordinator cache and (when installed) librdkafka, in alternating phases.
 */
export async function runKafkaTxn(ctx: BenchContext, options: KafkaTxnOptions): Promise<RunOf<KafkaTxnResult>> {
  const ns = randomNamespace('bench-txn-');
  // kafkajs logs every CONCURRENT_TRANSACTIONS answer it retries as an error; those are counted
  // (as extra AddPartitionsToTxn requests), not printed.
  const kafka = createKafka({
    brokers: ctx.env.brokers.split(','),
    clientId: 'bench-txn',
    log: (level, message, extra) => {
      if (/concurrent operation on the same transaction/.test(`${message} ${String(extra.error ?? '')}`)) return;
      process.stderr.write(`${JSON.stringify({ level, logger: 'kafkajs', message, ...extra })}\n`);
    },
  });
  const brokers = ctx.env.brokers.split(',');
  const ckjsSkipped = ckjsProblem(options.ckjsDir);
  const kafkajsVariants: TxnVariant[] = ['kafkajs', 'kafkajs-cached', 'kafkajs-cached-retry'];
  const variants: TxnVariant[] = ckjsSkipped ? kafkajsVariants : [...kafkajsVariants, 'ckjs'];
  if (ckjsSkipped) ctx.log(`  kafka-txn: librdkafka variant skipped: ${ckjsSkipped}`);
  // Enough input for the cap of every phase; each phase reads it from the start in a group of its own.
  const maxTransactions = (n: number) => (n >= 500 ? 300 : n >= 10 ? 1_500 : 3_000);
  const topics = options.sizes.flatMap((n) => [`${ns}.in${n}`, `${ns}.out${n}`]);
  const groups: string[] = [];
  const admin = kafka.admin();
  await admin.connect();
  const phases: TxnPhase[] = [];
  const latencies = new Map<TxnPhase, number[]>();
  const from = ctx.sampler.mark();
  try {
    await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })), waitForLeaders: true });
    const filler = kafka.producer({ idempotent: true, allowAutoTopicCreation: false });
    await filler.connect();
    const value = 'v'.repeat(options.recordSize);
    for (const n of options.sizes) {
      const total = (maxTransactions(n) + options.warmup) * n;
      for (let sent = 0; sent < total; sent += 5_000) {
        const count = Math.min(5_000, total - sent);
        await filler.send({ topic: `${ns}.in${n}`, messages: Array.from({ length: count }, (_, i) => ({ partition: 0, key: `k${(sent + i) % 1000}`, value })) });
      }
    }
    await filler.disconnect();

    for (let round = 1; round <= options.rounds; round++) {
      for (const n of options.sizes) {
        // Alternate which variant goes first, so neither always follows the other.
        const order = round % 2 === 1 ? variants : [...variants].reverse();
        for (const variant of order) {
          const id = `${ns}.${variant}.n${n}.r${round}`;
          groups.push(`${id}.g`);
          const spec: PhaseSpec = {
            brokers,
            groupId: `${id}.g`,
            transactionalId: `${id}.tx`,
            inputTopic: `${ns}.in${n}`,
            outputTopic: `${ns}.out${n}`,
            recordsPerTxn: n,
            warmup: options.warmup,
            maxTransactions: maxTransactions(n),
            maxMs: options.maxMs,
          };
          const pressureFrom = cpuPressureTotal();
          const at = performance.now();
          const run = variant === 'ckjs' ? await ckjsPhase(ctx, options.ckjsDir!, spec) : await kafkajsPhase(kafka, variant, spec);
          const pressureTo = cpuPressureTotal();
          const pressure = pressureFrom !== undefined && pressureTo !== undefined ? ((pressureTo - pressureFrom) / 1000 / (performance.now() - at)) * 100 : undefined;
          const phase = phaseOf(variant, n, round, run, pressure, loadavg()[0]!);
          phases.push(phase);
          latencies.set(phase, run.latenciesMs);
          const perTxn = phase.requestsPerTxn ? `; per txn ${Object.entries(phase.requestsPerTxn).map(([api, k]) => `${api} ${k.toFixed(2)}`).join(', ')}` : '';
          ctx.log(
            `  kafka-txn r${round} n=${n} ${variant}: ${phase.transactions} txn in ${phase.seconds.toFixed(1)} s, ${phase.txnPerSecond.toFixed(1)} txn/s, p50 ${phase.p50Ms.toFixed(1)} ms, p99 ${phase.p99Ms.toFixed(1)} ms (CPU pressure ${pressure?.toFixed(0) ?? '?'} %, load ${phase.loadAverage.toFixed(1)})${perTxn}`,
          );
        }
      }
    }
  } finally {
    await admin.deleteTopics({ topics, timeout: 30_000 }).catch(() => undefined);
    await admin.deleteGroups(groups).catch(() => undefined);
    await admin.disconnect();
  }
  const to = ctx.sampler.mark();
  return {
    system: 'switchboard',
    label: 'consume-sequence-produce transactions',
    result: {
      recordSize: options.recordSize,
      maxSecondsPerPhase: options.maxMs / 1000,
      maxTransactionsPerPhase: Object.fromEntries(options.sizes.map((n) => [String(n), maxTransactions(n)])),
      warmup: options.warmup,
      rounds: options.rounds,
      ...(ckjsSkipped ? { ckjsSkipped } : {}),
      phases,
      summaries: summarize(phases, latencies),
    },
    usage: usageOf(ctx, from, to, ['ckjs']),
  };
}
