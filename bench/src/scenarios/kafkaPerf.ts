import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createKafka, CONVERSATION_PARTITIONS } from '@switchboard/kafka';
import { ensureKafkaJars, loadStackSettings } from '@switchboard/stack';
import { randomNamespace } from '../platform/switchboard';
import { usageOf, type BenchContext } from './context';
import type { RunOf } from './messaging';

export interface ProducerPerfResult {
  records: number;
  recordSize: number;
  partitions: number;
  producerProps: string[];
  recordsPerSecond: number;
  mbPerSecond: number;
  avgLatencyMs: number;
  maxLatencyMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  p999Ms: number;
  summaryLine: string;
}

/** The tool's last line: "N records sent, R records/sec (M MB/sec), A ms avg latency, X ms max latency, a ms 50th, b ms 95th, c ms 99th, d ms 99.9th." */
export function parseProducerPerformance(output: string): Omit<ProducerPerfResult, 'records' | 'recordSize' | 'partitions' | 'producerProps'> | undefined {
  const line = output
    .split('\n')
    .reverse()
    .find((l) => /records sent, .* records\/sec/.test(l) && /99\.9th/.test(l));
  if (!line) return undefined;
  const n = (re: RegExp) => Number(re.exec(line)?.[1] ?? NaN);
  return {
    recordsPerSecond: n(/([\d.]+) records\/sec/),
    mbPerSecond: n(/\(([\d.]+) MB\/sec\)/),
    avgLatencyMs: n(/([\d.]+) ms avg latency/),
    maxLatencyMs: n(/([\d.]+) ms max latency/),
    p50Ms: n(/(\d+) ms 50th/),
    p95Ms: n(/(\d+) ms 95th/),
    p99Ms: n(/(\d+) ms 99th/),
    p999Ms: n(/(\d+) ms 99\.9th/),
    summaryLine: line.trim(),
  };
}

/**
 * Kafka's own producer benchmark (org.apache.kafka.tools.ProducerPerformance) from the jars the
 * local stack runs, against the same broker: what the log itself accepts on this machine.
 */
export async function runProducerPerf(ctx: BenchContext, options: { records: number; recordSize: number }): Promise<RunOf<ProducerPerfResult>> {
  const settings = loadStackSettings();
  const { layout } = await ensureKafkaJars(settings.cacheDir);
  const topic = `${randomNamespace('bench')}.perf`;
  const kafka = createKafka({ brokers: ctx.env.brokers.split(','), clientId: 'bench-perf' });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: CONVERSATION_PARTITIONS, replicationFactor: 1 }], waitForLeaders: true });
  const producerProps = [`bootstrap.servers=${ctx.env.brokers}`, 'acks=all', 'enable.idempotence=true', 'linger.ms=5', 'batch.size=65536', 'compression.type=none'];
  try {
    const args = [
      '-Xms256m',
      '-Xmx512m',
      '-cp',
      join(layout.libsDir, '*'),
      'org.apache.kafka.tools.ProducerPerformance',
      '--topic',
      topic,
      '--num-records',
      String(options.records),
      '--record-size',
      String(options.recordSize),
      '--throughput',
      '-1',
      '--producer-props',
      ...producerProps,
    ];
    const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    ctx.sampler.track({ name: 'producer-perf', pids: () => (child.pid ? [child.pid] : []) });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const from = ctx.sampler.mark();
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    clearTimeout(timer);
    const to = ctx.sampler.mark();
    ctx.sampler.untrack('producer-perf');
    const parsed = parseProducerPerformance(output);
    if (code !== 0 || !parsed) throw new Error(`ProducerPerformance failed (exit ${code}):\n${output.slice(-2000)}`);
    ctx.log(`  kafka: ${Math.round(parsed.recordsPerSecond)} records/s, p99 ${parsed.p99Ms} ms`);
    return {
      system: 'switchboard',
      label: 'Kafka ProducerPerformance',
      result: { records: options.records, recordSize: options.recordSize, partitions: CONVERSATION_PARTITIONS, producerProps: producerProps.slice(1), ...parsed },
      usage: usageOf(ctx, from, to, ['producer-perf']),
    };
  } finally {
    await admin.deleteTopics({ topics: [topic], timeout: 30_000 }).catch(() => undefined);
    await admin.disconnect();
  }
}
