import { checkPidFile, processStatus, readTextIfPresent, type PidStatus } from '../process/pidFile';
import { readProc, type ProcReader } from '../process/procInfo';
import { BROKER_MAIN_CLASS } from './javaCommand';

/**
 * A pid counts as this stack's broker only if its command line runs kafka.Kafka with this
 * stack's server.properties: another stack's broker, or any program that inherited the pid, is not ours.
 */
export function brokerMarkers(serverProperties: string): string[] {
  return [BROKER_MAIN_CLASS, serverProperties];
}

export function brokerPidStatus(pidFile: string, serverProperties: string, proc: ProcReader = readProc): PidStatus {
  return checkPidFile(pidFile, { markers: brokerMarkers(serverProperties), readProc: proc, readText: readTextIfPresent });
}

export function isBrokerRunning(pid: number, serverProperties: string, proc: ProcReader = readProc): boolean {
  return processStatus(pid, { markers: brokerMarkers(serverProperties), readProc: proc }).state === 'running';
}
