import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ROOT } from './helpers/platform';
import { checkEnvironment, checkPods, parseObjects, type K8sObject } from './helpers/manifests';

// Renders and lints the chart with helm 3.21 (helm-java from Maven Central) and holds every
// rendered object to the Kubernetes API models (client-java, generated from the Kubernetes
// OpenAPI spec; unknown fields refused): scripts/helm.mjs fetches both on first use into
// .stack/tools and fails with the reason when it cannot.
const CHART = 'deploy/helm/switchboard';
const PRODUCTION = 'deploy/helm/values/production.yaml';
const SECRETS = ['--set', 'secrets.jwtSecret=a-test-secret-of-at-least-32-bytes-0123', '--set', 'secrets.databaseUrl=postgres://switchboard:pw@postgres:5432/switchboard'];
const scratch = mkdtempSync(join(tmpdir(), 'chart-test-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

function node(script: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(ROOT, script), ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function helm(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return node('scripts/helm.mjs', args);
}

/** Renders the chart, validates every object, and returns them; `cluster` holds the objects helm's lookup finds. */
function render(args: string[], cluster: K8sObject[] = []): K8sObject[] {
  const clusterFile = join(scratch, `cluster-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(clusterFile, cluster.map((o) => stringify(o)).join('---\n'));
  const { status, stdout, stderr } = helm(['template', CHART, 'switchboard', 'chat', ...args, '--cluster', clusterFile, '--validate']);
  assert.equal(status, 0, `helm template ${args.join(' ')} failed or rendered invalid objects:\n${stderr}`);
  return parseObjects(stdout);
}

function find(objects: readonly K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  assert.ok(found, `${kind} ${name} is not rendered`);
  return found;
}

function podAnnotations(objects: readonly K8sObject[], deployment: string): Record<string, string> {
  return find(objects, 'Deployment', deployment).spec.template.metadata.annotations;
}

test('the tools are there: helm 3.21 through helm-java', () => {
  const { status, stdout, stderr } = helm(['version']);
  assert.equal(status, 0, stderr);
  assert.match(stdout.trim(), /^v3\.21\./);
});

test('the chart lints clean with --strict', () => {
  const { status, stdout, stderr } = helm(['lint', CHART]);
  assert.equal(status, 0, `${stdout}${stderr}`);
  assert.doesNotMatch(stdout, /\[(WARNING|ERROR)\]/);
});

test('the validator refuses an unknown field, a wrong type and a kind it has no schema for', () => {
  const file = join(scratch, 'invalid.yaml');
  writeFileSync(
    file,
    [
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'a' }, spec: { ports: [{ port: 80, targetPrt: 'http' }] } },
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'b' }, spec: { replicas: '3', selector: {}, template: {} } },
      { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: { name: 'c' }, spec: {} },
    ]
      .map((o) => stringify(o))
      .join('---\n'),
  );
  const { status, stderr } = helm(['validate', file]);
  assert.equal(status, 2);
  assert.match(stderr, /Service\/a: spec\.ports\[0\]\.targetPrt is not a field of V1ServicePort/);
  assert.match(stderr, /Deployment\/b: spec\.replicas must be an integer/);
  assert.match(stderr, /ScaledObject\/c: no Kubernetes schema/);
});

test('with default values the chart renders valid objects: restricted pods, a migration Job before the persisters, settings read by their services', () => {
  const objects = render(SECRETS);
  checkEnvironment(objects, 'default values');
  checkPods(objects, 'default values');
  const serviceAccount = find(objects, 'ServiceAccount', 'switchboard');
  assert.equal(serviceAccount.automountServiceAccountToken, false);
  for (const name of ['gateway', 'router', 'persister']) {
    assert.equal(find(objects, 'Deployment', `switchboard-${name}`).spec.template.spec.serviceAccountName, 'switchboard');
  }
  const migrate = find(objects, 'Job', 'switchboard-migrate');
  assert.equal(migrate.metadata.annotations['helm.sh/hook'], 'pre-install,pre-upgrade');
  assert.deepEqual(migrate.spec.template.spec.containers[0].command, ['node', 'services/persister/dist/bin/migrate.js']);
  assert.equal(find(objects, 'ConfigMap', 'switchboard-persister').data.PERSISTER_MIGRATE, 'off');
  // The Job reads the Secret before install creates ordinary objects: the Secret is an earlier hook.
  const secret = find(objects, 'Secret', 'switchboard-secrets');
  assert.ok(Number(secret.metadata.annotations['helm.sh/hook-weight']) < Number(migrate.metadata.annotations['helm.sh/hook-weight'] ?? 0));
  assert.equal(find(objects, 'Deployment', 'switchboard-router').spec.strategy.type, 'RollingUpdate');
  for (const kind of ['Ingress', 'HorizontalPodAutoscaler', 'ServiceMonitor']) assert.ok(!objects.some((o) => o.kind === kind), `${kind} is off by default`);

  const withoutJob = render([...SECRETS, '--set', 'migrations.job=false']);
  assert.ok(!withoutJob.some((o) => o.kind === 'Job' && o.metadata.name === 'switchboard-migrate'));
  assert.equal(find(withoutJob, 'ConfigMap', 'switchboard-persister').data.PERSISTER_MIGRATE, 'auto');
});

test('with production-like values the chart renders valid objects, with ingress, gateway autoscaling and a ServiceMonitor', () => {
  const objects = render(['--values', PRODUCTION]);
  checkEnvironment(objects, 'production values', ['switchboard-credentials']);
  checkPods(objects, 'production values');
  const gateway = find(objects, 'Deployment', 'switchboard-gateway');
  assert.equal(gateway.spec.replicas, undefined, 'the autoscaler owns the replica count');
  assert.equal(find(objects, 'HorizontalPodAutoscaler', 'switchboard-gateway').spec.scaleTargetRef.name, 'switchboard-gateway');
  assert.ok(!objects.some((o) => o.kind === 'HorizontalPodAutoscaler' && o.metadata.name !== 'switchboard-gateway'), 'only the gateway scales automatically');
  assert.equal(find(objects, 'Ingress', 'switchboard-gateway').spec.tls[0].secretName, 'chat-ws-tls');
  assert.equal(find(objects, 'ServiceMonitor', 'switchboard').spec.endpoints[0].path, '/metrics');
  assert.equal(gateway.spec.template.spec.terminationGracePeriodSeconds, 30 + 5 + 10);
  assert.match(gateway.spec.template.spec.containers[0].image, /@sha256:[0-9a-f]{64}$/);
  assert.ok(!objects.some((o) => o.kind === 'Secret'), 'an existing Secret is used, none is created');
});

test('values.schema.json refuses misspelt and invalid values', () => {
  const cases: Array<[string, RegExp]> = [
    ['gateway.replcas=3', /additional properties 'replcas' not allowed/],
    ['persistr.replicas=3', /additional properties 'persistr' not allowed/],
    ['router.partitionsPerTransaction=5', /partitionsPerTransaction/],
    ['router.env.ROUTER_PARTITIONS_PER_TRANSACTION=4', /ROUTER_PARTITIONS_PER_TRANSACTION/],
    ['secrets.jwtSecret=too-short', /jwtSecret/],
  ];
  for (const [setting, message] of cases) {
    const { status, stderr } = helm(['template', CHART, 'switchboard', 'chat', ...SECRETS, '--set', setting]);
    assert.equal(status, 1, `${setting} was accepted`);
    assert.match(stderr, /values don't meet the specifications of the schema/);
    assert.match(stderr, message);
  }
});

function runningRouter(annotation: string | undefined, env: Array<{ name: string; value: string }> = []): K8sObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'switchboard-router', namespace: 'chat', annotations: annotation ? { 'switchboard.io/partitions-per-transaction': annotation } : {} },
    spec: { template: { spec: { containers: [{ name: 'router', env }] } } },
  };
}

test('the routers are recreated when their block size changes, and roll otherwise', () => {
  const strategy = (args: string[], cluster: K8sObject[]) => find(render([...SECRETS, ...args], cluster), 'Deployment', 'switchboard-router').spec.strategy.type;
  assert.equal(strategy(['--set', 'router.partitionsPerTransaction=4'], [runningRouter('12')]), 'Recreate');
  assert.equal(strategy(['--set', 'router.partitionsPerTransaction=4'], [runningRouter('4')]), 'RollingUpdate');
  assert.equal(strategy([], []), 'RollingUpdate', 'a first install has nothing to roll');
  // Routers of an older release carry no annotation: their env, or the service default (12).
  assert.equal(strategy(['--set', 'router.partitionsPerTransaction=4'], [runningRouter(undefined)]), 'Recreate');
  assert.equal(strategy(['--set', 'router.partitionsPerTransaction=4'], [runningRouter(undefined, [{ name: 'ROUTER_PARTITIONS_PER_TRANSACTION', value: '4' }])]), 'RollingUpdate');
  assert.equal(strategy(['--set', 'router.updateStrategy=Recreate'], [runningRouter('12')]), 'Recreate');
});

test('pods restart when their settings or the secrets they read change, and only then', () => {
  const base = render(SECRETS);
  const otherLogLevel = render([...SECRETS, '--set', 'logLevel=debug']);
  for (const name of ['gateway', 'router', 'persister']) {
    assert.notEqual(podAnnotations(base, `switchboard-${name}`)['checksum/config'], podAnnotations(otherLogLevel, `switchboard-${name}`)['checksum/config'], name);
  }
  const otherJwt = render([...SECRETS, '--set', 'secrets.jwtSecret=another-test-secret-of-at-least-32-bytes']);
  assert.notEqual(podAnnotations(base, 'switchboard-gateway')['checksum/secret'], podAnnotations(otherJwt, 'switchboard-gateway')['checksum/secret']);
  assert.deepEqual(podAnnotations(base, 'switchboard-persister'), podAnnotations(otherJwt, 'switchboard-persister'), 'the persister does not read JWT_SECRET');
  assert.deepEqual(podAnnotations(base, 'switchboard-router'), podAnnotations(otherJwt, 'switchboard-router'));

  // An existing Secret is read from the cluster at upgrade.
  const existing = (jwt: string): K8sObject => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'credentials', namespace: 'chat' },
    data: { JWT_SECRET: Buffer.from(jwt).toString('base64'), DATABASE_URL: Buffer.from('postgres://x@db/sb').toString('base64') },
  });
  const before = render(['--set', 'secrets.existingSecret=credentials'], [existing('first-secret-of-at-least-32-bytes-long')]);
  const after = render(['--set', 'secrets.existingSecret=credentials'], [existing('rotated-secret-of-at-least-32-bytes-long')]);
  assert.notEqual(podAnnotations(before, 'switchboard-gateway')['checksum/secret'], podAnnotations(after, 'switchboard-gateway')['checksum/secret']);
  assert.equal(podAnnotations(before, 'switchboard-persister')['checksum/secret'], podAnnotations(after, 'switchboard-persister')['checksum/secret']);
});

test('k8s/ is exactly the chart rendered with deploy/helm/values/k8s.yaml', () => {
  const { status, stderr } = node('scripts/render-k8s.mjs', ['--check']);
  assert.equal(status, 0, stderr);
});
