import { mkdirSync } from 'node:fs';
import type { StackSettings } from '../config';
import { aptInstall } from '../apt';
import { logTail } from '../logTail';
import { stackLayout } from '../paths';
import { checkPidFile, readTextIfPresent, removePidFile, type PidStatus } from '../process/pidFile';
import { readProc } from '../process/procInfo';
import { commandExists, runChecked } from '../process/runCommand';
import { sleep } from '../process/sleep';
import { signalProcess, stopProcess } from '../process/stopProcess';
import type { ComponentReport } from '../report';
import { readState, updateState } from '../state';
import { pingRedis } from './pingRedis';
import { redisTarget } from './redisTarget';

/** A daemonised redis-server names itself `redis-server <bind>:<port>` in its command line. */
function redisPid(pidFile: string, port: number): PidStatus {
  return checkPidFile(pidFile, { markers: ['redis-server', `:${port}`], readProc, readText: readTextIfPresent });
}

/**
 * Uses the Redis REDIS_URL points at; when it does not answer and lives on this machine, starts
 * an in-memory redis-server (no snapshots, no append-only file) under the stack directory.
 */
export async function redisUp(settings: StackSettings): Promise<ComponentReport> {
  const target = redisTarget(settings.redisUrl);
  const layout = stackLayout(settings.stackDir);
  const recorded = readState(layout.stateFile).redis;
  const ping = await pingRedis(settings.redisUrl);
  if (ping.ok) {
    const ours = recorded ? redisPid(recorded.pidFile, recorded.port) : undefined;
    if (ours?.state === 'running') {
      return { component: 'redis', state: 'up', address: target.display, detail: `already running, pid ${ours.pid}`, pid: ours.pid, managed: true };
    }
    return { component: 'redis', state: 'up', address: target.display, detail: 'already running', managed: false };
  }
  if (!target.isLocal) {
    throw new Error(`Redis at ${target.display} does not answer (${ping.problem}); the stack starts Redis only on this machine`);
  }

  const notes: string[] = [];
  if (!(await commandExists('redis-server'))) {
    await aptInstall(['redis-server']);
    notes.push('installed redis-server');
    if ((await pingRedis(settings.redisUrl)).ok) {
      return { component: 'redis', state: 'up', address: target.display, detail: [...notes, 'started by the package'].join(', '), managed: false };
    }
  }
  mkdirSync(layout.redis.dir, { recursive: true });
  mkdirSync(layout.logsDir, { recursive: true });
  removePidFile(layout.redis.pidFile);
  await runChecked('redis-server', [
    '--daemonize', 'yes',
    '--bind', '127.0.0.1',
    '--port', String(target.port),
    '--save', '',
    '--appendonly', 'no',
    '--dir', layout.redis.dir,
    '--pidfile', layout.redis.pidFile,
    '--logfile', layout.redis.logFile,
  ]);
  updateState(layout.stateFile, (state) => ({ ...state, redis: { port: target.port, pidFile: layout.redis.pidFile } }));
  const deadline = Date.now() + 10_000;
  let last = await pingRedis(settings.redisUrl);
  while (!last.ok && Date.now() < deadline) {
    await sleep(200);
    last = await pingRedis(settings.redisUrl);
  }
  if (!last.ok) throw new Error(`redis-server did not answer on ${target.display}: ${last.problem}\n${logTail(layout.redis.logFile, 20)}`);
  const pid = redisPid(layout.redis.pidFile, target.port);
  notes.push(pid.state === 'running' ? `started, pid ${pid.pid}` : 'started');
  return {
    component: 'redis',
    state: 'up',
    address: target.display,
    detail: notes.join(', '),
    managed: true,
    ...(pid.state === 'running' ? { pid: pid.pid } : {}),
  };
}

/** Stops the redis-server an earlier `up` started; leaves any other Redis alone. */
export async function redisDown(settings: StackSettings): Promise<ComponentReport> {
  const target = redisTarget(settings.redisUrl);
  const stateFile = stackLayout(settings.stackDir).stateFile;
  const recorded = readState(stateFile).redis;
  if (!recorded) {
    const ping = await pingRedis(settings.redisUrl);
    return {
      component: 'redis',
      state: ping.ok ? 'up' : 'down',
      address: target.display,
      detail: ping.ok ? 'left running, not started by this stack' : 'not running',
      managed: false,
    };
  }
  const pid = redisPid(recorded.pidFile, recorded.port);
  let detail = 'not running';
  if (pid.state === 'running') {
    const result = await stopProcess({
      isRunning: () => redisPid(recorded.pidFile, recorded.port).state === 'running',
      kill: (signal) => signalProcess(pid.pid, signal),
      graceMs: 10_000,
    });
    if (!result.stopped) throw new Error(`redis-server pid ${pid.pid} is still running after SIGKILL`);
    detail = `stopped pid ${pid.pid}`;
  }
  removePidFile(recorded.pidFile);
  updateState(stateFile, ({ redis: _stopped, ...rest }) => rest);
  return { component: 'redis', state: 'down', address: target.display, detail, managed: false };
}

export async function redisStatus(settings: StackSettings): Promise<ComponentReport> {
  const target = redisTarget(settings.redisUrl);
  const recorded = readState(stackLayout(settings.stackDir).stateFile).redis;
  const ours = recorded ? redisPid(recorded.pidFile, recorded.port) : undefined;
  const ping = await pingRedis(settings.redisUrl);
  const managed = ours?.state === 'running';
  return {
    component: 'redis',
    state: ping.ok ? 'up' : 'down',
    address: target.display,
    detail: ping.ok ? (managed ? `pid ${ours.pid}` : 'not started by this stack') : `not answering: ${ping.problem}`,
    managed,
    ...(ours?.state === 'running' ? { pid: ours.pid } : {}),
  };
}
