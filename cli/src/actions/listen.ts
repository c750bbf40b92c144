import type { CommandContext } from '../cli/command';
import { booleanOption, integerOption, requiredString } from '../cli/optionValues';
import { withClient } from '../gateway/connectClient';
import { checkUserId } from '../gateway/userToken';

export async function runListen(context: CommandContext): Promise<number> {
  const { args, io, signal } = context;
  const userId = checkUserId(requiredString(args.values, 'as'), '--as');
  const count = integerOption(args.values, 'count', { min: 1 });
  const replay = booleanOption(args.values, 'replay');
  return withClient(context, userId, async (client) => {
    let printed = 0;
    let enough!: () => void;
    const done = new Promise<void>((resolve) => (enough = resolve));
    const print = (frame: Record<string, unknown>) => {
      if (count !== undefined && printed >= count) return;
      io.stdout.write(`${JSON.stringify(frame)}\n`);
      printed += 1;
      if (count !== undefined && printed >= count) enough();
    };
    // The client resumes from the start of every conversation when it connects. What it hands over
    // before it is ready is the replay; after that, only events past each conversation's cursor
    // at that moment are new.
    let baseline: Map<string, number> | undefined;
    client.on('event', (event) => {
      if (!baseline) {
        if (replay) print({ type: 'event', event });
        return;
      }
      if (event.seq === null || event.seq > (baseline.get(event.conversationId) ?? 0)) print({ type: 'event', event });
    });
    client.on('typing', (notice) => baseline && print({ type: 'typing', ...notice }));
    client.on('signal', (notice) => baseline && print({ type: 'signal', ...notice }));
    await client.ready();
    baseline = new Map(client.conversations.map((c) => [c.conversationId, client.cursor(c.conversationId) ?? 0]));
    io.stderr.write(`listening as ${userId}; Ctrl-C stops\n`);
    if (count !== undefined && printed >= count) return 0;
    await Promise.race([done, new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }))]);
    return 0;
  });
}
