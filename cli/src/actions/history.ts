import { MAX_HISTORY_PAGE } from '@switchboard/client';
import type { CommandContext } from '../cli/command';
import { integerOption, requiredString } from '../cli/optionValues';
import { checkConversationId } from '../gateway/checkConversationId';
import { withClient } from '../gateway/connectClient';
import { checkUserId } from '../gateway/userToken';

export async function runHistory(context: CommandContext): Promise<number> {
  const { args, io } = context;
  const userId = checkUserId(requiredString(args.values, 'as'), '--as');
  const conversationId = checkConversationId(args.positionals[0] ?? '', '<conversationId>');
  const limit = integerOption(args.values, 'limit', { min: 1, max: MAX_HISTORY_PAGE }) ?? 50;
  const before = integerOption(args.values, 'before', { min: 1 });
  return withClient(context, userId, async (client) => {
    const page = await client.history(conversationId, { limit, ...(before === undefined ? {} : { before }) });
    for (const event of page.events) io.stdout.write(`${JSON.stringify(event)}\n`);
    const first = page.events[0]?.seq;
    if (page.hasMore && typeof first === 'number') io.stderr.write(`older events exist: add --before ${first}\n`);
    return 0;
  });
}
