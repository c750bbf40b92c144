import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TOPICS } from '@switchboard/kafka';
import { formatRetention, renderTopicTable, topicRows } from './topicRows';

const schemaOf = (subject: string) => ({ subject, version: 1, id: 7 });

test('each catalogue topic is compared with the broker; extra topics of the namespace are listed', () => {
  const rows = topicRows(
    'ns',
    TOPICS,
    [
      { name: 'ns.commands.v1', partitions: 12, retentionMs: 600_000, cleanupPolicy: 'delete' },
      { name: 'ns.events.v1', partitions: 6, retentionMs: 3_600_000, cleanupPolicy: 'compact' },
      { name: 'ns.events.v1.dlq', partitions: 1, retentionMs: -1, cleanupPolicy: 'delete' },
      { name: 'other.events.v1', partitions: 12 },
    ],
    schemaOf,
  );
  assert.deepEqual(
    rows.map((r) => [r.name, r.status]),
    [
      ['ns.commands.v1', ['ok']],
      ['ns.events.v1', ['6 partitions, catalogue says 12', 'retention 1 h, catalogue says forever', 'cleanup compact, catalogue says delete']],
      ['ns.deliveries.v1', ['missing on the broker']],
      ['ns.events.v1.dlq', ['not in the catalogue']],
    ],
  );
  assert.deepEqual(rows[0]!.catalogue?.schema, { subject: 'io.switchboard.Command', version: 1, id: 7 });
  const table = renderTopicTable(rows).split('\n');
  assert.match(table[0]!, /^TOPIC\s+PARTITIONS\s+RETENTION\s+CLEANUP\s+SCHEMA\s+STATUS$/);
  assert.match(table[2]!, /^ns\.events\.v1\s+6\s+1 h\s+compact\s+io\.switchboard\.Event v1 \(id 7\)\s+6 partitions/);
  assert.match(table[3]!, /^ns\.deliveries\.v1\s+16\s+5 min\s+delete\s+.*missing on the broker$/);
});

test('retention in its largest whole unit', () => {
  assert.deepEqual([-1, 604_800_000, 3_600_000, 90_000, 1_500, 250].map(formatRetention), ['forever', '7 d', '1 h', '90 s', '1500 ms', '250 ms']);
});
