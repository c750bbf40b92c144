import { runChecked } from './process/runCommand';

/** Installs Debian packages non-interactively (the stack runs as root on development machines). */
export async function aptInstall(packages: readonly string[]): Promise<void> {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    await runChecked('apt-get', ['update'], { env });
    await runChecked('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { env });
  } catch (err) {
    throw new Error(`could not install ${packages.join(', ')} with apt-get (install it yourself and run up again): ${(err as Error).message}`, {
      cause: err,
    });
  }
}
