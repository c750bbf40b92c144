import { CliError, messageOf } from './cli/cliError';
import type { Command, Io } from './cli/command';
import { EXIT_FAILED, EXIT_OK, EXIT_UNAVAILABLE, EXIT_USAGE } from './cli/exitCodes';
import { findCommand } from './cli/findCommand';
import { booleanOption } from './cli/optionValues';
import { parseCommandArgs } from './cli/parseCommandArgs';
import { GLOBAL_OPTIONS, resolveSettings } from './cli/settings';
import { PROGRAM, commandName, commandUsage, listUsage } from './cli/usage';
import { COMMANDS } from './commands';

/** Runs one command line and returns the exit status; never throws. */
export async function runCli(
  argv: readonly string[],
  io: Io,
  options: { signal?: AbortSignal; commands?: readonly Command[] } = {},
): Promise<number> {
  const commands = options.commands ?? COMMANDS;
  let name = PROGRAM;
  try {
    const found = findCommand(argv, commands, GLOBAL_OPTIONS);
    if (found.kind === 'none') return topLevel(argv, io, commands);
    if (found.kind === 'group') {
      name = `${PROGRAM} ${found.word}`;
      const usage = listUsage(found.subcommands, `usage: ${PROGRAM} ${found.word} <${found.subcommands.map((c) => c.path[1]).join('|')}> [options]`);
      if (argv.includes('--help') || argv.includes('-h')) return write(io.stdout, usage, EXIT_OK);
      return write(io.stderr, `${name}: missing subcommand (${found.subcommands.map((c) => c.path[1]).join(', ')})\n${usage}`, EXIT_USAGE);
    }
    const { command, rest } = found;
    name = commandName(command);
    const args = parseCommandArgs(rest, { ...GLOBAL_OPTIONS, ...command.options });
    if (booleanOption(args.values, 'help')) return write(io.stdout, commandUsage(command), EXIT_OK);
    checkPositionals(command, args.positionals);
    return await command.run({
      io,
      args,
      settings: resolveSettings(args.values, io.env),
      signal: options.signal ?? new AbortController().signal,
      verbose: booleanOption(args.values, 'verbose'),
    });
  } catch (err) {
    const { exitCode, message } = classify(err);
    const hint = exitCode === EXIT_USAGE ? ` (see '${name} --help')` : '';
    return write(io.stderr, `${name}: ${oneLine(message)}${hint}\n`, exitCode);
  }
}

function topLevel(argv: readonly string[], io: Io, commands: readonly Command[]): number {
  const args = parseCommandArgs(argv, GLOBAL_OPTIONS);
  if (booleanOption(args.values, 'help')) return write(io.stdout, listUsage(commands), EXIT_OK);
  return write(io.stderr, `${PROGRAM}: missing command\n${listUsage(commands)}`, EXIT_USAGE);
}

function checkPositionals(command: Command, positionals: readonly string[]): void {
  const { min, max, names } = command.positionals;
  if (positionals.length < min) throw new CliError(`missing ${names}`, EXIT_USAGE);
  if (positionals.length > max) {
    const extra = positionals.slice(max).map((p) => `"${p}"`).join(' ');
    throw new CliError(max === 0 ? `takes no arguments, got ${extra}` : `unexpected argument ${extra}`, EXIT_USAGE);
  }
}

/** Errors of the Kafka client that mean the cluster could not be reached or answered in time. */
function classify(err: unknown): { exitCode: number; message: string } {
  if (err instanceof CliError) return { exitCode: err.exitCode, message: err.message };
  const name = (err as { name?: unknown }).name;
  if (typeof name === 'string' && /^KafkaJS(Connection|NumberOfRetriesExceeded|RequestTimeout|BrokerNotFound)/.test(name)) {
    return { exitCode: EXIT_UNAVAILABLE, message: `Kafka is unavailable: ${messageOf(err)}` };
  }
  return { exitCode: EXIT_FAILED, message: messageOf(err) };
}

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, '; ');
}

function write(stream: NodeJS.WritableStream, text: string, code: number): number {
  stream.write(text);
  return code;
}
