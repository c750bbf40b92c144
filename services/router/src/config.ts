import { bool, commonSpec, int, port, redisSpec, str, type ConfigOf } from '@switchboard/config';

export const routerSpec = {
  ...commonSpec,
  ...redisSpec,
  ROUTER_HTTP_PORT: port({ description: 'Port of the router health and metrics endpoints', default: 8091 }),
  ROUTER_INSTANCE_ID: str({ description: 'Name of this router instance in logs and client ids', default: `router-${process.pid}` }),
  ROUTER_MAX_GROUP_SIZE: int({ description: 'Most members a group may have', default: 1000, min: 2, max: 100_000 }),
  ROUTER_RECENT_MESSAGES: int({
    description: 'Messages per conversation whose client ids and authors the router remembers (retry and edit window)',
    default: 10_000,
    min: 100,
    max: 1_000_000,
  }),
  ROUTER_FETCH_WAIT_MS: int({ description: 'Longest a fetch from Kafka waits for new commands (it returns as soon as one arrives)', default: 100, min: 0, max: 5_000 }),
  ROUTER_FETCH_INTERVAL_MS: int({
    description:
      'Average time between fetches that a busy router is held to, so that one fetch and one transaction carry what arrived meanwhile; up to 10 fetches in a row go at once, so a quiet router never waits. 0 never holds it',
    default: 8,
    min: 0,
    max: 1_000,
  }),
  ROUTER_PARTITIONS_PER_TRANSACTION: int({
    description:
      'Command partitions owned, fenced and committed together (a block): one transaction per block and fetch round. All routers of a group must use the same value; with the default (every partition) one router routes and the others stand by',
    default: 12,
    min: 1,
    max: 1_000,
  }),
  ROUTER_SESSION_TIMEOUT_MS: int({
    description:
      "Consumer group session timeout: how long the partitions of a router that died stay unowned. The broker refuses values below its group.min.session.timeout.ms (6000 by default; the local stack's broker allows 1000)",
    default: 6_000,
    min: 1_000,
    max: 300_000,
  }),
  ROUTER_HEARTBEAT_INTERVAL_MS: int({
    description: 'How often the router tells its consumer group it is alive; a standby hears of a dead router\'s partitions at its next heartbeat. At most a third of the session timeout',
    default: 500,
    min: 100,
    max: 100_000,
  }),
  ROUTER_SNAPSHOTS: bool({
    description:
      'Write snapshots of the conversation state with the events, and restore a claimed partition from its latest snapshots and the events after them. Off, a claimed partition is folded from its first event (takeover time grows with the history)',
    default: true,
  }),
  ROUTER_SNAPSHOT_LAG_EVENTS: int({
    description:
      'A partition\'s dirty conversations are snapshotted once this many events were written to it after its last snapshot checkpoint; a new owner folds at most about this many events per partition',
    default: 2_000,
    min: 10,
    max: 10_000_000,
  }),
} as const;

export type RouterConfig = ConfigOf<typeof routerSpec>;
