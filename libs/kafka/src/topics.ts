/**
 * The one declarative list of the platform's topics. The local stack creates them from it, the
 * helm chart renders it, and docs/topics.md is generated from it, so the three cannot disagree.
 */
export type TopicId = 'commands' | 'events' | 'deliveries';

export interface TopicSpec {
  readonly id: TopicId;
  /** Name without the installation's namespace, e.g. `events.v1`. */
  readonly suffix: string;
  readonly partitions: number;
  /** -1 keeps records forever. */
  readonly retentionMs: number;
  readonly cleanupPolicy: 'delete' | 'compact';
  readonly key: string;
  readonly partitioning: string;
  /** Avro record name of the value (see libs/schemas). */
  readonly valueSchema: string;
  readonly producers: string;
  readonly consumers: string;
  readonly description: string;
  readonly extraConfig?: Readonly<Record<string, string>>;
}

const MINUTE = 60_000;

/**
 * Topics that carry typing and signalling frames (commands and deliveries) keep records for
 * minutes. Kafka deletes a whole segment once its newest record is older than the retention, so
 * segments are closed every minute: a record can no longer be read at most retention + `segment.ms`
 * + the broker's `log.retention.check.interval.ms` (5 min by default) after it was written.
 */
export const EPHEMERAL_SEGMENT_MS = MINUTE;

/**
 * Commands and events share one partition count, so a conversation's commands and events sit on
 * the same partition number: the router that owns command partition p rebuilds its state from
 * event partition p alone.
 */
export const CONVERSATION_PARTITIONS = 12;

export const TOPICS: readonly TopicSpec[] = [
  {
    id: 'commands',
    suffix: 'commands.v1',
    partitions: CONVERSATION_PARTITIONS,
    retentionMs: 10 * MINUTE,
    cleanupPolicy: 'delete',
    key: 'conversation id',
    partitioning: 'murmur2(key) mod partitions (Java-compatible default partitioner)',
    valueSchema: 'io.switchboard.Command',
    producers: 'gateway (idempotent producer, acks=all)',
    consumers: 'router',
    description:
      'Requests from clients, as the gateway received them. Not yet validated or sequenced; inputs, not facts. Typing and signalling frames (SDP payloads included) pass through here, so the topic keeps records for minutes only: the router reads commands as they arrive, and a command it has not read within that time was answered `timeout` long before (clients retry sends with the same `clientMsgId`).',
    extraConfig: { 'segment.ms': String(EPHEMERAL_SEGMENT_MS) },
  },
  {
    id: 'events',
    suffix: 'events.v1',
    partitions: CONVERSATION_PARTITIONS,
    retentionMs: -1,
    cleanupPolicy: 'delete',
    key: 'conversation id',
    partitioning: 'murmur2(key) mod partitions (Java-compatible default partitioner)',
    valueSchema: 'io.switchboard.Event',
    producers: 'router (transactional)',
    consumers: 'persister, analysts',
    description:
      'The canonical, sequenced history of every conversation: the source of truth. Read with isolation.level=read_committed.',
  },
  {
    id: 'deliveries',
    suffix: 'deliveries.v1',
    partitions: 16,
    retentionMs: 5 * MINUTE,
    cleanupPolicy: 'delete',
    key: 'gateway id',
    partitioning: 'murmur2(gateway id) mod partitions; a gateway reads only its own partition',
    valueSchema: 'io.switchboard.Delivery',
    producers: 'router (transactional, in the same transaction as the events)',
    consumers: 'gateway',
    description:
      'What each gateway must push to its sessions: sequenced events with their local recipients, replies to commands, and ephemeral typing and signalling frames. Since Delivery v2 the router writes one DeliveryBatch record per gateway and transaction, in decision order, its events as the very bytes of the events topic. Gateways read it live (from its end when they start), so it keeps records for minutes only.',
    extraConfig: { 'segment.ms': String(EPHEMERAL_SEGMENT_MS) },
  },
];

export type TopicNames = Readonly<Record<TopicId, string>>;

/** Full topic names of one installation. */
export function topicNames(namespace: string): TopicNames {
  const names = {} as Record<TopicId, string>;
  for (const topic of TOPICS) names[topic.id] = `${namespace}.${topic.suffix}`;
  return names;
}

export function topicSpec(id: TopicId): TopicSpec {
  const spec = TOPICS.find((t) => t.id === id);
  if (!spec) throw new Error(`unknown topic id ${id}`);
  return spec;
}

/** Consumer group of a service reading a topic: `<namespace>.<service>.<topic suffix>`. */
export function groupId(namespace: string, service: string, id: TopicId): string {
  return `${namespace}.${service}.${topicSpec(id).suffix}`;
}
