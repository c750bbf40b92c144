import { createKafka, type KafkaOptions } from './createKafka';

/**
 * Whether the Kafka cluster answers, checked in the background, for readiness. The services'
 * own clients retry for many seconds before an error surfaces, and a consumer or producer that is
 * retrying looks no different from one that is idle; a metadata request on a client of its own,
 * without retries, tells within a second or two.
 */
export interface KafkaProbe {
  start(): void;
  /** Why Kafka is considered unavailable (the last check failed or is overdue); undefined when it answered. */
  problem(): string | undefined;
  stop(): Promise<void>;
}

export interface KafkaProbeOptions {
  brokers: readonly string[];
  clientId: string;
  log?: KafkaOptions['log'];
  security?: KafkaOptions['security'];
  /** Pause between checks. */
  intervalMs?: number;
  /** A check that has not answered by then counts as failed. */
  timeoutMs?: number;
}

export function createKafkaProbe(options: KafkaProbeOptions): KafkaProbe {
  const intervalMs = options.intervalMs ?? 1_000;
  const timeoutMs = options.timeoutMs ?? 3_000;
  const kafka = createKafka({
    brokers: options.brokers,
    clientId: `${options.clientId}-probe`,
    ...(options.security ? { security: options.security } : {}),
    connectionTimeoutMs: Math.min(timeoutMs, 3_000),
    requestTimeoutMs: timeoutMs,
    retries: 0,
    // Connection errors are the probe's answer, reported through readiness; logging each would repeat them every second.
    log: (level, message, extra) => {
      if (level === 'error' || level === 'warn') return;
      options.log?.(level, message, extra);
    },
  });
  const admin = kafka.admin({ retry: { retries: 0 } });
  let problem: string | undefined = 'kafka: not checked yet';
  let checking: { since: number; done: Promise<void> } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running = false;

  function check(): void {
    if (checking) {
      const waited = Date.now() - checking.since;
      if (waited > timeoutMs) problem = `kafka: no answer for ${Math.round(waited / 1000)} s`;
      return;
    }
    const since = Date.now();
    const done = admin.describeCluster().then(
      () => void (problem = undefined),
      (err: unknown) => void (problem = `kafka: ${err instanceof Error ? err.message : String(err)}`),
    );
    checking = { since, done: done.finally(() => (checking = undefined)) };
  }

  function schedule(): void {
    if (!running) return;
    timer = setTimeout(() => {
      check();
      schedule();
    }, intervalMs);
    timer.unref();
  }

  return {
    start() {
      if (running) return;
      running = true;
      check();
      schedule();
    },
    problem: () => problem,
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      await checking?.done;
      await admin.disconnect().catch(() => undefined);
    },
  };
}
