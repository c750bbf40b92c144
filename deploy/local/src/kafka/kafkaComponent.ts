import { mkdirSync, writeFileSync } from 'node:fs';
import { ensureTopics } from '@switchboard/kafka';
import type { StackSettings } from '../config';
import { logTail } from '../logTail';
import { stackLayout } from '../paths';
import { removePidFile, writePidFile } from '../process/pidFile';
import { isPortOpen } from '../process/portOpen';
import { spawnDetached } from '../process/spawnDetached';
import { signalProcess, stopProcess } from '../process/stopProcess';
import type { ComponentReport } from '../report';
import { brokerPidStatus, isBrokerRunning } from './brokerProcess';
import { formatStorageOnce } from './formatStorage';
import { brokerJavaArgs, type JavaPaths } from './javaCommand';
import { ensureKafkaJars } from './jars';
import { renderLog4jProperties } from './log4jProperties';
import { renderServerProperties } from './serverProperties';
import { brokerAnswers, waitForBroker, type KafkaAdmin } from './waitForBroker';

export interface KafkaUpOptions {
  /** How long a starting broker may take to answer. */
  readonly startTimeoutMs: number;
}

const address = (s: StackSettings): string => `${s.kafkaHost}:${s.kafkaPort}`;

/** Starts this stack's broker unless it is already running, then creates the platform's topics. */
export async function kafkaUp(settings: StackSettings, options: KafkaUpOptions): Promise<ComponentReport> {
  const layout = stackLayout(settings.stackDir).kafka;
  const pid = brokerPidStatus(layout.pidFile, layout.serverProperties);
  if (pid.state === 'running') {
    const admin = await waitForBroker({
      host: settings.kafkaHost,
      port: settings.kafkaPort,
      deadlineMs: options.startTimeoutMs,
      stillStarting: () => isBrokerRunning(pid.pid, layout.serverProperties),
    }).catch((err: Error) => {
      throw new Error(`${err.message}\n${brokerLogs(settings)}`);
    });
    return withTopics(admin, settings, { detail: `already running, pid ${pid.pid}`, pid: pid.pid, managed: true });
  }
  if (pid.state === 'stale') removePidFile(layout.pidFile);

  if (await isPortOpen(settings.kafkaHost, settings.kafkaPort)) {
    if (!(await brokerAnswers(settings.kafkaHost, settings.kafkaPort))) {
      throw new Error(`port ${address(settings)} is taken by a program that is not a Kafka broker; set KAFKA_PORT to a free port`);
    }
    const admin = await waitForBroker({ host: settings.kafkaHost, port: settings.kafkaPort, deadlineMs: 10_000 });
    return withTopics(admin, settings, { detail: 'already running, not started by this stack', managed: false });
  }

  if (await isPortOpen(settings.kafkaHost, settings.kafkaControllerPort)) {
    throw new Error(
      `port ${settings.kafkaHost}:${settings.kafkaControllerPort} (KAFKA_CONTROLLER_PORT) is taken by another program; set KAFKA_CONTROLLER_PORT to a free port`,
    );
  }
  const started = await startBroker(settings);
  const admin = await waitForBroker({
    host: settings.kafkaHost,
    port: settings.kafkaPort,
    deadlineMs: options.startTimeoutMs,
    stillStarting: () => isBrokerRunning(started.pid, layout.serverProperties),
  }).catch((err: Error) => {
    throw new Error(`${err.message}\n${brokerLogs(settings)}`);
  });
  const how = started.formatted ? 'formatted and started' : 'started';
  return withTopics(admin, settings, { detail: `${how}, pid ${started.pid}`, pid: started.pid, managed: true });
}

