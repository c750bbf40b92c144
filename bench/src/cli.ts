/**
 * npm run bench [-- <scenario>…] [--quick] [--duration <factor>] [--systems a,b] [--out <dir>] [--render] [--ckjs <dir>]
 *
 * Starts what it needs (the local stack if it is down, the services as processes in a namespace
 * and database of their own, the comparison servers), runs the scenarios, stops everything it
 * started, and writes BENCHMARKS.md with SVG charts. See BENCHMARKS.md for what each scenario does.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { KAFKA_VERSION, stackDown, stackStatus, stackUp } from '@switchboard/stack';
import { machineInfo } from './proc/machine';
import { findPids } from './proc/procStats';
import { ProcSampler, type UsageWindow } from './proc/sampler';
import { killAllSpawned } from './platform/processes';
import { benchEnvironment } from './platform/switchboard';
import { startSystem, type SystemId } from './platform/systems';
import { ANALYSIS_END, ANALYSIS_START, renderReport } from './report/render';
import { SCENARIOS, type BenchResults, type RunMeta, type ScenarioId, type Section } from './report/results';
import type { BenchContext } from './scenarios/context';
import { runDensity } from './scenarios/density';
import { runProducerPerf } from './scenarios/kafkaPerf';
import { runKafkaTxn } from './scenarios/kafkaTxn';
import { runFanout, runLatency, runSaturation, type RunOf } from './scenarios/messaging';
import { runPersister } from './scenarios/persister';
import { runResume } from './scenarios/resume';

const ROOT = resolve(__dirname, '..', '..');
const ALL_SYSTEMS: SystemId[] = ['uws', 'socketio', 'switchboard'];
/** The whole run stops here, whatever a scenario does. */
const HARD_LIMIT_MS = 30 * 60_000;

interface Args {
  scenarios: ScenarioId[];
  quick: boolean;
  scale: number;
  systems: SystemId[];
  out: string | undefined;
  /** S1's rate, for development only. */
  rate: number | undefined;
  /** Only re-render BENCHMARKS.md and the charts from results.json. */
  renderOnly: boolean;
  /** Where @confluentinc/kafka-javascript is installed, for kafka-txn's librdkafka variant. */
  ckjsDir: string | undefined;
  command: string;
}

const USAGE = `usage: npm run bench -- [scenario ...] [options]

Runs the benchmark scenarios and writes BENCHMARKS.md and the charts in bench/results/.

scenarios   ${SCENARIOS.join(', ')} (all when none is named)
--quick              short phases and small counts, written to a scratch folder
--duration <factor>  scales every phase (0 < factor <= 10)
--systems <list>     systems for S1-S4, comma-separated: ${ALL_SYSTEMS.join(',')}
--rate <msg/s>       the open-loop rate of S1
--out <dir>          where BENCHMARKS.md and the charts go
--render             only rewrite BENCHMARKS.md and the charts from results.json
--ckjs <dir>         kafka-txn also measures @confluentinc/kafka-javascript installed in <dir>
                     (see bench/ckjs/txnLoop.cjs); default $SWITCHBOARD_CKJS_DIR
--help               this text
`;

/** A mistake in the command line: reported as one line and the usage, without a stack. */
class UsageError extends Error {}

