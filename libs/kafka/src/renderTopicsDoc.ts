import { EPHEMERAL_SEGMENT_MS, TOPICS, type TopicSpec } from './topics';

/** A retention as the docs write it: `forever`, `2 d`, `1 h`, `10 min`. */
export function formatRetention(ms: number): string {
  if (ms < 0) return 'forever';
  const hours = ms / 3_600_000;
  if (hours >= 24 && hours % 24 === 0) return `${hours / 24} d`;
  if (Number.isInteger(hours)) return `${hours} h`;
  return `${ms / 60_000} min`;
}
const retention = formatRetention;

const ephemeralTopics = TOPICS.filter((t) => t.extraConfig?.['segment.ms'] === String(EPHEMERAL_SEGMENT_MS));

function section(t: TopicSpec, namespace: string): string {
  return [
    `## \`${namespace}.${t.suffix}\``,
    '',
    t.description,
    '',
    '| | |',
    '|---|---|',
    `| key | ${t.key} |`,
    `| partitioning | ${t.partitioning} |`,
    `| partitions | ${t.partitions} |`,
    `| value schema | \`${t.valueSchema}\` (Avro, Confluent wire format) |`,
    `| retention | ${retention(t.retentionMs)} |`,
    `| cleanup policy | ${t.cleanupPolicy} |`,
    `| produced by | ${t.producers} |`,
    `| consumed by | ${t.consumers} |`,
    ...Object.entries(t.extraConfig ?? {}).map(([k, v]) => `| \`${k}\` | ${v} |`),
    '',
  ].join('\n');
}

/** docs/topics.md, generated from the catalogue in topics.ts (`npm run docs:topics`). */
export function renderTopicsDoc(namespace = 'switchboard'): string {
  return [
    '# Topics',
    '',
    '<!-- Generated from libs/kafka/src/topics.ts by `npm run docs:topics`; a test fails when this file is stale. -->',
    '',
    `Every topic name starts with the installation's namespace (\`SWITCHBOARD_NAMESPACE\`, default \`${namespace}\`) and ends with the`,
    'major version of its contract. Record values are Avro in the Confluent wire format: byte 0 is the magic byte 0, bytes 1-4 the',
    'schema id (big-endian) from `libs/schemas/catalog.json`, then the Avro binary encoding. Schemas live in `libs/schemas/avro/`;',
    'each new version must stay backward compatible (a test checks it). The schema ids resolve through the schema registry the',
    'persister serves at `/schema-registry` (subjects `<topic>-value` and the record names); see docs/analytics.md.',
    '',
    'Headers (UTF-8 strings): on commands `command-type` (the body\'s variant, e.g. `SendMessage`), `conversation-id` and',
    '`sb-received-at` (when the gateway read the request, epoch milliseconds); on events `event-type` (e.g. `MessageSent`),',
    '`conversation-id`, and `traceparent` when the command was traced; on deliveries `gateway-id` and `delivery-type`',
    '(`DeliveryBatch`). Since Command v2 and Event v2 the value names its variant too (`commandType`, `eventType`).',
    '',
    'Typing and signalling frames (SDP offers and answers, ICE candidates) are never written to the events topic. They pass',
    `through ${ephemeralTopics.map((t) => `\`${t.id}\``).join(' and ')}, which keep records for minutes: ${ephemeralTopics.map((t) => `${retention(t.retentionMs)} for \`${t.id}\``).join(', ')}, with segments`,
    `closed every ${retention(EPHEMERAL_SEGMENT_MS)} (\`segment.ms\`) because Kafka deletes whole segments once their newest record is older than the`,
    'retention. A record can no longer be read at most retention + `segment.ms` + the broker\'s `log.retention.check.interval.ms`',
    '(5 min by default) after it was written; its file is removed a minute later (`file.delete.delay.ms`).',
    '',
    'Analysts read `events` with `isolation.level=read_committed`: the router writes it in transactions, and aborted records must be skipped.',
    '',
    '| topic | key | partitions | retention | value |',
    '|---|---|---|---|---|',
    ...TOPICS.map((t) => `| \`${namespace}.${t.suffix}\` | ${t.key} | ${t.partitions} | ${retention(t.retentionMs)} | \`${t.valueSchema}\` |`),
    '',
    ...TOPICS.map((t) => section(t, namespace)),
  ].join('\n');
}
