import type { TopicSpec } from '@switchboard/kafka';

/** What the broker says about a topic. */
export interface BrokerTopic {
  readonly name: string;
  readonly partitions: number;
  /** From the topic's configuration; undefined when it could not be read. */
  readonly retentionMs?: number;
  readonly cleanupPolicy?: string;
}

/** The latest schema of a subject, from the schema catalogue. */
export interface SchemaInfo {
  readonly subject: string;
  readonly version: number;
  readonly id: number;
}

export interface TopicRow {
  readonly name: string;
  /** Short id when the topic is in the catalogue. */
  readonly id?: string;
  readonly catalogue?: { partitions: number; retentionMs: number; cleanupPolicy: string; schema: SchemaInfo | { subject: string } };
  readonly broker?: { partitions: number; retentionMs?: number; cleanupPolicy?: string };
  /** `ok`, or each way broker and catalogue disagree. */
  readonly status: readonly string[];
}

/**
 * One row per catalogue topic of the namespace, then one per other topic on the broker under the
 * namespace's prefix, each saying where the broker and the catalogue disagree.
 */
export function topicRows(
  namespace: string,
  specs: readonly TopicSpec[],
  onBroker: readonly BrokerTopic[],
  schemaOf: (subject: string) => SchemaInfo | undefined,
): TopicRow[] {
  const byName = new Map(onBroker.map((t) => [t.name, t]));
  const rows: TopicRow[] = specs.map((spec) => {
    const name = `${namespace}.${spec.suffix}`;
    const found = byName.get(name);
    const catalogue = {
      partitions: spec.partitions,
      retentionMs: spec.retentionMs,
      cleanupPolicy: spec.cleanupPolicy,
      schema: schemaOf(spec.valueSchema) ?? { subject: spec.valueSchema },
    };
    if (!found) return { name, id: spec.id, catalogue, status: ['missing on the broker'] };
    const status: string[] = [];
    if (found.partitions !== spec.partitions) status.push(`${found.partitions} partitions, catalogue says ${spec.partitions}`);
    if (found.retentionMs !== undefined && found.retentionMs !== spec.retentionMs) {
      status.push(`retention ${formatRetention(found.retentionMs)}, catalogue says ${formatRetention(spec.retentionMs)}`);
    }
    if (found.cleanupPolicy !== undefined && found.cleanupPolicy !== spec.cleanupPolicy) {
      status.push(`cleanup ${found.cleanupPolicy}, catalogue says ${spec.cleanupPolicy}`);
    }
    return { name, id: spec.id, catalogue, broker: brokerPart(found), status: status.length > 0 ? status : ['ok'] };
  });
  const known = new Set(rows.map((r) => r.name));
  const others = onBroker
    .filter((t) => t.name.startsWith(`${namespace}.`) && !known.has(t.name))
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((t): TopicRow => ({ name: t.name, broker: brokerPart(t), status: ['not in the catalogue'] }));
  return [...rows, ...others];
}

function brokerPart(t: BrokerTopic): TopicRow['broker'] {
  return { partitions: t.partitions, retentionMs: t.retentionMs, cleanupPolicy: t.cleanupPolicy };
}

/** -1 → forever; otherwise the largest whole unit: 7 d, 1 h, 30 min, 45 s, 500 ms. */
export function formatRetention(ms: number): string {
  if (ms < 0) return 'forever';
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1_000, 's'],
  ];
  for (const [size, unit] of units) if (ms >= size && ms % size === 0) return `${ms / size} ${unit}`;
  return `${ms} ms`;
}

/** The rows as an aligned text table. */
export function renderTopicTable(rows: readonly TopicRow[]): string {
  const schema = (row: TopicRow) => {
    const s = row.catalogue?.schema;
    if (!s) return '-';
    return 'id' in s ? `${s.subject} v${s.version} (id ${s.id})` : s.subject;
  };
  const table = [
    ['TOPIC', 'PARTITIONS', 'RETENTION', 'CLEANUP', 'SCHEMA', 'STATUS'],
    ...rows.map((row) => {
      const source = row.broker ?? row.catalogue;
      return [
        row.name,
        source ? String(source.partitions) : '-',
        source?.retentionMs === undefined ? '-' : formatRetention(source.retentionMs),
        source?.cleanupPolicy ?? '-',
        schema(row),
        row.status.join('; '),
      ];
    }),
  ];
  const widths = table[0]!.map((_, col) => Math.max(...table.map((cells) => cells[col]!.length)));
  return table.map((cells) => cells.map((cell, col) => (col === cells.length - 1 ? cell : cell.padEnd(widths[col]!))).join('  ')).join('\n') + '\n';
}
