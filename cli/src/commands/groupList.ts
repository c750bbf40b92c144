import type { Command } from '../cli/command';

export const groupList: Command = {
  path: ['group', 'list'],
  summary: 'list the groups a user belongs to',
  synopsis: ['group list --as <user>'],
  help: `Prints one JSON object per group <user> belongs to: {"conversationId","name","lastSeq"}. The list
comes from a sync from the start (the protocol has no other listing), so it also reads the
conversations' events; they are not printed.

options:
  --as <user>   whose groups

example:
  switchboard group list --as bob`,
  options: { as: { type: 'string' } },
  positionals: { min: 0, max: 0, names: '' },
  run: (context) => (require('../actions/groupList') as typeof import('../actions/groupList')).runGroupList(context),
};
