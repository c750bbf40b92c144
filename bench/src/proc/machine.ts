import { spawnSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem } from 'node:os';

export interface MachineInfo {
  date: string;
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  kernel: string;
  node: string;
  java: string;
  kafka: string;
  commit: string;
  /** 1, 5 and 15 minute load averages when the run started. */
  loadAverage: number[];
}

function firstLine(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  const text = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  return text.split('\n')[0]?.trim() || 'unknown';
}

export function machineInfo(root: string, kafkaVersion: string): MachineInfo {
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' }).stdout?.trim();
  return {
    date: new Date().toISOString(),
    cores: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    kernel: `Linux ${release()}`,
    node: process.version,
    java: firstLine('java', ['-version'], root),
    kafka: kafkaVersion,
    commit: `${firstLine('git', ['rev-parse', '--short', 'HEAD'], root)}${dirty ? ' + uncommitted changes' : ''}`,
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}
