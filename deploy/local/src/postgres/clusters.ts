import { existsSync, readdirSync } from 'node:fs';
import { runChecked } from '../process/runCommand';
import type { PostgresCluster } from '../state';

export interface ClusterInfo extends PostgresCluster {
  readonly port: number;
  readonly online: boolean;
}

/** Parses `pg_lsclusters -h`: version, cluster, port, status, owner, data directory, log file. */
export function parseClusterList(output: string): ClusterInfo[] {
  return output
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => cols.length >= 4 && /^\d+(\.\d+)?$/.test(cols[0] ?? '') && /^\d+$/.test(cols[2] ?? ''))
    .map((cols) => ({
      version: cols[0] as string,
      name: cols[1] as string,
      port: Number(cols[2]),
      online: (cols[3] ?? '').startsWith('online'),
    }));
}

/** Whether the Debian PostgreSQL packages (postgresql-common) are installed with at least one version. */
export function postgresInstalled(): boolean {
  return existsSync('/etc/postgresql') && readdirSync('/etc/postgresql').length > 0;
}

export async function listClusters(): Promise<ClusterInfo[]> {
  return parseClusterList(await runChecked('pg_lsclusters', ['-h']));
}

export async function controlCluster(cluster: PostgresCluster, action: 'start' | 'stop' | 'reload'): Promise<void> {
  await runChecked('pg_ctlcluster', ['--skip-systemctl-redirect', cluster.version, cluster.name, action]);
}

export function hbaFile(cluster: PostgresCluster): string {
  return `/etc/postgresql/${cluster.version}/${cluster.name}/pg_hba.conf`;
}
