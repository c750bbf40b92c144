import type { CommandContext } from '../cli/command';
import { stringOption } from '../cli/optionValues';
import { parseDuration } from '../cli/parseDuration';
import { checkUserId, userToken } from '../gateway/userToken';

export async function runToken({ args, io }: CommandContext): Promise<number> {
  const userId = checkUserId(args.positionals[0] ?? '', '<user>');
  const ttlText = stringOption(args.values, 'ttl');
  const ttlSec = ttlText === undefined ? 3600 : parseDuration(ttlText, '--ttl');
  io.stdout.write(`${userToken(io.env, userId, ttlSec)}\n`);
  return 0;
}
