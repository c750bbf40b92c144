import type { HttpResponse } from 'uWebSockets.js';

/** Tracks whether the client went away; attach before any asynchronous work. */
export function watchAborted(res: HttpResponse): { aborted: boolean } {
  const state = { aborted: false };
  res.onAborted(() => {
    state.aborted = true;
  });
  return state;
}

/** Ends a response with a JSON body (or a text one), corked, so it is safe after an await. */
export function respond(res: HttpResponse, status: string, body: unknown, contentType = 'application/json'): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.cork(() => {
    res.writeStatus(status).writeHeader('content-type', contentType).writeHeader('cache-control', 'no-store').end(text);
  });
}
