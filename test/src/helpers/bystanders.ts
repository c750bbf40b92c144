import { directConversationId } from '@switchboard/protocol';
import { TestClient } from './client';
import { randomName } from './random';

/** Two users mid-conversation on different gateways, who must not notice anything others do. */
export interface Bystanders {
  readonly conversationId: string;
  readonly userIds: readonly [string, string];
  /** One round: each sends the other a message and waits for it to arrive. */
  exchange(): Promise<void>;
  /** Keeps exchanging, a few rounds a second, until stop() resolves with how many rounds completed. */
  talk(): { stop(): Promise<number> };
  /** The client message id of the latest message, for checking that it reached Postgres. */
  lastClientMsgId(): string | undefined;
  close(): Promise<void>;
}

export async function startBystanders(gatewayUrls: readonly string[], tokenFor: (userId: string) => string): Promise<Bystanders> {
  const [idA, idB] = [randomName('bystander-a-'), randomName('bystander-b-')];
  const a = await TestClient.connect(gatewayUrls[0]!, idA, { token: tokenFor(idA) });
  const b = await TestClient.connect(gatewayUrls[1] ?? gatewayUrls[0]!, idB, { token: tokenFor(idB) });
  const conversationId = directConversationId(idA, idB);
  let round = 0;
  let last: string | undefined;

  async function say(from: TestClient, to: TestClient): Promise<void> {
    const clientMsgId = `chat-${++round}`;
    await from.ok({ type: 'send', to: to.userId, clientMsgId, body: clientMsgId });
    await to.waitFor((f) => f.type === 'event' && (f.event as { body?: string }).body === clientMsgId, 20_000);
    last = clientMsgId;
  }

  const exchange = async () => {
    await say(a, b);
    await say(b, a);
  };

  return {
    conversationId,
    userIds: [idA, idB],
    exchange,
    talk() {
      let running = true;
      let rounds = 0;
      const loop = (async () => {
        while (running) {
          await exchange();
          rounds += 1;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      })();
      return {
        async stop() {
          running = false;
          await loop;
          return rounds;
        },
      };
    },
    lastClientMsgId: () => last,
    async close() {
      await Promise.all([a.close(), b.close()]);
    },
  };
}
