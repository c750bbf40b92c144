import { TOPICS, type TopicSpec } from './topics';

function retention(ms: number): string {
  if (ms < 0) return 'forever';
  const hours = ms / 3_600_000;
  return hours >= 24 && hours % 24 === 0 ? `${hours / 24} d` : `${hours} h`;
}

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
    'each new version must stay backward compatible (a test checks it). Headers: `event-type` and `conversation-id` on events,',
    '`gateway-id` and `delivery-type` on deliveries, `traceparent` where a trace context exists.',
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
