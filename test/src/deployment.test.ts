import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import { ROOT } from './helpers/platform';

const K8S = join(ROOT, 'k8s');
const CHART = join(ROOT, 'deploy', 'helm', 'switchboard');
/** Variables read by the process itself rather than by a service's configuration. */
const RUNTIME_VARIABLES = new Set(['NODE_OPTIONS']);
const TOPICS_JOB_VARIABLES = new Set(['SWITCHBOARD_NAMESPACE', 'KAFKA_BROKERS', 'TOPIC_REPLICATION_FACTOR']);
/** The services stop within this long after SIGTERM (libs/telemetry onShutdownSignal). */
const SHUTDOWN_GRACE_S = 25;

/** Setting names per service, from docs/configuration.md (a test keeps that file generated from the code). */
function settingsByService(): Map<string, Set<string>> {
  const doc = readFileSync(join(ROOT, 'docs', 'configuration.md'), 'utf8');
  const byService = new Map<string, Set<string>>();
  let current: Set<string> | undefined;
  for (const line of doc.split('\n')) {
    const heading = /^## (\w+)/.exec(line);
    if (heading) byService.set(heading[1]!, (current = new Set()));
    const row = /^\| `([A-Z0-9_]+)` \|/.exec(line);
    if (row && current) current.add(row[1]!);
  }
  return byService;
}

function serviceOf(command: readonly string[]): string | undefined {
  return /services\/(\w+)\/dist\/main\.js/.exec(command.join(' '))?.[1];
}

type Doc = Record<string, any>;

function k8sObjects(): Doc[] {
  return readdirSync(K8S)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .flatMap((f) => parseAllDocuments(readFileSync(join(K8S, f), 'utf8')).map((d) => d.toJS() as Doc));
}

test('the kustomization lists every manifest in k8s/, and each exists', () => {
  const kustomization = parse(readFileSync(join(K8S, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
  const files = readdirSync(K8S).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml').sort();
  assert.deepEqual([...kustomization.resources].sort(), files);
});

test('every container in k8s/ sets only variables its service reads, from config or secret objects that exist', () => {
  const settings = settingsByService();
  const objects = k8sObjects();
  const configMaps = new Map(objects.filter((o) => o.kind === 'ConfigMap').map((o) => [o.metadata.name, o.data as Record<string, string>]));
  const secrets = new Map(objects.filter((o) => o.kind === 'Secret').map((o) => [o.metadata.name, o.stringData as Record<string, string>]));
  const workloads = objects.filter((o) => o.kind === 'Deployment' || o.kind === 'Job');
  assert.equal(workloads.length, 4, 'three services and the topics job');
  for (const workload of workloads) {
    for (const container of workload.spec.template.spec.containers as Doc[]) {
      const service = serviceOf(container.command);
      const allowed = service ? settings.get(service) : TOPICS_JOB_VARIABLES;
      assert.ok(allowed, `${workload.metadata.name}: unknown service in ${container.command.join(' ')}`);
      const names: string[] = [];
      for (const from of (container.envFrom ?? []) as Doc[]) {
        const data = configMaps.get(from.configMapRef.name);
        assert.ok(data, `${workload.metadata.name}: ConfigMap ${from.configMapRef.name} is not in k8s/`);
        // A shared ConfigMap may carry settings another service reads; each must be read by someone.
        for (const key of Object.keys(data)) {
          assert.ok([...settings.values()].some((s) => s.has(key)) || TOPICS_JOB_VARIABLES.has(key), `ConfigMap key ${key} is read by no service`);
        }
        names.push(...Object.keys(data).filter((k) => allowed.has(k)));
      }
      for (const variable of (container.env ?? []) as Doc[]) {
        names.push(variable.name);
        const ref = variable.valueFrom?.secretKeyRef ?? variable.valueFrom?.configMapKeyRef;
        if (ref) {
          const source = variable.valueFrom.secretKeyRef ? secrets.get(ref.name) : configMaps.get(ref.name);
          assert.ok(source && ref.key in source, `${workload.metadata.name}: ${variable.name} refers to ${ref.name}/${ref.key}, which does not exist`);
        }
      }
      for (const name of names) {
        assert.ok(allowed.has(name) || RUNTIME_VARIABLES.has(name), `${workload.metadata.name} sets ${name}, which ${service ?? 'the topics job'} does not read`);
      }
    }
  }
});

test('every service in k8s/ has probes on a declared port, resources, and time to shut down gracefully', () => {
  for (const deployment of k8sObjects().filter((o) => o.kind === 'Deployment')) {
    const pod = deployment.spec.template.spec;
    assert.ok(pod.terminationGracePeriodSeconds > SHUTDOWN_GRACE_S, `${deployment.metadata.name}: grace period must exceed the services' ${SHUTDOWN_GRACE_S} s`);
    for (const container of pod.containers as Doc[]) {
      const ports = new Set((container.ports as Doc[]).map((p) => p.name));
      for (const probe of ['readinessProbe', 'livenessProbe']) {
        assert.ok(ports.has(container[probe]?.httpGet?.port), `${deployment.metadata.name}: ${probe} must use a declared port`);
      }
      assert.equal(container.readinessProbe.httpGet.path, '/readyz');
      assert.equal(container.livenessProbe.httpGet.path, '/healthz');
      assert.ok(container.resources?.requests?.memory && container.resources?.limits?.memory, `${deployment.metadata.name}: memory requests and limits`);
      assert.equal(container.securityContext?.allowPrivilegeEscalation, false);
    }
  }
});

/** `.Values.a.b` paths used by the chart's templates. */
function valuePaths(template: string): string[] {
  return [...template.matchAll(/\.Values((?:\.[A-Za-z0-9_]+)+)/g)].map((m) => m[1]!.slice(1));
}

test('the helm chart uses only values it declares, and sets only variables its services read', () => {
  const values = parse(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as Doc;
  const settings = settingsByService();
  const templates = readdirSync(join(CHART, 'templates'));
  for (const file of ['gateway.yaml', 'router.yaml', 'persister.yaml', 'topics-job.yaml', 'secret.yaml']) assert.ok(templates.includes(file), file);
  for (const file of templates) {
    const text = readFileSync(join(CHART, 'templates', file), 'utf8');
    for (const path of valuePaths(text)) {
      let node: unknown = values;
      for (const key of path.split('.')) node = (node as Doc | undefined)?.[key];
      assert.notEqual(node, undefined, `${file} uses .Values.${path}, which values.yaml does not declare`);
    }
    const service = /services\/(\w+)\/dist\/main\.js/.exec(text)?.[1];
    if (!service) continue;
    const allowed = settings.get(service)!;
    const helpers = readFileSync(join(CHART, 'templates', '_helpers.tpl'), 'utf8');
    const common = [...helpers.matchAll(/name: ([A-Z0-9_]+),/g)].map((m) => m[1]!);
    const own = [...text.matchAll(/name: ([A-Z0-9_]+),/g)].map((m) => m[1]!);
    for (const name of [...common, ...own]) {
      assert.ok(allowed.has(name) || RUNTIME_VARIABLES.has(name), `chart ${file} sets ${name}, which ${service} does not read`);
    }
  }
  assert.ok(existsSync(join(CHART, 'Chart.yaml')));
});
