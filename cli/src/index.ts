/**
 * The `switchboard` command: development tokens, messages, groups and history over the gateway,
 * the platform's topics decoded from Kafka, and the local stack. docs/cli.md describes every command.
 *
 * @example
 * const code = await runCli(['topics', 'tail', 'events', '--from-beginning'], {
 *   stdout: process.stdout, stderr: process.stderr, env: process.env, stderrIsTTY: false,
 * });
 */
export { runCli } from './runCli';
export { COMMANDS } from './commands';
export type { Command, CommandContext, Io } from './cli/command';
export { EXIT_CONFIG, EXIT_FAILED, EXIT_NO_INPUT, EXIT_OK, EXIT_UNAVAILABLE, EXIT_USAGE } from './cli/exitCodes';
export { renderRecord } from './kafka/renderRecord';
export { toJsonSafe } from './kafka/jsonSafe';
export { renderProgress } from './progress/renderProgress';
