import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian's Chromium, which the browser tests drive with playwright-core. */
export const CHROMIUM = '/usr/bin/chromium';

function aptGet(args: string[]): { ok: boolean; output: string } {
  const result = spawnSync('apt-get', args, {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    encoding: 'utf8',
    timeout: 15 * 60_000,
  });
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}` };
}

/**
 * The path of Chromium, installed from Debian's packages first when it is missing (as root; a
 * second call finds it and does nothing). Throws saying what to do when it cannot be installed.
 */
export function ensureChromium(): string {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  if (process.getuid?.() !== 0) {
    throw new Error(`${CHROMIUM} is missing and the tests do not run as root, so they cannot install it: run "sudo apt-get install -y chromium"`);
  }
  process.stderr.write(`browser tests: installing Chromium (apt-get install -y chromium)\n`);
  let install = aptGet(['install', '-y', 'chromium']);
  if (!install.ok) {
    // A fresh machine may not have read the package lists yet.
    const update = aptGet(['update']);
    install = update.ok ? aptGet(['install', '-y', 'chromium']) : update;
  }
  if (!install.ok || !existsSync(CHROMIUM)) {
    throw new Error(`could not install Chromium with apt-get (needed at ${CHROMIUM}):\n${install.output.slice(-4000)}`);
  }
  return CHROMIUM;
}
