import { parseArgs } from 'node:util';
import { usageError } from './cliError';
import type { Command } from './command';
import type { OptionSpecs } from './parseCommandArgs';

export type Found =
  | { readonly kind: 'none' }
  | { readonly kind: 'group'; readonly word: string; readonly subcommands: readonly Command[] }
  | { readonly kind: 'command'; readonly command: Command; readonly rest: readonly string[] };

/**
 * Finds which command the arguments name. Options may come before the command words, so the
 * words are the first positionals once every known option (and its value) is set aside.
 */
export function findCommand(args: readonly string[], commands: readonly Command[], globalOptions: OptionSpecs): Found {
  const words = positionalTokens(args, allOptions(commands, globalOptions));
  const first = words[0];
  if (!first) return { kind: 'none' };
  const candidates = commands.filter((c) => c.path[0] === first.value);
  if (candidates.length === 0) {
    throw usageError(`unknown command "${first.value}" (commands: ${[...new Set(commands.map((c) => c.path[0]))].join(', ')})`);
  }
  const single = candidates.find((c) => c.path.length === 1);
  if (single) return { kind: 'command', command: single, rest: without(args, [first.index]) };
  const second = words[1];
  if (!second) return { kind: 'group', word: first.value, subcommands: candidates };
  const command = candidates.find((c) => c.path[1] === second.value);
  if (!command) {
    throw usageError(`unknown ${first.value} subcommand "${second.value}" (${candidates.map((c) => c.path[1]).join(', ')})`);
  }
  return { kind: 'command', command, rest: without(args, [first.index, second.index]) };
}

function allOptions(commands: readonly Command[], globalOptions: OptionSpecs): OptionSpecs {
  return Object.assign({}, globalOptions, ...commands.map((c) => c.options)) as OptionSpecs;
}

function positionalTokens(args: readonly string[], options: OptionSpecs): { value: string; index: number }[] {
  const { tokens } = parseArgs({ args: [...args], options: { ...options }, strict: false, allowPositionals: true, tokens: true });
  const words: { value: string; index: number }[] = [];
  for (const token of tokens) {
    if (token.kind === 'option-terminator') break;
    if (token.kind === 'positional') words.push({ value: token.value, index: token.index });
  }
  return words;
}

function without(args: readonly string[], indexes: readonly number[]): string[] {
  return args.filter((_, i) => !indexes.includes(i));
}
