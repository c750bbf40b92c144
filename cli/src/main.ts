#!/usr/bin/env node
import { runCli } from './runCli';

const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // A second Ctrl-C does not wait for the clean stop.
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
    if (process.stderr.isTTY) process.stderr.write('\nstopping (Ctrl-C again to quit at once)\n');
  });
}
// `switchboard topics tail … | head` closes stdout early; that ends the command, it is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

runCli(
  process.argv.slice(2),
  {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    stderrIsTTY: process.stderr.isTTY === true,
    stderrColumns: process.stderr.columns,
  },
  { signal: controller.signal },
).then((code) => {
  // Clients may leave timers behind (kafkajs reconnects); the command is over once its output is written.
  process.stdout.write('', () => process.exit(code));
});
