import type { UsageWindow } from '../proc/sampler';
import type { RunOf } from '../scenarios/messaging';
import { P99_LIMIT_MS } from '../scenarios/messaging';
import { budgetedMicroseconds, CPU_BUDGET_US, cpuSection, hopSection } from './latencyDetail';
import { markdownTable, num, ratio } from './markdown';
import { VARIANT_LABELS, type TxnVariant } from '../scenarios/kafkaTxn';
import { asHistogram, type BenchResults, type RunMeta, type Section } from './results';
import type { LargeResumeResult } from '../scenarios/resume';
import { renderLatencyChart, type ChartSeries } from './svg';

export const ANALYSIS_START = '<!-- analysis:start -->';
export const ANALYSIS_END = '<!-- analysis:end -->';

export interface Rendered {
  markdown: string;
  /** File name (under the charts folder) → SVG text. */
  charts: Map<string, string>;
}

export interface Target {
  scenario: string;
  target: string;
  measured: string;
  met: boolean | undefined;
}

const find = <T>(section: Section<T> | undefined, system: string) => section?.runs.find((r) => r.system === system);

function metaLine(meta: RunMeta): string {
  const scale = meta.quick ? ' (quick: shortened phases and smaller counts; not comparable with a full run)' : meta.scale !== 1 ? ` (durations × ${meta.scale})` : '';
  const other = meta.otherCpuPercent !== undefined ? `; processes outside the benchmark used ${num(meta.otherCpuPercent, 0)} % of a core on average meanwhile` : '';
  const pressure = meta.cpuPressurePercent !== undefined ? `, and some task was waiting for a core ${num(meta.cpuPressurePercent, 0)} % of the time (CPU pressure)` : '';
  return `_Measured ${meta.date.slice(0, 16).replace('T', ' ')} UTC with \`${meta.command}\`${scale}${other}${pressure}._`;
}

function usageTable(runs: readonly RunOf<unknown>[]): string {
  const rows: (string | number)[][] = [];
  for (const run of runs) {
    const usage = run.usage as UsageWindow;
    for (const p of [...usage.processes].sort((a, b) => b.cpuPercent - a.cpuPercent)) {
      rows.push([run.label, p.name, num(p.cpuPercent, 0), num(p.rssMaxMiB, 0)]);
    }
    rows.push([run.label, '(whole machine, all processes)', num(usage.machineCpuPercent, 0), '']);
    rows.push([run.label, '(outside the benchmark)', num(usage.otherCpuPercent, 0), '']);
  }
  return markdownTable(['system', 'process', 'CPU % of one core', 'RSS max MiB'], rows);
}

/** The process that used the most CPU in a run, for explaining a miss. */
export function busiest(usage: UsageWindow): string {
  const top = [...usage.processes].sort((a, b) => b.cpuPercent - a.cpuPercent).slice(0, 3);
  return top.map((p) => `${p.name} ${num(p.cpuPercent, 0)} %`).join(', ');
}

function latencyChart(title: string, series: { name: string; histogram: unknown }[]): string {
  const chartSeries: ChartSeries[] = [];
  for (const s of series) {
    const h = asHistogram(s.histogram);
    if (h && h.count > 0) chartSeries.push({ name: s.name, points: h.spectrum() });
  }
  return renderLatencyChart({ title, series: chartSeries });
}

