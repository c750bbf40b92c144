import type { CommandContext } from '../cli/command';
import { requiredString } from '../cli/optionValues';
import { withClient } from '../gateway/connectClient';
import { checkUserId } from '../gateway/userToken';

export async function runGroupList(context: CommandContext): Promise<number> {
  const { args, io } = context;
  const userId = checkUserId(requiredString(args.values, 'as'), '--as');
  return withClient(context, userId, async (client) => {
    for (const c of client.conversations.filter((c) => c.kind === 'group')) {
      io.stdout.write(`${JSON.stringify({ conversationId: c.conversationId, name: c.name, lastSeq: c.lastSeq })}\n`);
    }
    return 0;
  });
}
