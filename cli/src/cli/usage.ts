import type { Command } from './command';
import { GLOBAL_HELP } from './settings';

export const PROGRAM = 'switchboard';

export function commandName(command: Command): string {
  return `${PROGRAM} ${command.path.join(' ')}`;
}

/** --help of one command. */
export function commandUsage(command: Command): string {
  const synopsis = command.synopsis.map((line, i) => `${i === 0 ? 'usage: ' : '       '}${PROGRAM} ${line}`).join('\n');
  return `${synopsis}\n\n${command.help.trimEnd()}\n\n${GLOBAL_HELP}\n`;
}

/** The command list, for `switchboard --help` or a group such as `switchboard topics --help`. */
export function listUsage(commands: readonly Command[], heading = `usage: ${PROGRAM} <command> [options]`): string {
  const rows = commands.map((c) => [c.synopsis[0] ?? c.path.join(' '), c.summary] as const);
  const width = Math.min(48, Math.max(...rows.map(([synopsis]) => synopsis.length)));
  const lines = rows.map(([synopsis, summary]) =>
    synopsis.length > width ? `  ${synopsis}\n  ${' '.repeat(width)}  ${summary}` : `  ${synopsis.padEnd(width)}  ${summary}`,
  );
  return `${heading}\n\ncommands:\n${lines.join('\n')}\n\nRun '${PROGRAM} <command> --help' for the options of a command.\n\n${GLOBAL_HELP}\n`;
}
