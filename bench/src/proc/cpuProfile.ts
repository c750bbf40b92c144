/** The parts of a V8 .cpuprofile (as written by `node --cpu-prof`) that a summary needs. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface FunctionTime {
  /** `name (file:line)`, the file shortened to what follows the last node_modules/ or the repository. */
  name: string;
  /** Microseconds sampled in the function itself. */
  selfMicros: number;
  /** Microseconds sampled in the function or anything it called. */
  totalMicros: number;
}

export interface ProfileSummary {
  /** Microseconds the profile covers. */
  durationMicros: number;
  /** Microseconds sampled outside (idle). */
  idleMicros: number;
  functions: FunctionTime[];
}

function shortUrl(url: string): string {
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) return url.slice(modules + 'node_modules/'.length);
  const match = /\/(libs|services|bench|test|cli)\/.*$/.exec(url);
  if (match) return match[0].slice(1);
  return url.replace(/^file:\/\//, '');
}

function keyOf(frame: CpuProfile['nodes'][number]['callFrame']): string {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return name;
  return `${name} (${shortUrl(frame.url)}:${frame.lineNumber + 1})`;
}

/** Self and total time per function, most self time first. */
export function summarizeCpuProfile(profile: CpuProfile): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let idle = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    const node = byId.get(id);
    if (!node) return;
    const key = keyOf(node.callFrame);
    if (node.callFrame.functionName === '(idle)') idle += delta;
    self.set(key, (self.get(key) ?? 0) + delta);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const k = keyOf(byId.get(at)!.callFrame);
      if (seen.has(k)) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + delta);
    }
  });
  const functions = [...total.entries()].map(([name, totalMicros]) => ({ name, selfMicros: self.get(name) ?? 0, totalMicros }));
  functions.sort((a, b) => b.selfMicros - a.selfMicros);
  return { durationMicros: profile.endTime - profile.startTime, idleMicros: idle, functions };
}
