import type { CommandContext } from '../cli/command';
import { requiredString } from '../cli/optionValues';
import { checkConversationId } from '../gateway/checkConversationId';
import { withClient } from '../gateway/connectClient';
import { checkUserId } from '../gateway/userToken';

export async function runMembership(action: 'add' | 'remove', context: CommandContext): Promise<number> {
  const { args, io } = context;
  const userId = checkUserId(requiredString(args.values, 'as'), '--as');
  const conversationId = checkConversationId(args.positionals[0] ?? '', '<conversationId>');
  const member = checkUserId(args.positionals[1] ?? '', '<member>');
  return withClient(context, userId, async (client) => {
    const result = action === 'add' ? await client.addMember(conversationId, member) : await client.removeMember(conversationId, member);
    io.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  });
}
