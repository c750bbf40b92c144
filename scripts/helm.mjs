// Runs helm (3.21, through helm-java from Maven Central) and the Kubernetes schema validator on the
// chart: deploy/helm/check/ChartCheck.java says what each command does.
//   node scripts/helm.mjs lint deploy/helm/switchboard
//   node scripts/helm.mjs template deploy/helm/switchboard <release> <namespace> [--values F] [--set K=V] [--validate]
// The first run copies the jars named by deploy/helm/check/pom.xml into
// .stack/tools/helm-check/<digest of pom and source> with Maven and compiles the checker; later
// runs reuse them. Needs Java 17 and Maven, and Maven Central on the first run.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { root } from './ensure.mjs';

const checkDir = join(root, 'deploy', 'helm', 'check');

function fail(message) {
  throw new Error(`chart tools: ${message}`);
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) fail(`${command} could not be started (${result.error.message}); the chart checks need Java 17 and Maven`);
  return result;
}

/** Fetches and compiles what the checks run on, once per version of the pom and the checker. */
export function ensureChartTools() {
  const pom = readFileSync(join(checkDir, 'pom.xml'));
  const source = readFileSync(join(checkDir, 'ChartCheck.java'));
  const digest = createHash('sha256').update(pom).update(source).digest('hex').slice(0, 16);
  const dir = join(root, '.stack', 'tools', 'helm-check', digest);
  if (existsSync(join(dir, 'ready'))) return dir;
  mkdirSync(join(root, '.stack', 'tools', 'helm-check'), { recursive: true });
  // Built aside and renamed into place, so that concurrent first runs never see half a tool.
  const scratch = mkdtempSync(`${dir}.partial-`);
  try {
    const mvn = run('mvn', ['-q', '-B', '-f', join(checkDir, 'pom.xml'), 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${join(scratch, 'lib')}`]);
    if (mvn.status !== 0) fail(`fetching helm-java and the Kubernetes models from Maven Central failed (mvn exited ${mvn.status}):\n${mvn.stdout}${mvn.stderr}`);
    const javac = run('javac', ['-d', join(scratch, 'classes'), '-cp', `${join(scratch, 'lib')}/*`, join(checkDir, 'ChartCheck.java')]);
    if (javac.status !== 0) fail(`compiling ChartCheck.java failed:\n${javac.stdout}${javac.stderr}`);
    writeFileSync(join(scratch, 'ready'), `${new Date().toISOString()}\n`);
    try {
      renameSync(scratch, dir);
    } catch (err) {
      if (!existsSync(join(dir, 'ready'))) throw err;
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return dir;
}

/** Runs ChartCheck with the arguments; returns { status, stdout, stderr }. */
export function chartCheck(args) {
  const dir = ensureChartTools();
  // The stand-in cluster that answers helm's lookup writes its address here (ChartCheck.java).
  const scratch = mkdtempSync(join(tmpdir(), 'chart-check-'));
  try {
    const result = spawnSync('java', ['-cp', `${join(dir, 'classes')}:${join(dir, 'lib')}/*`, 'ChartCheck', ...args], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, KUBECONFIG: join(scratch, 'kubeconfig') },
    });
    if (result.error) fail(`java could not be started (${result.error.message})`);
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { status, stdout, stderr } = chartCheck(process.argv.slice(2));
  process.stdout.write(stdout);
  process.stderr.write(stderr);
  process.exit(status ?? 1);
}
