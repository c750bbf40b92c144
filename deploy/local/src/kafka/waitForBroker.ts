import { createKafka } from '@switchboard/kafka';
import { isPortOpen } from '../process/portOpen';
import { sleep } from '../process/sleep';
import { withDeadline } from '../process/withDeadline';

export type KafkaAdmin = ReturnType<ReturnType<typeof createKafka>['admin']>;

export interface WaitOptions {
  readonly host: string;
  readonly port: number;
  readonly deadlineMs: number;
  /** Stop waiting early when this says the broker process has died. */
  readonly stillStarting?: () => boolean;
}

/**
 * Waits until the broker accepts connections and answers a metadata request, then returns a
 * connected admin client (the caller disconnects it). Throws when the deadline passes first.
 */
export async function waitForBroker(options: WaitOptions): Promise<KafkaAdmin> {
  const deadline = Date.now() + options.deadlineMs;
  let lastProblem = 'the port never opened';
  while (Date.now() < deadline) {
    if (options.stillStarting && !options.stillStarting()) throw new Error('the broker process exited while starting');
    if (await isPortOpen(options.host, options.port)) {
      const admin = connectAdmin(options.host, options.port);
      try {
        const remaining = Math.max(1_000, deadline - Date.now());
        await withDeadline(admin.connect().then(() => admin.listTopics()), Math.min(remaining, 15_000), 'no metadata answer');
        return admin;
      } catch (err) {
        lastProblem = (err as Error).message;
        await admin.disconnect().catch(() => undefined);
      }
    }
    await sleep(250);
  }
  throw new Error(`Kafka on ${options.host}:${options.port} did not answer within ${Math.round(options.deadlineMs / 1000)} s (${lastProblem})`);
}

/** Whether a broker answers on host:port right now; used by `status` and to detect a broker we did not start. */
export async function brokerAnswers(host: string, port: number, timeoutMs = 5_000): Promise<boolean> {
  if (!(await isPortOpen(host, port))) return false;
  const admin = connectAdmin(host, port);
  try {
    await withDeadline(admin.connect().then(() => admin.listTopics()), timeoutMs, 'no metadata answer');
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

function connectAdmin(host: string, port: number): KafkaAdmin {
  const kafka = createKafka({
    brokers: [`${host}:${port}`],
    clientId: 'switchboard-stack',
    log: () => undefined,
    connectionTimeoutMs: 2_000,
    requestTimeoutMs: 10_000,
  });
  return kafka.admin();
}
