import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from './helpers/platform';
import { checkEnvironment, checkPods, parseObjects, workloads, type K8sObject } from './helpers/manifests';

// k8s/ is rendered from the chart (scripts/render-k8s.mjs; test/src/chart.test.ts checks that it is
// exactly the rendering). These checks read the committed files, so they need no helm.
const K8S = join(ROOT, 'k8s');
const CHART = join(ROOT, 'deploy', 'helm', 'switchboard');

function k8sObjects(): K8sObject[] {
  return readdirSync(K8S)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .flatMap((f) => parseObjects(readFileSync(join(K8S, f), 'utf8')));
}

test('the kustomization lists every manifest in k8s/, and each exists', () => {
  const kustomization = parse(readFileSync(join(K8S, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
  const files = readdirSync(K8S).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml').sort();
  assert.deepEqual([...kustomization.resources].sort(), files);
});

test('every container in k8s/ sets only variables its command reads, from config or secret objects that exist', () => {
  const objects = k8sObjects();
  assert.equal(workloads(objects).length, 4, 'three services and the topics job');
  checkEnvironment(objects, 'k8s/');
});

test('every pod in k8s/ is restricted, and every service has probes on a declared port, resources, and its grace period', () => {
  checkPods(k8sObjects(), 'k8s/');
});

/** `.Values.a.b` paths used by the chart's templates. */
function valuePaths(template: string): string[] {
  return [...template.matchAll(/\.Values((?:\.[A-Za-z0-9_]+)+)/g)].map((m) => m[1]!.slice(1));
}

test('the helm chart uses only values it declares', () => {
  const values = parse(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as K8sObject;
  const templates = readdirSync(join(CHART, 'templates'));
  for (const file of ['gateway.yaml', 'router.yaml', 'persister.yaml', 'topics-job.yaml', 'migrate-job.yaml', 'secret.yaml']) assert.ok(templates.includes(file), file);
  for (const file of templates) {
    const text = readFileSync(join(CHART, 'templates', file), 'utf8');
    for (const path of valuePaths(text)) {
      let node: unknown = values;
      for (const key of path.split('.')) node = (node as K8sObject | undefined)?.[key];
      assert.notEqual(node, undefined, `${file} uses .Values.${path}, which values.yaml does not declare`);
    }
  }
  assert.ok(existsSync(join(CHART, 'Chart.yaml')));
});
