import { parseArgs } from 'node:util';
import { usageError } from './cliError';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;
export type OptionValues = Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;

export interface ParsedArgs {
  readonly values: OptionValues;
  readonly positionals: readonly string[];
}

/**
 * Strict parsing with node:util's parseArgs; its multi-sentence errors become one line that names
 * the offending option, as every usage error of the command does.
 */
export function parseCommandArgs(args: readonly string[], options: OptionSpecs): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({ args: [...args], options: { ...options }, strict: true, allowPositionals: true });
    return { values: { ...values } as OptionValues, positionals };
  } catch (err) {
    throw usageError(describeParseError(err));
  }
}

export function describeParseError(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  const message = err instanceof Error ? err.message : String(err);
  // "Option '-f, --follow' does not take an argument": name the long form when both are given.
  const option = /'(?:-\w, )?(-{1,2}[^', ]+)/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return `unknown option ${option}`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
    return /does not take an argument/.test(message) ? `option ${option} takes no value` : `option ${option} needs a value`;
  }
  return message.split('\n')[0] ?? message;
}