export function renderReport(results: BenchResults, options: { chartsDir: string; analysis: string; header: string }): Rendered {
  const charts = new Map<string, string>();
  const out: string[] = [options.header];
  const targets: Target[] = [];
  const body: string[] = [];

  // S1
  if (results.s1) {
    const s = results.s1;
    const sb = find(s, 'switchboard')?.result.phase;
    const uws = find(s, 'uws')?.result.phase;
    const sio = find(s, 'socketio')?.result.phase;
    body.push('## S1 — 1:1 end-to-end latency at a fixed rate', '', metaLine(s.meta), '');
    body.push(
      `Open loop at ${num(s.runs[0]?.result.phase.offeredRate, 0)} msg/s over ${s.runs[0]?.result.pairs ?? '?'} sender/receiver pairs, senders on server 1 and receivers on server 2; latency from each message's scheduled send time to its delivery to the receiver (so a stalled sender cannot hide latency). Switchboard's path is durable: gateway → Kafka commands → router (transaction) → Kafka deliveries → other gateway. "ack p99" is the sender's time to the durable acknowledgement. "undelivered" counts messages not delivered 10 s after the last send; they enter the percentiles with the time they had waited by then (a lower bound).`,
      '',
    );
    body.push(
      markdownTable(
        ['system', 'delivered/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'ack p99 ms', 'undelivered', 'errors', 'p99 vs uWS', 'p99 vs Socket.IO'],
        s.runs.map((r) => {
          const p = r.result.phase;
          return [r.label, num(p.deliveredPerSecond, 0), num(p.latency.p50Ms, 2), num(p.latency.p90Ms, 2), num(p.latency.p99Ms, 2), num(p.latency.maxMs, 1), num(p.ack.p99Ms, 2), p.lost, p.errors, ratio(p.latency.p99Ms, uws?.latency.p99Ms), ratio(p.latency.p99Ms, sio?.latency.p99Ms)];
        }),
      ),
      '',
      `![S1 latency distribution](${options.chartsDir}/s1-latency.svg)`,
      '',
    );
    const lowRuns = s.runs.filter((r) => r.result.low);
    if (lowRuns.length > 0) {
      const lowSio = find(s, 'socketio')?.result.low?.phase;
      body.push(
        `Then at ${num(lowRuns[0]!.result.low!.phase.offeredRate, 0)} msg/s, with the same pairs (what users of a quiet platform see):`,
        '',
        markdownTable(
          ['system', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'ack p99 ms', 'undelivered', 'errors', 'p99 vs Socket.IO'],
          lowRuns.map((r) => {
            const p = r.result.low!.phase;
            return [r.label, num(p.latency.p50Ms, 2), num(p.latency.p90Ms, 2), num(p.latency.p99Ms, 2), num(p.latency.maxMs, 1), num(p.ack.p99Ms, 2), p.lost, p.errors, ratio(p.latency.p99Ms, lowSio?.latency.p99Ms)];
          }),
        ),
        '',
      );
    }
    const sbRun = find(s, 'switchboard');
    if (sbRun) body.push(...hopSection(sbRun));
    body.push(...cpuSection(s.runs));
    charts.set('s1-latency.svg', latencyChart(`S1: 1:1 latency at ${num(s.runs[0]?.result.phase.offeredRate, 0)} msg/s`, s.runs.map((r) => ({ name: r.label, histogram: r.result.histogram }))));
    if (sb) {
      const low = sbRun?.result.low?.phase;
      targets.push({ scenario: 'S1', target: 'p50 ≤ 25 ms at 2,000 msg/s (issue 11)', measured: `${num(sb.latency.p50Ms, 2)} ms`, met: sb.latency.p50Ms <= 25 });
      targets.push({ scenario: 'S1', target: 'p99 ≤ 80 ms at 2,000 msg/s (issue 11)', measured: `${num(sb.latency.p99Ms, 2)} ms`, met: sb.latency.p99Ms <= 80 });
      if (low) {
        targets.push({ scenario: 'S1', target: 'p50 ≤ 20 ms at 100 msg/s (issue 11)', measured: `${num(low.latency.p50Ms, 2)} ms`, met: low.latency.p50Ms <= 20 });
        targets.push({ scenario: 'S1', target: 'p99 ≤ 50 ms at 100 msg/s (issue 11)', measured: `${num(low.latency.p99Ms, 2)} ms`, met: low.latency.p99Ms <= 50 });
      }
      if (sbRun) {
        const perMessage = budgetedMicroseconds(sbRun.usage as UsageWindow, sb.deliveredPerSecond);
        targets.push({ scenario: 'S1', target: `≤ ${CPU_BUDGET_US} µs CPU per message, the broker and the load generator aside (issue 11)`, measured: `${num(perMessage, 0)} µs`, met: perMessage <= CPU_BUDGET_US });
      }
      targets.push({ scenario: 'S1', target: 'p50 ≤ 10 ms', measured: `${num(sb.latency.p50Ms, 2)} ms`, met: sb.latency.p50Ms <= 10 });
      targets.push({ scenario: 'S1', target: 'p99 ≤ 50 ms', measured: `${num(sb.latency.p99Ms, 2)} ms`, met: sb.latency.p99Ms <= 50 });
      targets.push({
        scenario: 'S1',
        target: "p99 ≤ 2× Socket.IO's p99",
        measured: sio ? `${ratio(sb.latency.p99Ms, sio.latency.p99Ms)} (${num(sb.latency.p99Ms, 2)} vs ${num(sio.latency.p99Ms, 2)} ms)` : 'n/a',
        met: sio ? sb.latency.p99Ms <= 2 * sio.latency.p99Ms : undefined,
      });
    }
  }

  // S2
  if (results.s2) {
    const s = results.s2;
    const best = (system: string) => {
      const r = find(s, system)?.result;
      return r && r.best >= 0 ? r.steps[r.best] : undefined;
    };
    body.push('## S2 — saturation: highest sustained 1:1 rate with p99 under 100 ms', '', metaLine(s.meta), '');
    body.push(
      `The open-loop rate rises by steps (×1.4, 4 s each after 0.5 s of warm-up, 50 pairs); a step passes when every message is delivered within 3 s of the last send, no send is refused and p99 < ${P99_LIMIT_MS} ms. A failed step is repeated once (one stall on a shared machine should not end the search); after a second failure one step between the last pass and the failing rate is tried; when even the first rate fails, it is halved up to three times. The result is the highest passing step.`,
      '',
    );
    const kafka = results.kafka?.runs[0]?.result;
    body.push(
      markdownTable(
        ['system', 'sustained msg/s', 'p50 ms', 'p99 ms', 'vs uWS', 'vs Socket.IO', 'vs Kafka producer tool'],
        s.runs.map((r) => {
          const b = r.result.best >= 0 ? r.result.steps[r.result.best] : undefined;
          return [r.label, b ? num(b.offeredRate, 0) : 'none passed', b ? num(b.latency.p50Ms, 2) : '', b ? num(b.latency.p99Ms, 1) : '', ratio(b?.offeredRate, best('uws')?.offeredRate), ratio(b?.offeredRate, best('socketio')?.offeredRate), ratio(b?.offeredRate, kafka?.recordsPerSecond)];
        }),
      ),
      '',
      'Every step:',
      '',
      markdownTable(
        ['system', 'offered msg/s', 'delivered/s', 'p50 ms', 'p99 ms', 'max ms', 'undelivered', 'errors', 'result'],
        s.runs.flatMap((r) =>
          r.result.steps.map((st) => [r.label, num(st.offeredRate, 0), num(st.deliveredPerSecond, 0), num(st.latency.p50Ms, 2), num(st.latency.p99Ms, 1), num(st.latency.maxMs, 0), st.lost, `${st.errors}${Object.keys(st.errorCodes).length ? ` (${Object.entries(st.errorCodes).map(([k, v]) => `${k} ${v}`).join(', ')})` : ''}`, st.lost === 0 && st.errors === 0 && st.latency.p99Ms < P99_LIMIT_MS ? 'pass' : 'fail']),
        ),
      ),
      '',
      `![S2 latency at the highest passing step](${options.chartsDir}/s2-saturation.svg)`,
      '',
    );
    charts.set('s2-saturation.svg', latencyChart('S2: latency at each system\'s highest passing rate', s.runs.map((r) => ({ name: `${r.label} @ ${r.result.best >= 0 ? r.result.steps[r.result.best]!.offeredRate : 0}/s`, histogram: r.result.bestHistogram }))));
    const sb = best('switchboard');
    const sio = best('socketio');
    if (find(s, 'switchboard')) {
      targets.push({ scenario: 'S2', target: '≥ 5,000 msg/s sustained (issue 11)', measured: sb ? `${num(sb.offeredRate, 0)} msg/s` : 'no step passed', met: (sb?.offeredRate ?? 0) >= 5_000 });
      targets.push({ scenario: 'S2', target: '≥ 24,000 msg/s sustained', measured: sb ? `${num(sb.offeredRate, 0)} msg/s` : 'no step passed', met: (sb?.offeredRate ?? 0) >= 24_000 });
      targets.push({ scenario: 'S2', target: "≥ Socket.IO's sustained rate", measured: sio ? `${ratio(sb?.offeredRate ?? 0, sio.offeredRate)} (${num(sb?.offeredRate ?? 0, 0)} vs ${num(sio.offeredRate, 0)})` : 'n/a', met: sio ? (sb?.offeredRate ?? 0) >= sio.offeredRate : undefined });
    }
  }

  // S3
  if (results.s3) {
    const s = results.s3;
    const bestOf = (system: string) => {
      const r = find(s, system)?.result;
      return r && r.best >= 0 ? r.steps[r.best] : undefined;
    };
    const peak = (system: string) => Math.max(0, ...(find(s, system)?.result.steps.map((st) => st.deliveredPerSecond) ?? [0]));
    const first = s.runs[0]?.result;
    body.push('## S3 — group fan-out', '', metaLine(s.meta), '');
    body.push(
      `One group of ${first?.members ?? '?'} members, half connected to each server; ${first?.senders ?? '?'} members on server 1 post at rising open-loop rates. Each message is delivered to every other member; latency per delivery from the scheduled send. "Sustained" is the highest step with every delivery made and p99 < ${P99_LIMIT_MS} ms; "peak" is the most deliveries per second seen in any step.`,
      '',
      markdownTable(
        ['system', 'sustained deliveries/s', 'at msg/s', 'p50 ms', 'p99 ms', 'peak deliveries/s', 'sustained vs uWS', 'sustained vs Socket.IO'],
        s.runs.map((r) => {
          const b = bestOf(r.system);
          return [r.label, b ? num(b.deliveredPerSecond, 0) : 'none passed', b ? num(b.offeredRate, 0) : '', b ? num(b.latency.p50Ms, 1) : '', b ? num(b.latency.p99Ms, 1) : '', num(peak(r.system), 0), ratio(b?.deliveredPerSecond, bestOf('uws')?.deliveredPerSecond), ratio(b?.deliveredPerSecond, bestOf('socketio')?.deliveredPerSecond)];
        }),
      ),
      '',
      'Every step:',
      '',
      markdownTable(
        ['system', 'msg/s', 'deliveries/s', 'p50 ms', 'p99 ms', 'max ms', 'undelivered', 'result'],
        s.runs.flatMap((r) => r.result.steps.map((st) => [r.label, num(st.offeredRate, 0), num(st.deliveredPerSecond, 0), num(st.latency.p50Ms, 1), num(st.latency.p99Ms, 1), num(st.latency.maxMs, 0), st.lost, st.lost === 0 && st.errors === 0 && st.latency.p99Ms < P99_LIMIT_MS ? 'pass' : 'fail'])),
      ),
      '',
      `![S3 fan-out latency](${options.chartsDir}/s3-fanout.svg)`,
      '',
    );
    charts.set('s3-fanout.svg', latencyChart('S3: fan-out delivery latency at the highest passing rate', s.runs.map((r) => ({ name: r.label, histogram: r.result.bestHistogram }))));
    if (find(s, 'switchboard')) {
      const b = bestOf('switchboard');
      targets.push({ scenario: 'S3', target: '≥ 200,000 deliveries/s', measured: `${num(b?.deliveredPerSecond ?? 0, 0)} sustained (peak ${num(peak('switchboard'), 0)})`, met: (b?.deliveredPerSecond ?? 0) >= 200_000 });
    }
  }

  // S4
  if (results.s4) {
    const s = results.s4;
    body.push('## S4 — connection density', '', metaLine(s.meta), '');
    const first = s.runs[0]?.result;
    const capped = s.runs.some((r) => r.result.attempted < r.result.requested);
    body.push(
      `Idle authenticated connections to one server process, opened by ${first?.generatorProcesses ?? '?'} generator processes of raw sockets (source addresses spread over 127.0.0.2-11). Memory per connection is the server's RSS growth from a baseline of 500 warm connections to the full count, divided by the connections added (kernel socket buffers are not in RSS).`,
      '',
    );
    if (capped) {
      body.push(
        `**Fewer than the ${num(first?.requested, 0)} requested connections:** the open-files hard limit here is ${num(first?.openFilesLimit, 0)} per process and this sandbox cannot raise it (no CAP_SYS_RESOURCE; \`prlimit\`/\`ulimit -n\` above the hard limit fail), so one server process can hold at most about that many sockets. The per-connection figure is a slope and does not depend on the count; the bench raises the limit itself (\`ulimit -n\` wrapper) where the machine allows it and then opens the full number.`,
        '',
      );
    }
    const uwsKib = find(s, 'uws')?.result.kibPerConnection;
    const sioKib = find(s, 'socketio')?.result.kibPerConnection;
    body.push(
      markdownTable(
        ['system', 'connections held', 'failed', 'dropped', 'connects/s', 'RSS baseline MiB', 'RSS loaded MiB', 'KiB per connection', 'vs uWS', 'vs Socket.IO'],
        s.runs.map((r) => [r.label, `${num(r.result.connected, 0)} of ${num(r.result.attempted, 0)}`, r.result.failed, r.result.dropped, num(r.result.connectsPerSecond, 0), num(r.result.baselineRssMiB, 0), num(r.result.loadedRssMiB, 0), num(r.result.kibPerConnection, 2), ratio(r.result.kibPerConnection, uwsKib), ratio(r.result.kibPerConnection, sioKib)]),
      ),
      '',
    );
    const failure = s.runs.find((r) => r.result.firstFailure)?.result.firstFailure;
    if (failure) body.push(`First failed connection said: \`${failure}\``, '');
    const sb = find(s, 'switchboard')?.result;
    if (sb) targets.push({ scenario: 'S4', target: '≤ 3 KiB gateway RSS per connection', measured: `${num(sb.kibPerConnection, 2)} KiB (${num(sb.connected, 0)} connections)`, met: sb.kibPerConnection <= 3 });
  }

  // S5
  if (results.s5) {
    const s = results.s5;
    const r = s.runs[0]?.result;
    body.push('## S5 — resume after missed messages', '', metaLine(s.meta), '');
    if (r) {
      body.push(
        `A reader is offline while a writer on the other gateway sends ${num(r.messages, 0)} messages to it (written and acknowledged in ${num(r.writeSeconds, 1)} s, then projected). The reader reconnects and sends \`sync\` with cursor 0; timed from the start of the reconnect until the last missed message arrived. Each trial checks order and duplicates.`,
        '',
        markdownTable(
          ['trial', 'connect ms', 'sync → last message ms', 'reconnect → last message ms', 'delivered', 'in order', 'duplicates'],
          r.trials.map((t, i) => [i + 1, num(t.connectMs, 1), num(t.fromSyncMs, 0), num(t.allDeliveredMs, 0), t.delivered, t.inOrder ? 'yes' : 'NO', t.duplicates]),
        ),
        '',
        'The uWS relay and Socket.IO with the Redis adapter have no resume to compare with (Socket.IO\'s connection state recovery is not supported by the Redis pub/sub adapter).',
        '',
      );
      const sorted = r.trials.map((t) => t.allDeliveredMs).sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
      const complete = r.trials.every((t) => t.delivered === r.messages && t.inOrder && t.duplicates === 0);
      targets.push({ scenario: 'S5', target: '≤ 300 ms for 10,000 messages (issue 12)', measured: `${num(median, 0)} ms median of ${r.trials.length}${complete ? '' : ' (INCOMPLETE)'}`, met: median <= 300 && complete });
      if (r.large) body.push(...largeResumeSection(r.large, targets));
    }
  }

  // S6 and Kafka
  if (results.s6 || results.kafka) {
    const s6 = results.s6?.runs[0]?.result;
    const kafka = results.kafka?.runs[0]?.result;
    body.push('## S6 — persister projection, and the Kafka producer ceiling', '');
    if (results.s6 && s6) {
      body.push(
        metaLine(results.s6.meta),
        '',
        `${num(s6.events, 0)} message events of ${num(s6.conversations, 0)} direct conversations are written to a fresh events topic first (in ${num(s6.prefillSeconds, 1)} s); then a persister starts on an empty database and is timed from readiness to the last stored position.`,
        '',
        markdownTable(
          ['events', 'start s', 'projection s', 'events/s', 'rows stored', 'vs Kafka producer tool'],
          [[num(s6.events, 0), num(s6.startSeconds, 1), num(s6.projectSeconds, 1), num(s6.eventsPerSecond, 0), num(s6.rowsStored, 0), ratio(s6.eventsPerSecond, kafka?.recordsPerSecond)]],
        ),
        '',
      );
      targets.push({ scenario: 'S6', target: '≥ 40,000 events/s (issue 12)', measured: `${num(s6.eventsPerSecond, 0)} events/s`, met: s6.eventsPerSecond >= 40_000 && s6.rowsStored === s6.events });
    }
    if (results.kafka && kafka) {
      body.push(
        metaLine(results.kafka.meta),
        '',
        `Kafka's own \`org.apache.kafka.tools.ProducerPerformance\` from the broker's jars, ${num(kafka.records, 0)} records of ${kafka.recordSize} bytes into ${kafka.partitions} partitions, \`${kafka.producerProps.join(' ')}\`: the rate at which this broker on this machine accepts durable writes.`,
        '',
        markdownTable(['records/s', 'MB/s', 'avg ms', 'p50 ms', 'p95 ms', 'p99 ms', 'p99.9 ms', 'max ms'], [[num(kafka.recordsPerSecond, 0), num(kafka.mbPerSecond, 1), num(kafka.avgLatencyMs, 1), kafka.p50Ms, kafka.p95Ms, kafka.p99Ms, kafka.p999Ms, num(kafka.maxLatencyMs, 0)]]),
        '',
      );
    }
  }

  if (results['kafka-txn']) {
    const section = results['kafka-txn'];
    const r = section.runs[0]?.result;
    if (r) {
      const label = (v: TxnVariant) => VARIANT_LABELS[v] ?? v;
      body.push(
        '## Kafka transactions — consume, sequence, produce (`kafka-txn`)',
        '',
        metaLine(section.meta),
        '',
        `The router's transactional step alone, one serial producer: per transaction, N records of ${r.recordSize} bytes read from an input partition are written to an output partition with a sequence number, together with the consumed offset (\`sendOffsets\`), then committed. Each variant runs ${r.rounds} phase(s) per N of at most ${num(r.maxSecondsPerPhase, 0)} s or ${Object.entries(r.maxTransactionsPerPhase).map(([n, t]) => `${t} transactions at N=${n}`).join(', ')}, after ${r.warmup} unmeasured ones, alternating with the other variants (the first variant of a round alternates too). The transactional producers retry from 2 ms (×1.2), as the router's do. "CPU pressure" is the share of the phase in which some task waited for a core (Linux PSI); "load" the 1-minute load average at the phase's end.${r.ckjsSkipped ? ` The librdkafka variant was not measured: ${r.ckjsSkipped}.` : ''}`,
        '',
        markdownTable(
          ['client', 'records / txn', 'txn/s', 'records/s', 'p50 ms', 'p99 ms', 'transactions', 'CPU pressure %', 'load', 'FindCoordinator / txn', 'AddPartitionsToTxn / txn'],
          r.summaries.map((s) => [
            label(s.variant),
            s.recordsPerTxn,
            num(s.txnPerSecond, 1),
            num(s.txnPerSecond * s.recordsPerTxn, 0),
            num(s.p50Ms, 1),
            num(s.p99Ms, 1),
            s.transactions,
            s.cpuPressurePercent === undefined ? '' : num(s.cpuPressurePercent, 0),
            num(s.loadAverage, 1),
            s.requestsPerTxn ? num(s.requestsPerTxn.FindCoordinator ?? 0, 2) : '',
            s.requestsPerTxn ? num(s.requestsPerTxn.AddPartitionsToTxn ?? 0, 2) : '',
          ]),
        ),
        '',
        'Requests per transaction are counted from kafkajs\'s request events; more than one AddPartitionsToTxn per transaction are retries after CONCURRENT_TRANSACTIONS (the previous commit\'s markers not yet written). librdkafka does not report its requests.',
        '',
        '<details><summary>Every phase</summary>',
        '',
        markdownTable(
          ['round', 'client', 'records / txn', 'txn/s', 'p50 ms', 'p99 ms', 'transactions', 'CPU pressure %', 'load'],
          r.phases.map((p) => [p.round, label(p.variant), p.recordsPerTxn, num(p.txnPerSecond, 1), num(p.p50Ms, 1), num(p.p99Ms, 1), p.transactions, p.cpuPressurePercent === undefined ? '' : num(p.cpuPressurePercent, 0), num(p.loadAverage, 1)]),
        ),
        '',
        '</details>',
        '',
      );
    }
  }

  // Process usage
  body.push('## CPU and memory of every process', '', 'Sampled from /proc/<pid>/stat and /proc/<pid>/status every 500 ms over each measured phase (Postgres: the sum of PSS over the postmaster and its backends; "loadgen" is the benchmark process that drives the clients).', '');
  const usageSections: [string, Section<unknown> | undefined][] = [
    ['S1', results.s1 as Section<unknown> | undefined],
    ['S2', results.s2 as Section<unknown> | undefined],
    ['S3', results.s3 as Section<unknown> | undefined],
    ['S4', results.s4 as Section<unknown> | undefined],
    ['S5', results.s5 as Section<unknown> | undefined],
    ['S6', results.s6 as Section<unknown> | undefined],
    ['Kafka producer tool', results.kafka as Section<unknown> | undefined],
    ['Kafka transactions', results['kafka-txn'] as Section<unknown> | undefined],
  ];
  for (const [name, section] of usageSections) {
    if (!section) continue;
    body.push(`### ${name}`, '', usageTable(section.runs), '');
  }

  out.push('## Targets', '');
  out.push(markdownTable(['scenario', 'target', 'measured', 'status'], targets.map((t) => [t.scenario, t.target, t.measured, t.met === undefined ? 'n/a' : t.met ? 'met' : '**missed**'])));
  out.push('', ANALYSIS_START, options.analysis.trim(), ANALYSIS_END, '', ...body);
  return { markdown: `${out.join('\n')}\n`, charts };
}

/** S5 at size: the trials' table, and its target (every message in order, once, within 3 s). */
function largeResumeSection(large: LargeResumeResult, targets: Target[]): string[] {
  const slowest = Math.max(...large.trials.map((t) => t.fromSyncMs));
  const growth = Math.max(...large.trials.map((t) => t.gatewayRssPeakMiB - t.gatewayRssBeforeMiB));
  const complete = large.trials.every((t) => t.delivered === large.messages && t.inOrder && t.duplicates === 0);
  targets.push({
    scenario: 'S5 at size',
    target: `≤ 3 s for ${num(large.messages, 0)} messages in ${large.conversations} conversations, in order, once (issue 12)`,
    measured: `${num(slowest, 0)} ms, slowest of ${large.trials.length}; gateway RSS +${num(growth, 0)} MiB${complete ? '' : ' (INCOMPLETE)'}`,
    met: slowest <= 3_000 && complete,
  });
  return [
    `### At size: ${num(large.messages, 0)} messages in ${large.conversations} groups`,
    '',
    `The reader is a member of ${large.conversations} groups of one writer and is offline while the writer sends ${num(large.messages, 0)} messages round-robin into them (written and acknowledged in ${num(large.writeSeconds, 1)} s, then projected). The reader connects to the other gateway and syncs with no cursors; timed from the sync to the last missed message, and to its \`ok\`. Each trial checks every conversation's order and duplicates. The RSS of the reader's gateway and of the persister is read every 10 ms from just before the sync until the last message: the replay streams page by page, so it should not grow with the backlog.`,
    '',
    markdownTable(
      ['trial', 'sync → last message ms', 'sync → ok ms', 'delivered', 'in order', 'duplicates', 'gateway RSS MiB before → peak', 'growth MiB', 'persister RSS MiB before → peak'],
      large.trials.map((t, i) => [
        i + 1,
        num(t.fromSyncMs, 0),
        num(t.syncAnsweredMs, 0),
        t.delivered,
        t.inOrder ? 'yes' : 'NO',
        t.duplicates,
        `${num(t.gatewayRssBeforeMiB, 0)} → ${num(t.gatewayRssPeakMiB, 0)}`,
        num(t.gatewayRssPeakMiB - t.gatewayRssBeforeMiB, 0),
        `${num(t.persisterRssBeforeMiB, 0)} → ${num(t.persisterRssPeakMiB, 0)}`,
      ]),
    ),
    '',
  ];
}
