/**
 * @switchboard/client for Node: the client over the `ws` package. Browsers get the same API from
 * the browser bundle (dist/browser/switchboard-client.mjs, built from browser.ts). docs/client.md
 * has a quick start, the API and the guarantees.
 */
import WebSocket from 'ws';
import { createClientCore } from './client';
import type { WebSocketConstructorLike } from './socket';
import type { ClientOptions, SwitchboardClient } from './types';

export * from './api';

/** Creates a client and starts connecting. */
export function createClient(options: ClientOptions): SwitchboardClient {
  return createClientCore(options, { WebSocket: WebSocket as unknown as WebSocketConstructorLike });
}
