import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { migrateSpec } from '@switchboard/persister/dist/bin/migrateSpec';
import { ROOT } from './platform';

/** Kubernetes objects of a rendering or of k8s/, read as plain data. */
export type K8sObject = Record<string, any>;

/** Variables read by Node itself rather than by a service's configuration. */
export const RUNTIME_VARIABLES = new Set(['NODE_OPTIONS', 'NODE_EXTRA_CA_CERTS']);
const TOPICS_JOB_VARIABLES = new Set(['SWITCHBOARD_NAMESPACE', 'KAFKA_BROKERS', 'TOPIC_REPLICATION_FACTOR']);
/** A pod's grace period leaves this much after the service's own deadline (the chart's killMarginSeconds). */
export const KILL_MARGIN_S = 10;

export function parseObjects(yaml: string): K8sObject[] {
  return parseAllDocuments(yaml)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null && typeof o === 'object');
}

/** Setting names per service, from docs/configuration.md (a test keeps that file generated from the code). */
export function settingsByService(): Map<string, Set<string>> {
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

/** What a container's command reads: a service's settings, or those of the topics or migration command. */
function variablesReadBy(command: readonly string[]): { reader: string; variables: Set<string> } {
  const line = command.join(' ');
  const service = /services\/(\w+)\/dist\/main\.js/.exec(line)?.[1];
  if (service) {
    const variables = settingsByService().get(service);
    assert.ok(variables, `no settings documented for ${service}`);
    return { reader: service, variables };
  }
  if (line.includes('services/persister/dist/bin/migrate.js')) return { reader: 'the migration command', variables: new Set(Object.keys(migrateSpec)) };
  if (line.includes('libs/kafka/dist/bin/ensureTopics.js')) return { reader: 'the topics command', variables: TOPICS_JOB_VARIABLES };
  assert.fail(`unknown command ${line}`);
}

export function workloads(objects: readonly K8sObject[]): K8sObject[] {
  return objects.filter((o) => o.kind === 'Deployment' || o.kind === 'Job');
}

/**
 * Every container sets only variables its command reads (from ConfigMaps it loads whole, its own
 * env, and Secret or ConfigMap keys), and every object it refers to exists with that key.
 */
export function checkEnvironment(objects: readonly K8sObject[], label: string, externalSecrets: readonly string[] = []): void {
  const configMaps = new Map(objects.filter((o) => o.kind === 'ConfigMap').map((o) => [o.metadata.name, o.data as Record<string, string>]));
  const secrets = new Map(objects.filter((o) => o.kind === 'Secret').map((o) => [o.metadata.name, { ...o.data, ...o.stringData } as Record<string, string>]));
  for (const workload of workloads(objects)) {
    const where = `${label}: ${workload.kind} ${workload.metadata.name}`;
    for (const container of workload.spec.template.spec.containers as K8sObject[]) {
      const { reader, variables } = variablesReadBy(container.command);
      const names: string[] = [];
      for (const from of (container.envFrom ?? []) as K8sObject[]) {
        const data = configMaps.get(from.configMapRef?.name);
        assert.ok(data, `${where}: loads ConfigMap ${from.configMapRef?.name}, which is not there`);
        names.push(...Object.keys(data));
      }
      for (const variable of (container.env ?? []) as K8sObject[]) {
        names.push(variable.name);
        const secretRef = variable.valueFrom?.secretKeyRef;
        const configRef = variable.valueFrom?.configMapKeyRef;
        if (secretRef && !externalSecrets.includes(secretRef.name)) {
          assert.ok(secrets.get(secretRef.name)?.[secretRef.key] !== undefined, `${where}: ${variable.name} refers to Secret ${secretRef.name}/${secretRef.key}, which is not there`);
        }
        if (configRef) assert.ok(configMaps.get(configRef.name)?.[configRef.key] !== undefined, `${where}: ${variable.name} refers to ConfigMap ${configRef.name}/${configRef.key}, which is not there`);
      }
      for (const name of names) assert.ok(variables.has(name) || RUNTIME_VARIABLES.has(name), `${where} sets ${name}, which ${reader} does not read`);
      assert.equal(new Set(names).size, names.length, `${where}: a variable is set twice: ${names.join(', ')}`);
    }
  }
}

/** The number of seconds a container's preStop hook sleeps (0 without one). */
function preStopSeconds(container: K8sObject): number {
  const command = container.lifecycle?.preStop?.exec?.command as string[] | undefined;
  if (!command) return 0;
  assert.equal(command[0], 'sleep');
  return Number(command[1]);
}

/**
 * Pod Security "restricted" for every pod, no service account token, and for each service:
 * probes on its http port, memory requests and limits, and a grace period derived from its
 * SHUTDOWN_GRACE_MS and preStop.
 */
export function checkPods(objects: readonly K8sObject[], label: string): void {
  const configMaps = new Map(objects.filter((o) => o.kind === 'ConfigMap').map((o) => [o.metadata.name, o.data as Record<string, string>]));
  for (const workload of workloads(objects)) {
    const where = `${label}: ${workload.kind} ${workload.metadata.name}`;
    const pod = workload.spec.template.spec;
    assert.equal(pod.automountServiceAccountToken, false, `${where}: no service account token`);
    assert.equal(pod.securityContext?.runAsNonRoot, true, `${where}: runAsNonRoot`);
    assert.equal(pod.securityContext?.seccompProfile?.type, 'RuntimeDefault', `${where}: seccompProfile`);
    for (const container of pod.containers as K8sObject[]) {
      const security = container.securityContext ?? {};
      assert.equal(security.allowPrivilegeEscalation, false, `${where}: allowPrivilegeEscalation`);
      assert.deepEqual(security.capabilities?.drop, ['ALL'], `${where}: capabilities`);
      assert.equal(security.readOnlyRootFilesystem, true, `${where}: readOnlyRootFilesystem`);
      assert.ok(container.resources?.requests?.memory && container.resources?.limits?.memory, `${where}: memory requests and limits`);
      if (workload.kind !== 'Deployment') continue;
      const ports = new Set((container.ports as K8sObject[]).map((p) => p.name));
      for (const [probe, path] of [['startupProbe', '/healthz'], ['readinessProbe', '/readyz'], ['livenessProbe', '/healthz']] as const) {
        assert.equal(container[probe]?.httpGet?.path, path, `${where}: ${probe} path`);
        assert.ok(ports.has(container[probe].httpGet.port), `${where}: ${probe} must use a declared port`);
      }
      const config = (container.envFrom as K8sObject[]).map((f) => configMaps.get(f.configMapRef.name) ?? {}).reduce((a, b) => ({ ...a, ...b }), {});
      const graceMs = Number(config.SHUTDOWN_GRACE_MS ?? 25_000);
      assert.equal(
        pod.terminationGracePeriodSeconds * 1000,
        graceMs + preStopSeconds(container) * 1000 + KILL_MARGIN_S * 1000,
        `${where}: the grace period is SHUTDOWN_GRACE_MS + preStop + ${KILL_MARGIN_S} s`,
      );
    }
  }
}
