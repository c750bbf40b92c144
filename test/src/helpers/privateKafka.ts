import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STACK_CLI_PATH, stackLayout } from '@switchboard/stack';
import { waitUntil } from './waiting';
import { freePort } from './ports';

/** A single Kafka broker of a test's own, run by the stack command in a stack directory of its own. */
export interface PrivateKafka {
  /** `127.0.0.1:<port>`, for KAFKA_BROKERS. */
  readonly brokers: string;
  /** Stops the broker process only (SIGKILL by default; SIGTERM for a controlled shutdown). */
  stopBroker(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the broker again on the same ports and data (`stack up`). */
  startBroker(): Promise<void>;
  /** `stack down` and removes the stack directory. */
  cleanUp(): Promise<void>;
}

export interface PrivateKafkaOptions {
  /** The stack command also checks these and creates the database; point them at private servers. */
  databaseUrl: string;
  redisUrl: string;
  namespace: string;
}

export async function startPrivateKafka(options: PrivateKafkaOptions): Promise<PrivateKafka> {
  const stackDir = mkdtempSync(join(tmpdir(), 'sb-kafka-'));
  const kafkaPort = await freePort();
  let controllerPort = await freePort();
  while (controllerPort === kafkaPort) controllerPort = await freePort();
  const env = {
    ...process.env,
    SWITCHBOARD_STACK_DIR: stackDir,
    KAFKA_PORT: String(kafkaPort),
    KAFKA_CONTROLLER_PORT: String(controllerPort),
    SWITCHBOARD_NAMESPACE: options.namespace,
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
  };
  const cli = (command: 'up' | 'down'): Promise<void> =>
    new Promise((resolve, reject) => {
      execFile(process.execPath, [STACK_CLI_PATH, command], { env, timeout: 240_000 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`stack ${command} failed (${err.message}):\n${stdout}\n${stderr}`));
        else resolve();
      });
    });
  const pidFile = stackLayout(stackDir).kafka.pidFile;
  const brokerPid = (): number | undefined => {
    if (!existsSync(pidFile)) return undefined;
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  };

  // A run that ends early must not leave a broker behind (its directory is left for inspection).
  const killBroker = () => {
    const pid = brokerPid();
    if (pid !== undefined && alive(pid)) process.kill(pid, 'SIGKILL');
  };
  process.once('exit', killBroker);
  await cli('up');
  return {
    brokers: `127.0.0.1:${kafkaPort}`,
    async stopBroker(signal = 'SIGKILL') {
      const pid = brokerPid();
      if (pid === undefined) throw new Error(`no broker pid in ${pidFile}`);
      process.kill(pid, signal);
      await waitUntil(`broker pid ${pid} exited`, 60_000, () => !alive(pid));
    },
    startBroker: () => cli('up'),
    async cleanUp() {
      process.removeListener('exit', killBroker);
      await cli('down').catch(() => undefined);
      killBroker();
      rmSync(stackDir, { recursive: true, force: true });
    },
  };
}

/** Alive and not a zombie. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}