function parseArgs(argv: string[]): Args | 'help' {
  const scenarios: ScenarioId[] = [];
  let quick = false;
  let scale: number | undefined;
  let systems = ALL_SYSTEMS;
  let out: string | undefined;
  let rate: number | undefined;
  let renderOnly = false;
  let ckjsDir = process.env.SWITCHBOARD_CKJS_DIR || undefined;
  const valueOf = (option: string, i: number): string => {
    const value = argv[i];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${option} needs a value`);
    return value;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') return 'help';
    if (a === '--quick') quick = true;
    else if (a === '--duration') scale = Number(valueOf(a, ++i));
    else if (a === '--systems') systems = valueOf(a, ++i).split(',') as SystemId[];
    else if (a === '--out') out = valueOf(a, ++i);
    else if (a === '--rate') rate = Number(valueOf(a, ++i));
    else if (a === '--render') renderOnly = true;
    else if (a === '--ckjs') ckjsDir = resolve(valueOf(a, ++i));
    else if ((SCENARIOS as readonly string[]).includes(a)) scenarios.push(a as ScenarioId);
    else if (a === 'all') scenarios.push(...SCENARIOS);
    else throw new UsageError(`unknown argument ${a}`);
  }
  if (scale !== undefined && !(scale > 0 && scale <= 10)) throw new UsageError('--duration takes a factor between 0 and 10');
  if (rate !== undefined && !(rate > 0)) throw new UsageError('--rate takes a positive number of messages per second');
  for (const s of systems) if (!ALL_SYSTEMS.includes(s)) throw new UsageError(`unknown system ${s}`);
  return {
    scenarios: scenarios.length ? [...new Set(scenarios)] : [...SCENARIOS],
    quick,
    scale: scale ?? (quick ? 0.1 : 1),
    systems,
    out,
    rate,
    renderOnly,
    ckjsDir,
    command: ['npm run bench', ...(argv.length ? ['--', ...argv] : [])].join(' '),
  };
}

function sizes(args: Args) {
  const q = args.quick;
  return {
    s1: { rate: args.rate ?? 2_000, durationMs: Math.round(30_000 * args.scale), pairs: 50, lowRate: 100, lowDurationMs: Math.round(20_000 * args.scale) },
    s2: { pairs: 50, startRate: 500, factor: 1.4, maxSteps: q ? 8 : 16 },
    s3: { members: q ? 200 : 1_000, senders: 4, startRate: 5, factor: 2, maxSteps: q ? 5 : 8 },
    s4: q ? 3_000 : 100_000,
    s5: { messages: q ? 2_000 : 10_000, trials: q ? 2 : 3, large: { messages: q ? 10_000 : 100_000, conversations: q ? 10 : 50, trials: q ? 1 : 2 } },
    s6: { events: q ? 20_000 : 200_000, conversations: 1_000 },
    kafka: { records: q ? 100_000 : 1_000_000, recordSize: 200 },
    kafkaTxn: { sizes: [1, 10, 500], rounds: q ? 1 : 3, maxMs: Math.round(10_000 * args.scale), warmup: 5, recordSize: 100, ckjsDir: args.ckjsDir },
  };
}

const HEADER = (chartsDir: string) => `# Benchmarks

How Switchboard performs on one machine, next to a raw uWebSockets.js relay (the ceiling for what
any WebSocket relay in Node can do here), Kafka's own producer tool (the ceiling for durable
writes), and Socket.IO 4 with its Redis adapter (the usual choice). Everything runs on loopback on
the same cores, the load generator included, so ratios between systems measured in one run are
more telling than the absolute figures. Generated by \`npm run bench\` (package \`bench/\`); the
text between the analysis markers is written by hand and kept when the file is regenerated.

## How to run

- \`npm run bench\` runs everything (12-15 minutes) and rewrites this file, the charts in
  \`${chartsDir}/\` and the raw figures in \`${chartsDir}/results.json\`.
- \`npm run bench -- s1 s3\` runs some scenarios (\`s1\`…\`s6\`, \`kafka\`, \`kafka-txn\`); their sections are
  replaced and the others kept, each section naming the command and date it came from.
- \`--quick\` (phases ×0.1 and small counts, written to a scratch folder, not here) and
  \`--duration <factor>\` are for development; \`--systems switchboard,socketio,uws\` picks the
  systems for S1-S4; \`--render\` only rewrites this file and the charts from results.json;
  \`--ckjs <dir>\` adds @confluentinc/kafka-javascript installed in \`<dir>\` to \`kafka-txn\`
  (how to install it: \`bench/ckjs/txnLoop.cjs\`).
- The bench brings the local stack up if it is down (and takes it down again then), runs the
  services as separate processes in a random namespace with a scratch database, started afresh
  for every scenario, and removes both afterwards. The per-connection and per-user rate limits
  are raised far above the load so that the pipeline, not the abuse limit, is measured (the
  per-user check still runs, with its tokens taken from Redis ahead of use); everything else runs
  with the services' defaults.
- \`node bench/dist/gatewayCost.js --rate 1000\` measures one gateway's CPU per message apart from
  the rest of the platform (a stand-in router in the bench process acknowledges every send), and
  \`BENCH_CPU_PROF=gateway1\` (also for \`npm run bench\`) writes a CPU profile of that process
  to summarize with \`node bench/dist/profileSummary.js <file>\`.
`;

function machineSection(meta: RunMeta): string {
  const m = meta.machine;
  return [
    '## Machine',
    '',
    `- ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB RAM, ${m.kernel}`,
    `- Node ${m.node}, ${m.java}, Kafka ${m.kafka} (single KRaft broker), Postgres and Redis of the local stack`,
    `- commit ${m.commit}; run started ${m.date.slice(0, 16).replace('T', ' ')} UTC with load average ${m.loadAverage.join(' / ')}`,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  let parsed: Args | 'help';
  try {
    parsed = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`bench: ${err.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (parsed === 'help') {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const args = parsed;
  const size = sizes(args);
  const started = Date.now();
  const hardStop = setTimeout(() => {
    process.stderr.write(`bench: stopped after ${HARD_LIMIT_MS / 60_000} minutes\n`);
    killAllSpawned();
    process.exit(2);
  }, HARD_LIMIT_MS);
  hardStop.unref();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      killAllSpawned();
      process.exit(130);
    });
  }

  const outDir = resolve(args.out ?? (args.quick ? join(tmpdir(), 'switchboard-bench-quick') : ROOT));
  const chartsRel = args.out || args.quick ? 'charts' : 'bench/results';
  const chartsDir = join(outDir, chartsRel);
  mkdirSync(chartsDir, { recursive: true });
  const log = (message: string) => process.stdout.write(`${message}\n`);

  if (args.renderOnly) args.scenarios = [];
  const before = args.renderOnly ? { allUp: true, components: [] } : await stackStatus();
  const kafkaWasDown = !args.renderOnly && before.components.find((c) => c.component === 'kafka')?.state !== 'up';
  if (!before.allUp) {
    log('bench: bringing the local stack up');
    const up = await stackUp();
    if (!up.allUp) throw new Error(`the local stack did not come up: ${JSON.stringify(up.components)}`);
  }

  const env = benchEnvironment(ROOT);
  const sampler = new ProcSampler(500);
  sampler.track({ name: 'kafka', pids: () => findPids({ cmdline: /kafka\.Kafka / }) });
  sampler.track({ name: 'postgres', pids: () => findPids({ comm: /^postgres$/ }), proportional: true });
  sampler.track({ name: 'redis', pids: () => findPids({ comm: /^redis-server$/ }) });
  sampler.track({ name: 'loadgen', pids: () => [process.pid] });
  sampler.start();
  const ctx: BenchContext = { env, sampler, scale: args.scale, quick: args.quick, runTag: `b${randomBytes(3).toString('hex')}`, log };
  const machine = machineInfo(ROOT, KAFKA_VERSION);
  const meta: RunMeta = { command: args.command, date: machine.date, scale: args.scale, quick: args.quick, machine };
  const fresh: BenchResults = {};
  const add = <K extends keyof BenchResults>(key: K, run: RunOf<unknown>) => {
    const section = (fresh[key] ??= { meta, runs: [] } as never) as Section<unknown>;
    section.runs.push(run);
  };
  const wants = (s: ScenarioId) => args.scenarios.includes(s);
  const failures: string[] = [];
  /** A scenario that fails is reported and the run goes on with the next one. */
  const attempt = async <K extends keyof BenchResults>(key: K, what: string, work: () => Promise<RunOf<unknown>>) => {
    log(`bench: ${what}`);
    try {
      add(key, await work());
    } catch (err) {
      const message = `${what} failed: ${err instanceof Error ? err.message : String(err)}`;
      log(`bench: ${message}`);
      failures.push(message);
    }
  };

  try {
    // Each scenario gets freshly started servers: an overloaded S1 must not leave a backlog, a
    // grown heap or a busy projection behind for the next one.
    for (const id of args.systems) {
      const scenarios: [ScenarioId, string, (system: Awaited<ReturnType<typeof startSystem>>) => Promise<RunOf<unknown>>][] = [
        ['s1', `S1 ${id}`, (system) => runLatency(ctx, system, size.s1)],
        ['s2', `S2 ${id}`, (system) => runSaturation(ctx, system, size.s2)],
        ['s3', `S3 ${id}`, (system) => runFanout(ctx, system, size.s3)],
      ];
      if (id === 'switchboard') scenarios.push(['s5', 'S5 switchboard', (system) => runResume(ctx, system, size.s5)]);
      for (const [key, what, run] of scenarios) {
        if (!wants(key)) continue;
        log(`bench: starting ${id} for ${what}`);
        let system: Awaited<ReturnType<typeof startSystem>>;
        try {
          system = await startSystem(id, env);
        } catch (err) {
          failures.push(`starting ${id} for ${what} failed: ${err instanceof Error ? err.message : String(err)}`);
          log(`bench: ${failures.at(-1)!}`);
          continue;
        }
        for (const t of system.tracked()) sampler.track(t);
        try {
          await attempt(key as keyof BenchResults, what, () => run(system));
        } finally {
          for (const t of system.tracked()) sampler.untrack(t.name);
          await system.stop().catch((err: unknown) => log(`bench: stopping ${id} failed: ${String(err)}`));
        }
      }
    }
    if (wants('s4')) {
      for (const id of args.systems) await attempt('s4', `S4 ${id}`, () => runDensity(ctx, id, size.s4));
    }
    if (wants('s6')) await attempt('s6', 'S6', () => runPersister(ctx, size.s6));
    if (wants('kafka')) await attempt('kafka', 'Kafka ProducerPerformance', () => runProducerPerf(ctx, size.kafka));
    if (wants('kafka-txn')) await attempt('kafka-txn', 'Kafka transactions (kafka-txn)', () => runKafkaTxn(ctx, size.kafkaTxn));
  } finally {
    sampler.stop();
    killAllSpawned();
    if (kafkaWasDown) {
      log('bench: taking the local stack down again');
      await stackDown().catch((err: unknown) => log(`bench: stack down failed: ${String(err)}`));
    }
  }

  for (const section of Object.values(fresh) as Section<unknown>[]) {
    const usages = section.runs.map((r) => r.usage as UsageWindow);
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
    const pressures = usages.map((u) => u.cpuPressurePercent).filter((p): p is number => p !== undefined);
    section.meta = {
      ...section.meta,
      otherCpuPercent: mean(usages.map((u) => u.otherCpuPercent)),
      ...(pressures.length ? { cpuPressurePercent: mean(pressures) } : {}),
    };
  }

  const resultsFile = join(chartsDir, 'results.json');
  const previous: BenchResults = existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as BenchResults) : {};
  const results: BenchResults = { ...previous, ...fresh };
  writeFileSync(resultsFile, `${JSON.stringify(results, null, 1)}\n`);
  const reportFile = join(outDir, 'BENCHMARKS.md');
  const existing = existsSync(reportFile) ? readFileSync(reportFile, 'utf8') : '';
  const analysis = existing.includes(ANALYSIS_START) ? existing.slice(existing.indexOf(ANALYSIS_START) + ANALYSIS_START.length, existing.indexOf(ANALYSIS_END)) : '## Where the targets stand\n\n(analysis to be written)';
  const latestMeta = (Object.values(results) as Section<unknown>[]).map((s) => s.meta).sort((a, b) => b.date.localeCompare(a.date))[0] ?? meta;
  const failed = failures.length ? `\n## Scenarios that failed in the last run (\`${args.command}\`)\n\n${failures.map((f) => `- ${f.split('\n')[0]}`).join('\n')}\n` : '';
  const rendered = renderReport(results, { chartsDir: chartsRel, analysis, header: `${HEADER(chartsRel)}\n${machineSection(latestMeta)}${failed}` });
  writeFileSync(reportFile, rendered.markdown);
  for (const [file, svg] of rendered.charts) writeFileSync(join(chartsDir, file), svg);
  for (const failure of failures) log(`bench: FAILED ${failure}`);
  log(`bench: done in ${((Date.now() - started) / 60_000).toFixed(1)} min; wrote ${relative(process.cwd(), reportFile) || reportFile} and ${rendered.charts.size} charts in ${chartsDir}`);
  clearTimeout(hardStop);
  process.exit(failures.length > 0 ? 1 : 0);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  killAllSpawned();
  process.exit(1);
});
