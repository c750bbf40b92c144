/**
 * @switchboard/client for browsers: the same API as the Node entry, over the global WebSocket.
 * Bundled to dist/browser/switchboard-client.mjs for `<script type="module">`.
 */
import { createClientCore } from './client';
import type { WebSocketConstructorLike } from './socket';
import type { ClientOptions, SwitchboardClient } from './types';

export * from './api';

/** Creates a client and starts connecting. */
export function createClient(options: ClientOptions): SwitchboardClient {
  return createClientCore(options, { WebSocket: (globalThis as { WebSocket?: WebSocketConstructorLike }).WebSocket });
}
