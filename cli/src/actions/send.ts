import { randomBytes } from 'node:crypto';
import { MAX_BODY_LENGTH } from '@switchboard/client';
import { CONTENT_TYPE } from '@switchboard/protocol';
import { failedError, usageError } from '../cli/cliError';
import type { CommandContext } from '../cli/command';
import { booleanOption, integerOption, requiredString, stringOption } from '../cli/optionValues';
import { checkConversationId } from '../gateway/checkConversationId';
import { withClient } from '../gateway/connectClient';
import { sendMany, type SendAck, type SendFailure } from '../gateway/sendMany';
import { checkUserId } from '../gateway/userToken';
import { formatRate } from '../progress/renderProgress';
import { createProgressReporter, progressMode } from '../progress/progressReporter';

export const MAX_COUNT = 1_000_000;
/** The gateway's default per-connection rate (GATEWAY_RATE_PER_SECOND). */
export const DEFAULT_RATE = 50;

export async function runSend(context: CommandContext): Promise<number> {
  const { args, io } = context;
  const userId = checkUserId(requiredString(args.values, 'as'), '--as');
  const target = sendTarget(stringOption(args.values, 'to'), stringOption(args.values, 'group'));
  const count = integerOption(args.values, 'count', { min: 1, max: MAX_COUNT }) ?? 1;
  const rate = integerOption(args.values, 'rate', { min: 1, max: 100_000 }) ?? DEFAULT_RATE;
  const contentType = stringOption(args.values, 'content-type') ?? 'text/plain';
  if (!CONTENT_TYPE.test(contentType)) throw usageError(`--content-type must look like type/subtype, got "${contentType}"`);
  const text = args.positionals.join(' ');
  const body = (index: number) => (count === 1 ? text : `${text} #${index + 1}`);
  if (text === '') throw usageError('<text> is empty');
  if (body(count - 1).length > MAX_BODY_LENGTH) throw usageError(`<text> is longer than ${MAX_BODY_LENGTH} characters`);
  const clientMsgIdPrefix = `cli-${randomBytes(6).toString('hex')}`;

  return withClient(context, userId, async (client) => {
    const progress = createProgressReporter({
      stream: io.stderr,
      mode: progressMode({ isTTY: io.stderrIsTTY, total: count > 1 ? count : 0, disabled: booleanOption(args.values, 'no-progress') }),
      label: 'sending',
      total: count,
      columns: io.stderrColumns,
    });
    const started = Date.now();
    const result = await sendMany({
      count,
      send: (index) => client.send({ ...target, body: body(index), contentType, clientMsgId: `${clientMsgIdPrefix}-${index + 1}` }),
      ratePerSecond: rate,
      signal: context.signal,
      onSettled: (settled) => progress.update(settled),
    }).finally(() => progress.finish());
    const acks = result.acks.filter((a): a is SendAck => a !== undefined);
    if (count === 1) {
      const failure = result.failures[0];
      if (failure) throw failedError(`${failure.code}: ${failure.message}`);
      if (!acks[0]) throw failedError('interrupted before the message was acknowledged');
      io.stdout.write(`${JSON.stringify(acks[0])}\n`);
      return 0;
    }
    io.stdout.write(`${summary(acks, count, result.failures, Date.now() - started)}\n`);
    return acks.length < count ? 1 : 0;
  });
}

function sendTarget(to: string | undefined, group: string | undefined): { to: string } | { conversationId: string } {
  if (to !== undefined && group !== undefined) throw usageError('give --to or --group, not both');
  if (to !== undefined) return { to: checkUserId(to, '--to') };
  if (group !== undefined) return { conversationId: checkConversationId(group, '--group') };
  throw usageError('missing --to <user> or --group <conversationId>');
}

/** `sent 100 of 100 messages to grp.… (seq 3-102) in 2.1 s, 47.6 messages/s`, then what failed. */
export function summary(acks: readonly SendAck[], count: number, failures: readonly SendFailure[], elapsedMs: number): string {
  const seqs = acks.map((a) => a.seq);
  const where = acks[0] ? ` to ${acks[0].conversationId} (seq ${Math.min(...seqs)}-${Math.max(...seqs)})` : '';
  const seconds = elapsedMs / 1000;
  const rate = seconds > 0 ? `, ${formatRate(acks.length / seconds)} messages/s` : '';
  let line = `sent ${acks.length} of ${count} messages${where} in ${seconds.toFixed(1)} s${rate}`;
  if (failures.length > 0) line += `; ${failures.length} failed (first: ${failures[0]!.code}: ${failures[0]!.message})`;
  const unsent = count - acks.length - failures.length;
  if (unsent > 0) line += `; ${unsent} not sent (interrupted)`;
  return line;
}
