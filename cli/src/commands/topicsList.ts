import type { Command } from '../cli/command';

export const topicsList: Command = {
  path: ['topics', 'list'],
  summary: 'list the namespace\'s topics, catalogue against broker',
  synopsis: ['topics list [--json]'],
  help: `Lists the platform's topics of the namespace as the catalogue (libs/kafka) declares them, with
their value schema from the schema catalogue, and compares each with the broker: partitions,
retention and cleanup policy. Topics on the broker under the namespace's prefix that the catalogue
does not know are listed too. STATUS is "ok" or names each difference.

options:
  --json   one JSON object per topic instead of the table

example:
  switchboard topics list --namespace switchboard`,
  options: { json: { type: 'boolean' } },
  positionals: { min: 0, max: 0, names: '' },
  run: (context) => (require('../actions/topicsList') as typeof import('../actions/topicsList')).runTopicsList(context),
};
