import { MAX_GROUP_NAME_LENGTH } from '@switchboard/client';
import { usageError } from '../cli/cliError';
import type { CommandContext } from '../cli/command';
import { requiredString } from '../cli/optionValues';
import { withClient } from '../gateway/connectClient';
import { checkUserId } from '../gateway/userToken';

export async function runGroupCreate(context: CommandContext): Promise<number> {
  const { args, io } = context;
  const userId = checkUserId(requiredString(args.values, 'as'), '--as');
  const [name = '', ...members] = args.positionals;
  if (name.trim() === '' || name.length > MAX_GROUP_NAME_LENGTH) throw usageError(`<name> must be 1-${MAX_GROUP_NAME_LENGTH} characters`);
  for (const member of members) checkUserId(member, '<member>');
  return withClient(context, userId, async (client) => {
    io.stdout.write(`${JSON.stringify(await client.createGroup(name, members))}\n`);
    return 0;
  });
}
