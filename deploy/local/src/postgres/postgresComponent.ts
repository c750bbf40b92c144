import { migrate } from '@switchboard/persister';
import type { StackSettings } from '../config';
import { aptInstall } from '../apt';
import { stackLayout } from '../paths';
import { sleep } from '../process/sleep';
import type { ComponentReport } from '../report';
import { readState, updateState, type PostgresCluster } from '../state';
import { controlCluster, hbaFile, listClusters, postgresInstalled, type ClusterInfo } from './clusters';
import { databaseTarget, type DatabaseTarget } from './databaseUrl';
import { ensureDatabase } from './ensureDatabase';
import { ensureLocalTrust } from './pgHba';
import { probePostgres, type ProbeResult } from './probe';

/**
 * Uses the Postgres server DATABASE_URL points at. When it does not answer and lives on this
 * machine, starts (installing first if needed) the local cluster serving that port. Then creates
 * the database and applies the persister's migrations.
 */
export async function postgresUp(settings: StackSettings): Promise<ComponentReport> {
  const target = databaseTarget(settings.databaseUrl);
  const stateFile = stackLayout(settings.stackDir).stateFile;
  const notes: string[] = [];
  let probe = await probePostgres(target.serverUrl);
  if (probe.ok) notes.push('already running');
  else {
    if (!target.isLocal) {
      throw new Error(`Postgres at ${target.host}:${target.port} does not answer (${probe.problem}); the stack starts Postgres only on this machine`);
    }
    const started = await startLocalServer(target, probe);
    updateState(stateFile, (state) => ({
      ...state,
      postgres: { startedClusters: union(state.postgres?.startedClusters ?? [], started.clusters) },
    }));
    notes.push(...started.notes);
    probe = await waitForServer(target.serverUrl, 30_000);
    if (!probe.ok && probe.needsPassword && allowTrustRule(target)) {
      if (await trustLocalConnections(target, started.serving)) notes.push('allowed passwordless TCP login from 127.0.0.1');
      probe = await waitForServer(target.serverUrl, 10_000);
    }
    if (!probe.ok) throw new Error(`Postgres at ${target.host}:${target.port} does not answer after starting it: ${probe.problem}`);
  }

  if (await ensureDatabase(target.serverUrl, target.database)) notes.push(`created database ${target.database}`);
  const migrations = await migrate(settings.databaseUrl);
  notes.push(migrations.applied.length > 0 ? `applied migrations ${migrations.applied.join(', ')}` : 'schema up to date');
  const managed = (readState(stateFile).postgres?.startedClusters.length ?? 0) > 0;
  return { component: 'postgres', state: 'up', address: target.display, detail: notes.join(', '), managed };
}

async function startLocalServer(
  target: DatabaseTarget,
  probe: Extract<ProbeResult, { ok: false }>,
): Promise<{ clusters: PostgresCluster[]; serving: ClusterInfo[]; notes: string[] }> {
  const notes: string[] = [];
  let installedNow = false;
  if (!postgresInstalled()) {
    await aptInstall(['postgresql']);
    installedNow = true;
    notes.push('installed postgresql');
  }
  const clusters = await listClusters();
  const serving = clusters.filter((c) => c.port === target.port);
  if (serving.length === 0) {
    const known = clusters.map((c) => `${c.version}/${c.name} on ${c.port}`).join(', ') || 'none';
    throw new Error(`Postgres on ${target.host}:${target.port} does not answer (${probe.problem}) and no local cluster uses port ${target.port} (clusters: ${known})`);
  }
  const startedNow: PostgresCluster[] = [];
  for (const cluster of serving.filter((c) => !c.online)) {
    await controlCluster(cluster, 'start');
    startedNow.push({ version: cluster.version, name: cluster.name });
  }
  if (startedNow.length > 0) notes.push(`started ${startedNow.map((c) => `${c.version}/${c.name}`).join(', ')}`);
  // A fresh install starts its cluster itself; it is still this stack's to stop.
  const ours = installedNow ? serving.map((c) => ({ version: c.version, name: c.name })) : startedNow;
  return { clusters: ours, serving, notes };
}

function allowTrustRule(target: DatabaseTarget): boolean {
  return target.isLocal && !target.hasPassword;
}

async function trustLocalConnections(target: DatabaseTarget, clusters: readonly ClusterInfo[]): Promise<boolean> {
  let changed = false;
  for (const cluster of clusters) {
    if (ensureLocalTrust(hbaFile(cluster), target.user)) {
      await controlCluster(cluster, 'reload');
      changed = true;
    }
  }
  return changed;
}

async function waitForServer(url: string, deadlineMs: number): Promise<ProbeResult> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const probe = await probePostgres(url);
    if (probe.ok || probe.needsPassword || Date.now() >= deadline) return probe;
    await sleep(300);
  }
}

function union(a: readonly PostgresCluster[], b: readonly PostgresCluster[]): PostgresCluster[] {
  const all = [...a];
  for (const c of b) if (!all.some((x) => x.version === c.version && x.name === c.name)) all.push(c);
  return all;
}

/** Stops the clusters an earlier `up` started; leaves any other Postgres alone. */
export async function postgresDown(settings: StackSettings): Promise<ComponentReport> {
  const target = databaseTarget(settings.databaseUrl);
  const stateFile = stackLayout(settings.stackDir).stateFile;
  const started = readState(stateFile).postgres?.startedClusters ?? [];
  if (started.length === 0) {
    const probe = await probePostgres(target.serverUrl);
    return {
      component: 'postgres',
      state: probe.ok ? 'up' : 'down',
      address: target.display,
      detail: probe.ok ? 'left running, not started by this stack' : 'not running',
      managed: false,
    };
  }
  const online = await listClusters();
  for (const cluster of started) {
    if (online.some((c) => c.version === cluster.version && c.name === cluster.name && c.online)) {
      await controlCluster(cluster, 'stop');
    }
  }
  updateState(stateFile, ({ postgres: _stopped, ...rest }) => rest);
  return {
    component: 'postgres',
    state: 'down',
    address: target.display,
    detail: `stopped ${started.map((c) => `${c.version}/${c.name}`).join(', ')}`,
    managed: false,
  };
}

export async function postgresStatus(settings: StackSettings): Promise<ComponentReport> {
  const target = databaseTarget(settings.databaseUrl);
  const managed = (readState(stackLayout(settings.stackDir).stateFile).postgres?.startedClusters.length ?? 0) > 0;
  const database = await probePostgres(settings.databaseUrl);
  if (database.ok) {
    return { component: 'postgres', state: 'up', address: target.display, detail: managed ? 'started by this stack' : 'not started by this stack', managed };
  }
  const server = await probePostgres(target.serverUrl);
  const detail = server.ok ? `server answers but database ${target.database} is missing (run up)` : `not answering: ${server.problem}`;
  return { component: 'postgres', state: 'down', address: target.display, detail, managed };
}