async function startBroker(settings: StackSettings): Promise<{ pid: number; formatted: boolean }> {
  const layout = stackLayout(settings.stackDir);
  const kafka = layout.kafka;
  const { layout: jars } = await ensureKafkaJars(settings.cacheDir);
  mkdirSync(kafka.dataDir, { recursive: true });
  mkdirSync(layout.logsDir, { recursive: true });
  writeFileSync(
    kafka.serverProperties,
    renderServerProperties({
      host: settings.kafkaHost,
      port: settings.kafkaPort,
      controllerPort: settings.kafkaControllerPort,
      dataDir: kafka.dataDir,
    }),
  );
  writeFileSync(kafka.log4jProperties, renderLog4jProperties(kafka.brokerLog));
  const java: JavaPaths = { classPath: jars.classPath, log4jProperties: kafka.log4jProperties };
  const { formatted } = await formatStorageOnce(java, {
    dataDir: kafka.dataDir,
    clusterIdFile: kafka.clusterIdFile,
    serverProperties: kafka.serverProperties,
  });
  const pid = await spawnDetached('java', brokerJavaArgs(java, kafka.serverProperties), {
    logFile: kafka.consoleLog,
    cwd: kafka.dir,
  });
  writePidFile(kafka.pidFile, pid);
  return { pid, formatted };
}

async function withTopics(
  admin: KafkaAdmin,
  settings: StackSettings,
  found: { detail: string; pid?: number; managed: boolean },
): Promise<ComponentReport> {
  try {
    const topics = await ensureTopics(admin, settings.namespace);
    const ready = topics.created.length + topics.existing.length;
    const created = topics.created.length > 0 ? `${topics.created.length} created, ` : '';
    return {
      component: 'kafka',
      state: 'up',
      address: address(settings),
      detail: `${found.detail}, ${created}${ready} topics ready`,
      managed: found.managed,
      ...(found.pid === undefined ? {} : { pid: found.pid }),
    };
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Stops this stack's broker: SIGTERM for a clean shutdown, SIGKILL if it takes too long. */
export async function kafkaDown(settings: StackSettings, options: { graceMs: number }): Promise<ComponentReport> {
  const layout = stackLayout(settings.stackDir).kafka;
  const pid = brokerPidStatus(layout.pidFile, layout.serverProperties);
  const base = { component: 'kafka', state: 'down', address: address(settings), managed: false } as const;
  if (pid.state !== 'running') {
    if (pid.state === 'stale') removePidFile(layout.pidFile);
    if (await brokerAnswers(settings.kafkaHost, settings.kafkaPort)) {
      return { ...base, state: 'up', detail: 'left running, not started by this stack' };
    }
    return { ...base, detail: pid.state === 'stale' ? `not running (${pid.reason}; removed the pid file)` : 'not running' };
  }
  const result = await stopProcess({
    isRunning: () => isBrokerRunning(pid.pid, layout.serverProperties),
    kill: (signal) => signalProcess(pid.pid, signal),
    graceMs: options.graceMs,
  });
  if (!result.stopped) throw new Error(`Kafka broker pid ${pid.pid} is still running after SIGKILL`);
  removePidFile(layout.pidFile);
  return { ...base, detail: result.forced ? `killed pid ${pid.pid} after ${options.graceMs / 1000} s` : `stopped pid ${pid.pid}` };
}

export async function kafkaStatus(settings: StackSettings): Promise<ComponentReport> {
  const layout = stackLayout(settings.stackDir).kafka;
  const pid = brokerPidStatus(layout.pidFile, layout.serverProperties);
  const answers = await brokerAnswers(settings.kafkaHost, settings.kafkaPort);
  const ours = pid.state === 'running';
  const detail = ours
    ? answers
      ? `pid ${pid.pid}`
      : `pid ${pid.pid} running but not answering`
    : answers
      ? 'not started by this stack'
      : pid.state === 'stale'
        ? `not running (${pid.reason})`
        : 'not running';
  return {
    component: 'kafka',
    state: answers ? 'up' : 'down',
    address: address(settings),
    detail,
    managed: ours,
    ...(ours ? { pid: pid.pid } : {}),
  };
}

function brokerLogs(settings: StackSettings): string {
  const kafka = stackLayout(settings.stackDir).kafka;
  return [logTail(kafka.consoleLog, 20), logTail(kafka.brokerLog, 40)].filter((t) => t !== '').join('\n');
}
