import type { Command } from '../cli/command';

/** `group add` and `group remove`: one membership change, answered with its seq. */
function membershipCommand(action: 'add' | 'remove'): Command {
  const verb = action === 'add' ? 'adds <member> to' : 'removes <member> from';
  return {
    path: ['group', action],
    summary: action === 'add' ? 'add a member to a group' : 'remove a member from a group (yourself to leave)',
    synopsis: [`group ${action} --as <user> <conversationId> <member>`],
    help: `As <user>, ${verb} the group, and prints {"conversationId","seq"} as JSON.${
      action === 'remove' ? '\nAny member may remove themselves; only the creator may remove others.' : ''
    }

options:
  --as <user>   who makes the change

example:
  switchboard group ${action} --as alice grp.5f0c… dave`,
    options: { as: { type: 'string' } },
    positionals: { min: 2, max: 2, names: '<conversationId> <member>' },
    run: (context) => (require('../actions/groupMembership') as typeof import('../actions/groupMembership')).runMembership(action, context),
  };
}

export const groupAdd = membershipCommand('add');
export const groupRemove = membershipCommand('remove');
