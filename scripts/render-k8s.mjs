// Writes k8s/, the plain manifests for `kubectl apply -k k8s/`, by rendering the helm chart
// (deploy/helm/switchboard) with deploy/helm/values/k8s.yaml: one file per chart template, plus
// namespace.yaml and kustomization.yaml. `--check` only tells whether k8s/ is what the chart
// renders (exit 1 naming each file that differs, is missing or is left over).
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chartCheck } from './helm.mjs';
import { root } from './ensure.mjs';

export const K8S_DIR = join(root, 'k8s');
const RELEASE = 'switchboard';
const NAMESPACE = 'switchboard';
const VALUES = 'deploy/helm/values/k8s.yaml';
/** Within a file, documents in the order the chart's templates declare them. */
const KIND_ORDER = ['ConfigMap', 'Secret', 'ServiceAccount', 'Deployment', 'Service', 'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'Job'];
const HEADER = `# Rendered from deploy/helm/switchboard with ${VALUES} by \`node scripts/render-k8s.mjs\`:\n# change the chart or those values, not this file.\n`;

/** The files k8s/ should hold: name → content. */
export function renderK8s() {
  const { status, stdout, stderr } = chartCheck(['template', 'deploy/helm/switchboard', RELEASE, NAMESPACE, '--values', VALUES, '--validate']);
  if (status !== 0) throw new Error(`rendering the chart for k8s/ failed (status ${status}):\n${stderr}`);
  const byTemplate = new Map();
  for (const document of stdout.split(/^---\n/m)) {
    const source = /^# Source: [^/]+\/templates\/(.+)\n/.exec(document);
    if (!source) {
      if (document.trim()) throw new Error(`a rendered document names no template:\n${document}`);
      continue;
    }
    const body = document.slice(source[0].length).trimEnd() + '\n';
    byTemplate.set(source[1], [...(byTemplate.get(source[1]) ?? []), body]);
  }
  const files = new Map();
  const rank = (document) => KIND_ORDER.indexOf(/^kind: (\w+)$/m.exec(document)?.[1] ?? '');
  for (const [template, documents] of byTemplate) files.set(template, HEADER + documents.sort((a, b) => rank(a) - rank(b)).join('---\n'));
  files.set('namespace.yaml', `${HEADER}apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${NAMESPACE}\n`);
  const resources = ['namespace.yaml', ...[...byTemplate.keys()].sort()];
  files.set(
    'kustomization.yaml',
    `${HEADER}# Edit the Secret (or manage it with your secret store) and the settings in the ConfigMaps, or\n# override them here, then: kubectl apply -k k8s/\n` +
      `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: ${NAMESPACE}\nresources:\n${resources.map((r) => `  - ${r}\n`).join('')}` +
      `images:\n  - name: registry.example.com/switchboard\n    newName: registry.example.com/switchboard\n    newTag: "0.1.0"\n`,
  );
  return files;
}

/** Names of the files in k8s/ that differ from the rendering, are missing, or should not be there. */
export function k8sDifferences(files = renderK8s()) {
  const present = existsSync(K8S_DIR) ? readdirSync(K8S_DIR) : [];
  const differences = [];
  for (const [name, content] of files) {
    if (!present.includes(name)) differences.push(`${name} is missing`);
    else if (readFileSync(join(K8S_DIR, name), 'utf8') !== content) differences.push(`${name} differs`);
  }
  for (const name of present) if (!files.has(name)) differences.push(`${name} is not part of the rendering`);
  return differences;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = renderK8s();
  if (process.argv.includes('--check')) {
    const differences = k8sDifferences(files);
    if (differences.length > 0) {
      process.stderr.write(`k8s/ is not what the chart renders (run node scripts/render-k8s.mjs):\n${differences.map((d) => `  ${d}\n`).join('')}`);
      process.exit(1);
    }
  } else {
    for (const name of readdirSync(K8S_DIR)) if (!files.has(name)) rmSync(join(K8S_DIR, name));
    for (const [name, content] of files) writeFileSync(join(K8S_DIR, name), content);
  }
}
