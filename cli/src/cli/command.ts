import type { OptionSpecs, ParsedArgs } from './parseCommandArgs';
import type { Settings } from './settings';

/** Where a command writes, and what it knows of its surroundings; injected so tests can capture it. */
export interface Io {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
  /** Whether stderr is a terminal, so a progress bar can redraw one line. */
  readonly stderrIsTTY: boolean;
  /** Width of that terminal, when it is one. */
  readonly stderrColumns?: number;
}

export interface CommandContext {
  readonly io: Io;
  readonly settings: Settings;
  readonly args: ParsedArgs;
  /** Aborted on Ctrl-C or SIGTERM; long-running commands stop cleanly when it fires. */
  readonly signal: AbortSignal;
  /** Whether kafkajs's own log lines should be shown (--verbose). */
  readonly verbose: boolean;
}

export interface Command {
  /** The words that name it: `['topics', 'tail']`. */
  readonly path: readonly string[];
  /** One line for the command list. */
  readonly summary: string;
  /** The synopsis lines after `usage:`, without the program name. */
  readonly synopsis: readonly string[];
  /** The rest of --help: what it does, its options, an example. */
  readonly help: string;
  readonly options: OptionSpecs;
  /** How many positional arguments it takes, for a usage error before any work. */
  readonly positionals: { readonly min: number; readonly max: number; readonly names: string };
  run(context: CommandContext): Promise<number>;
}
