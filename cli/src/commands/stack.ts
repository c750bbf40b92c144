import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import { unavailableError } from '../cli/cliError';
import type { Command } from '../cli/command';
import { booleanOption } from '../cli/optionValues';

const ACTIONS = {
  up: 'start the local Kafka, Postgres and Redis, topics and database',
  down: 'stop what stack up started',
  status: 'show the local stack; exit 3 unless all of it is up',
} as const;

/** `stack up|down|status`: runs the local stack's own command (deploy/local) with the same words. */
function stackCommand(action: keyof typeof ACTIONS): Command {
  return {
    path: ['stack', action],
    summary: ACTIONS[action],
    synopsis: [`stack ${action} [--json]`],
    help: `Runs the local stack command of deploy/local (the same as npm run stack:${action}) and exits with its
status. --namespace sets the namespace whose topics it creates.

options:
  --json   the stack's report as JSON

example:
  switchboard stack ${action}`,
    options: { json: { type: 'boolean' } },
    positionals: { min: 0, max: 0, names: '' },
    run: async ({ args, io, settings }) => {
      const stackCli = join(dirname(require.resolve('@switchboard/stack/package.json')), 'dist', 'cli.js');
      if (!existsSync(stackCli)) throw unavailableError(`the stack command is not built (${stackCli}); run npm run build`);
      const env = { ...io.env, SWITCHBOARD_NAMESPACE: settings.namespace() };
      const child = spawn(process.execPath, [stackCli, action, ...(booleanOption(args.values, 'json') ? ['--json'] : [])], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.pipe(io.stdout, { end: false });
      child.stderr.pipe(io.stderr, { end: false });
      return new Promise<number>((resolve, reject) => {
        child.once('error', reject);
        child.once('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
      });
    },
  };
}

export const stackUp = stackCommand('up');
export const stackDown = stackCommand('down');
export const stackStatus = stackCommand('status');
