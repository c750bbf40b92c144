/** The part of the browser WebSocket API the client uses; `ws` in Node has it too. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: { message?: unknown }) => void) | null;
}

export type WebSocketConstructorLike = new (url: string) => WebSocketLike;

/** The gateway URL with the token as `access_token`, the one way browsers can pass it. */
export function urlWithToken(url: string, token: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(token)}`;
}
