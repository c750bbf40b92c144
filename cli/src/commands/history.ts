import type { Command } from '../cli/command';

export const history: Command = {
  path: ['history'],
  summary: 'print a page of a conversation\'s events, oldest first',
  synopsis: ['history --as <user> <conversationId> [--limit N] [--before SEQ]'],
  help: `Prints the newest events of a conversation that <user> may read (or those before --before), one
JSON object per line, oldest first. When older events exist, stderr says how to page back.

options:
  --as <user>       the member reading
  --limit <n>       events per page, 1-500 (default 50)
  --before <seq>    only events before this sequence number

example:
  switchboard history --as bob grp.5f0c… --limit 20`,
  options: {
    as: { type: 'string' },
    limit: { type: 'string' },
    before: { type: 'string' },
  },
  positionals: { min: 1, max: 1, names: '<conversationId>' },
  run: (context) => (require('../actions/history') as typeof import('../actions/history')).runHistory(context),
};
