export interface BrokerSettings {
  readonly host: string;
  readonly port: number;
  readonly controllerPort: number;
  readonly dataDir: string;
}

/**
 * A single-node KRaft broker that is also its own controller. Internal topics have one replica,
 * topics are created only on purpose (ensureTopics), and sizes are trimmed for a small machine.
 */
export function renderServerProperties(settings: BrokerSettings): string {
  const { host, port, controllerPort } = settings;
  const entries: [string, string | number][] = [
    ['process.roles', 'broker,controller'],
    ['node.id', 1],
    ['controller.quorum.voters', `1@${host}:${controllerPort}`],
    ['listeners', `PLAINTEXT://${host}:${port},CONTROLLER://${host}:${controllerPort}`],
    ['advertised.listeners', `PLAINTEXT://${host}:${port}`],
    ['listener.security.protocol.map', 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT'],
    ['controller.listener.names', 'CONTROLLER'],
    ['inter.broker.listener.name', 'PLAINTEXT'],
    ['log.dirs', settings.dataDir],
    ['num.network.threads', 2],
    ['num.io.threads', 4],
    ['num.recovery.threads.per.data.dir', 1],
    ['num.partitions', 1],
    ['default.replication.factor', 1],
    ['min.insync.replicas', 1],
    ['offsets.topic.replication.factor', 1],
    ['offsets.topic.num.partitions', 10],
    ['transaction.state.log.replication.factor', 1],
    ['transaction.state.log.min.isr', 1],
    ['transaction.state.log.num.partitions', 10],
    ['group.initial.rebalance.delay.ms', 0],
    // The broker's default (6000) is the floor of every group's session timeout; a lower one lets
    // a dead router's partitions move sooner where the machine can keep heartbeats steady
    // (ROUTER_SESSION_TIMEOUT_MS, docs/architecture.md "Takeover").
    ['group.min.session.timeout.ms', 1_000],
    ['auto.create.topics.enable', 'false'],
    ['delete.topic.enable', 'true'],
    ['log.cleaner.dedupe.buffer.size', 33_554_432],
    ['log.retention.check.interval.ms', 300_000],
  ];
  const lines = entries.map(([key, value]) => `${key}=${escapePropertyValue(String(value))}`);
  return `# Written by the Switchboard local stack; rewritten on every start.\n${lines.join('\n')}\n`;
}

/** Java properties treat a backslash as an escape and a leading space as insignificant. */
export function escapePropertyValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/^ /, '\\ ').replace(/\n/g, '\\n');
}
