import type { Command } from '../cli/command';

export const topicsTail: Command = {
  path: ['topics', 'tail'],
  summary: 'print a topic\'s records, decoded from Avro, as JSON lines',
  synopsis: ['topics tail <topic> [--from-beginning] [--follow] [--partition N] [--limit N]'],
  help: `Prints records of a topic as JSON lines on stdout: topic, partition, offset, timestamp (epoch ms),
key, headers, and the value decoded from Avro with the schema catalogue. Only committed records
are read (read_committed). Without --follow it stops at the end offsets it found when it started.
It joins no shared consumer group and commits nothing, so it never disturbs the services.

<topic> is a topic id (events, commands, deliveries, snapshots), resolved with the namespace, or a full name.

options:
  --from-beginning   start at the first record kept (default: at the end, new records only)
  --follow           keep printing new records until Ctrl-C
  --partition <n>    read only this partition
  --limit <n>        stop after n records
  --no-progress      no progress bar on stderr (one is shown when reading from the beginning)

example:
  switchboard topics tail events --from-beginning --limit 10 | jq .value.body`,
  options: {
    'from-beginning': { type: 'boolean' },
    follow: { type: 'boolean', short: 'f' },
    partition: { type: 'string' },
    limit: { type: 'string' },
    'no-progress': { type: 'boolean' },
  },
  positionals: { min: 1, max: 1, names: '<topic>' },
  run: (context) => (require('../actions/topicsTail') as typeof import('../actions/topicsTail')).runTopicsTail(context),
};
