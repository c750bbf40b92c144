import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** What `up` started besides Kafka, so that `down` stops exactly that and nothing else. */
export interface StackState {
  postgres?: { startedClusters: PostgresCluster[] };
  redis?: { port: number; pidFile: string };
}

export interface PostgresCluster {
  readonly version: string;
  readonly name: string;
}

export function readState(stateFile: string): StackState {
  let text: string;
  try {
    text = readFileSync(stateFile, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  try {
    return JSON.parse(text) as StackState;
  } catch {
    throw new Error(`${stateFile} is not valid JSON; fix or delete it (it records what the stack started)`);
  }
}

/** Replaces the state file in one step, so a crash never leaves half a file. */
export function writeState(stateFile: string, state: StackState): void {
  mkdirSync(dirname(stateFile), { recursive: true });
  const temporary = `${stateFile}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temporary, stateFile);
}

export function updateState(stateFile: string, change: (state: StackState) => StackState): StackState {
  const next = change(readState(stateFile));
  writeState(stateFile, next);
  return next;
}
