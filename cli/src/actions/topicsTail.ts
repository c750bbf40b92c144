import { randomUUID } from 'node:crypto';
import type { Admin } from 'kafkajs';
import { noInputError, usageError } from '../cli/cliError';
import type { CommandContext } from '../cli/command';
import { booleanOption, integerOption } from '../cli/optionValues';
import { connectKafka } from '../kafka/connectKafka';
import { createRecordDecoder } from '../kafka/recordDecoder';
import { renderRecord } from '../kafka/renderRecord';
import { resolveTopic } from '../kafka/resolveTopic';
import { tailTopic, type PartitionWindow } from '../kafka/tailTopic';
import { createProgressReporter, progressMode } from '../progress/progressReporter';

export async function runTopicsTail(context: CommandContext): Promise<number> {
  const { args, io, settings } = context;
  const fromBeginning = booleanOption(args.values, 'from-beginning');
  const follow = booleanOption(args.values, 'follow');
  const partition = integerOption(args.values, 'partition', { min: 0 });
  const limit = integerOption(args.values, 'limit', { min: 1 });
  const namespace = settings.namespace();
  const topic = resolveTopic(args.positionals[0] ?? '', namespace);
  const brokers = settings.brokers();
  const kafka = await connectKafka({ brokers, security: settings.kafkaSecurity(), verbose: context.verbose, stderr: io.stderr });

  const windows = await readWindows(kafka.admin(), topic.name, brokers, { fromBeginning, partition });
  const total = windows.selected.reduce((sum, w) => sum + (w.to - w.from), 0);
  if (!follow && total === 0 && !fromBeginning) {
    io.stderr.write(`${topic.name}: no records after the end offsets; add --from-beginning or --follow\n`);
  }
  const progress = createProgressReporter({
    stream: io.stderr,
    mode: progressMode({ isTTY: io.stderrIsTTY, total, disabled: !fromBeginning || booleanOption(args.values, 'no-progress') }),
    label: topic.name,
    total,
    columns: io.stderrColumns,
  });
  const decode = createRecordDecoder(topic.spec?.id);
  const read = new Map<number, number>();
  let caughtUp = total === 0;
  let undecodable = 0;
  try {
    await tailTopic({
      kafka,
      topic: topic.name,
      groupId: `${namespace}.cli.tail.${randomUUID()}`,
      allPartitions: windows.all,
      windows: windows.selected,
      follow,
      limit,
      signal: context.signal,
      onRecord: (p, message) => {
        const outcome = decode(message.value);
        if (!outcome.ok) undecodable += 1;
        const line = renderRecord({ topic: topic.name, partition: p, ...message }, outcome);
        io.stdout.write(`${JSON.stringify(line)}\n`);
      },
      onPosition: (p, next) => {
        const window = windows.selected.find((w) => w.partition === p);
        if (!window || caughtUp) return;
        read.set(p, Math.min(next, window.to) - window.from);
        const done = [...read.values()].reduce((a, b) => a + b, 0);
        progress.update(done);
        // Following goes on past the end offsets; the bar has nothing more to say.
        if (done >= total) {
          caughtUp = true;
          progress.finish();
        }
      },
      onReading: () => {
        if (follow) io.stderr.write(`${topic.name}: following${fromBeginning ? ' from the beginning' : ' new records'}; Ctrl-C stops\n`);
      },
    });
  } finally {
    if (!caughtUp) progress.finish();
  }
  if (undecodable > 0) io.stderr.write(`${topic.name}: ${undecodable} record(s) could not be decoded; see their "error" field\n`);
  return 0;
}

async function readWindows(
  admin: Admin,
  topic: string,
  brokers: readonly string[],
  options: { fromBeginning: boolean; partition: number | undefined },
): Promise<{ all: number[]; selected: PartitionWindow[] }> {
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(topic)) throw noInputError(`no topic ${topic} on Kafka at ${brokers.join(',')}`);
    const offsets = (await admin.fetchTopicOffsets(topic)).sort((a, b) => a.partition - b.partition);
    const all = offsets.map((o) => o.partition);
    if (options.partition !== undefined && !all.includes(options.partition)) {
      throw usageError(`--partition ${options.partition} is out of range: ${topic} has partitions 0-${all.length - 1}`);
    }
    const selected = offsets
      .filter((o) => options.partition === undefined || o.partition === options.partition)
      .map((o) => ({ partition: o.partition, from: Number(options.fromBeginning ? o.low : o.high), to: Number(o.high) }));
    return { all, selected };
  } finally {
    await admin.disconnect();
  }
}

