import { directConversationId } from '@switchboard/protocol';
import { sleep } from './waiting';
import { randomName } from './random';
import { RoamingClient, type SendTarget } from './roamingClient';

/**
 * Service settings for a platform under continuous traffic while things fail: no rate limits in
 * the way, requests answered `timeout` after 4 s so clients retry sooner, the broker's shortest
 * group session timeout so partitions of a killed router or persister move on sooner, and router
 * snapshots every few events, so that every takeover restores from snapshots plus a tail.
 */
export const FAILOVER_ENV: NodeJS.ProcessEnv = {
  GATEWAY_RATE_PER_SECOND: '1000',
  GATEWAY_RATE_BURST: '1000',
  GATEWAY_USER_RATE_PER_SECOND: '1000',
  GATEWAY_USER_RATE_BURST: '1000',
  GATEWAY_REQUEST_TIMEOUT_MS: '4000',
  ROUTER_SESSION_TIMEOUT_MS: '6000',
  ROUTER_SNAPSHOT_LAG_EVENTS: '20',
  PERSISTER_SESSION_TIMEOUT_MS: '6000',
};

export interface Conversation {
  /** A direct conversation's id follows from its two users; a group's comes from its creation. */
  id: string;
  kind: 'direct' | 'group';
  /** Every logical client that must see the whole timeline (senders included). */
  members: RoamingClient[];
}

export interface Traffic {
  clients: RoamingClient[];
  conversations: Conversation[];
  /** Clients that started on gateway `index`. */
  homedAt(index: number): RoamingClient[];
  /** Messages acknowledged so far. */
  acknowledged(): number;
  /** Resolves once at least `count` more messages were acknowledged. */
  progress(count: number, timeoutMs?: number): Promise<void>;
  /** Stops the senders after their current message (acknowledged, however long that takes). */
  stopSending(): Promise<void>;
  /** Closes every client. */
  close(): Promise<void>;
}

export interface TrafficOptions {
  /** Pause between one sender's messages. */
  paceMs?: number;
  requestTimeoutMs?: number;
}

/**
 * Continuous senders across the gateways: two 1:1 conversations (sender and receiver on different
 * gateways) and a group of four users, one of them on two devices, two of them sending. Every
 * client starts on its home gateway (`homedAt`) and behaves as a RoamingClient.
 */
export async function startTraffic(urls: readonly string[], options: TrafficOptions = {}): Promise<Traffic> {
  const paceMs = options.paceMs ?? 40;
  const make = (name: string, home: number, userId = randomName(`${name}-`), label = name) =>
    new RoamingClient({ userId, urls, home: home % urls.length, label, ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}) });
  const dmSender1 = make('ann', 0);
  const dmReceiver1 = make('bob', 1);
  const dmSender2 = make('cat', 1);
  const dmReceiver2 = make('dan', 0);
  const owner = make('eve', 0);
  const poster = make('fay', 1);
  const reader = make('gus', 0);
  const readerPhone = make('gus-phone', 1, reader.userId, 'gus-phone');
  const lurker = make('hal', 1);
  const clients = [dmSender1, dmReceiver1, dmSender2, dmReceiver2, owner, poster, reader, readerPhone, lurker];
  await Promise.all(clients.map((c) => c.connection()));
  // The first message also waits out a fresh cluster's first transactions, retried until acknowledged.
  await dmSender1.send({ to: dmReceiver1.userId }, 'ann-hello', 'hello');

  const groupId = await createGroup(owner, [poster.userId, reader.userId, lurker.userId]);

  const conversations: Conversation[] = [
    { id: directConversationId(dmSender1.userId, dmReceiver1.userId), kind: 'direct', members: [dmSender1, dmReceiver1] },
    { id: directConversationId(dmSender2.userId, dmReceiver2.userId), kind: 'direct', members: [dmSender2, dmReceiver2] },
    { id: groupId, kind: 'group', members: [owner, poster, reader, readerPhone, lurker] },
  ];
  const senders: [RoamingClient, SendTarget][] = [
    [dmSender1, { to: dmReceiver1.userId }],
    [dmSender2, { to: dmReceiver2.userId }],
    [owner, { conversationId: groupId }],
    [poster, { conversationId: groupId }],
  ];

  let sending = true;
  let acked = 0;
  const failures: unknown[] = [];
  const loops = senders.map(async ([client, target]) => {
    for (let i = 0; sending; i++) {
      try {
        await client.send(target, `${client.label}-${i}`, `${client.label} says ${i}`);
      } catch (err) {
        failures.push(err);
        return;
      }
      acked += 1;
      await sleep(paceMs);
    }
  });

  return {
    clients,
    conversations,
    homedAt: (index) => clients.filter((c) => c.home === index),
    acknowledged: () => acked,
    async progress(count, timeoutMs = 60_000) {
      const target = acked + count;
      const deadline = Date.now() + timeoutMs;
      while (acked < target) {
        if (failures.length > 0) throw new Error(`a sender failed: ${String(failures[0])}`);
        if (Date.now() > deadline) throw new Error(`only ${acked - (target - count)} of ${count} messages acknowledged within ${timeoutMs} ms`);
        await sleep(50);
      }
    },
    async stopSending() {
      sending = false;
      await Promise.all(loops);
      if (failures.length > 0) throw new Error(`a sender failed: ${failures.map(String).join('; ')}`);
    },
    async close() {
      sending = false;
      await Promise.all(clients.map((c) => c.stop().catch(() => undefined)));
    },
  };
}

/**
 * A group whose creation is acknowledged. The router may still be claiming the group's partition
 * on a fresh cluster; a creation answered `timeout` is tried again as a new group (the gateway picks
 * each group's id), and one that commits late is simply not part of the run.
 */
async function createGroup(owner: RoamingClient, members: string[]): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const reply = await owner.request({ type: 'group.create', name: 'crew', members });
    if (reply.type === 'ok') return reply.result.conversationId as string;
    if (!reply.retriable || Date.now() > deadline) throw new Error(`group.create failed: ${JSON.stringify(reply)}`);
    await sleep(200);
  }
}
