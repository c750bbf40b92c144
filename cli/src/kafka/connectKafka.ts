import type { KafkaSecurity } from '@switchboard/config';
import { createKafka } from '@switchboard/kafka';
import type { Kafka } from 'kafkajs';
import { unavailableError } from '../cli/cliError';
import { probeTcp } from '../net/probeTcp';

/**
 * A kafkajs client for the command, after checking that some broker accepts a TCP connection:
 * kafkajs would retry an unreachable cluster for many seconds before failing, which is the
 * wrong answer for a command typed by hand. kafkajs's log lines are shown with --verbose only.
 */
export async function connectKafka(options: { brokers: readonly string[]; security?: KafkaSecurity; verbose: boolean; stderr: NodeJS.WritableStream }): Promise<Kafka> {
  const reachable = await Promise.all(
    options.brokers.map((broker) => probeTcp(broker.slice(0, broker.lastIndexOf(':')), Number(broker.slice(broker.lastIndexOf(':') + 1)))),
  );
  if (!reachable.some((r) => r === true)) {
    const why = reachable.find((r): r is string => typeof r === 'string') ?? 'no answer';
    throw unavailableError(`cannot reach Kafka at ${options.brokers.join(',')}: ${why}`);
  }
  return createKafka({
    brokers: options.brokers,
    clientId: 'switchboard-cli',
    ...(options.security ? { security: options.security } : {}),
    log: options.verbose
      ? (level, message, extra) => options.stderr.write(`${JSON.stringify({ level, logger: 'kafkajs', message, ...extra })}\n`)
      : () => undefined,
  });
}
