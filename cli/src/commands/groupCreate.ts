import type { Command } from '../cli/command';

export const groupCreate: Command = {
  path: ['group', 'create'],
  summary: 'create a group with a name and members',
  synopsis: ['group create --as <user> <name> [<member>...]'],
  help: `Creates a group named <name> whose members are <user> (the creator) and each <member>, and
prints {"conversationId","seq"} as JSON.

options:
  --as <user>   the creator

example:
  switchboard group create --as alice "Team" bob carol`,
  options: { as: { type: 'string' } },
  positionals: { min: 1, max: Number.MAX_SAFE_INTEGER, names: '<name>' },
  run: (context) => (require('../actions/groupCreate') as typeof import('../actions/groupCreate')).runGroupCreate(context),
};
