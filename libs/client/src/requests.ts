import { SwitchboardError } from './errors';
import type { Timers } from './timers';
import type { ErrorFrame, OkFrame, Request } from './wire';

/** A request without its id: the id is given when it is written. */
export type RequestBody = Request extends infer R ? (R extends { id: string } ? Omit<R, 'id'> : never) : never;

/**
 * What happens to a request written on a connection that is lost before the answer came:
 * retry: written again on the next one (it is safe to repeat);
 * fail: fails with `unavailable` (it may or may not have taken effect);
 * lost: reported as lost, for the caller to decide (sends go back to the outbox).
 */
export type OnLoss = 'retry' | 'fail' | 'lost';

export type Outcome = { ok: true; result: Record<string, unknown> } | { ok: false; error: SwitchboardError; lost: boolean };

export interface SubmitOptions {
  onLoss: OnLoss;
  /** Fails with `timeout` when no answer came this long after the request was made. */
  timeoutMs?: number;
  /** Goes before everything that waits (the resume on a new connection must be its first frame). */
  front?: boolean;
  /** Only on this connection: if another one is current when its turn comes, it is reported lost. */
  linkId?: number;
}

export interface Writer {
  readonly id: number;
  write(text: string): boolean;
}

export interface RequestsDeps {
  timers: Timers;
  /** Where requests are written now, if anywhere. */
  writer(): Writer | undefined;
  /** Frames per second the gateway allows this connection (from its welcome). */
  rate(): number | undefined;
  maxFrameBytes(): number | undefined;
}

export interface Requests {
  submit(body: RequestBody, options: SubmitOptions, settle: (outcome: Outcome) => void): void;
  /** `submit` as a promise: resolves with the result, rejects with a SwitchboardError. */
  request(body: RequestBody, options: SubmitOptions): Promise<Record<string, unknown>>;
  /** Settles the request a reply names; replies to no pending request are ignored. */
  answer(frame: OkFrame | ErrorFrame): void;
  /** Writes what waits, as fast as the gateway's rate allows. */
  pump(): void;
  /** Resolves once no request written on the link waits for its answer. */
  idle(linkId: number): Promise<void>;
  linkLost(linkId: number): void;
  /** Settles everything with `error`; later requests fail with it at once. */
  failAll(error: SwitchboardError): void;
}

interface Pending {
  id: string;
  body: RequestBody;
  options: SubmitOptions;
  settle: (outcome: Outcome) => void;
  timer?: unknown;
  linkId?: number;
}

/**
 * Requests and their answers: ids, the queue of what is not written yet (paced to the gateway's
 * frame rate so that bursts are not refused), timeouts, and what a lost connection means for each.
 */
export function createRequests(deps: RequestsDeps): Requests {
  const { timers } = deps;
  const waiting: Pending[] = [];
  const written = new Map<string, Pending>();
  const idleWaiters = new Map<number, Set<() => void>>();
  let nextId = 0;
  let failure: SwitchboardError | undefined;
  let bucket = { linkId: -1, tokens: 0, at: 0 };
  let pumpTimer: unknown;

  function finish(pending: Pending, outcome: Outcome): void {
    if (pending.timer !== undefined) timers.clearTimeout(pending.timer);
    const index = waiting.indexOf(pending);
    if (index >= 0) waiting.splice(index, 1);
    if (written.delete(pending.id) && pending.linkId !== undefined) checkIdle(pending.linkId);
    pending.settle(outcome);
  }

  function checkIdle(linkId: number): void {
    const waiters = idleWaiters.get(linkId);
    if (!waiters) return;
    for (const pending of written.values()) if (pending.linkId === linkId) return;
    idleWaiters.delete(linkId);
    for (const resolve of waiters) resolve();
  }

  function fail(code: 'unavailable' | 'timeout' | 'frame_too_large', message: string, lost = false): Outcome {
    return { ok: false, error: new SwitchboardError(code, message), lost };
  }

  function takeToken(writer: Writer): number {
    const rate = deps.rate();
    if (rate === undefined || !(rate > 0)) return 0;
    const now = timers.now();
    if (bucket.linkId !== writer.id) bucket = { linkId: writer.id, tokens: rate, at: now };
    bucket.tokens = Math.min(rate, bucket.tokens + ((now - bucket.at) * rate) / 1000);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - bucket.tokens) * 1000) / rate);
  }

  function write(pending: Pending, writer: Writer): boolean {
    if (pending.options.linkId !== undefined && pending.options.linkId !== writer.id) {
      finish(pending, fail('unavailable', 'the connection this request was meant for is gone', true));
      return true;
    }
    pending.id = `${++nextId}`;
    const text = JSON.stringify({ ...pending.body, id: pending.id });
    const max = deps.maxFrameBytes();
    if (max !== undefined && text.length * 3 > max && new TextEncoder().encode(text).length > max) {
      finish(pending, fail('frame_too_large', `the request is larger than the ${max} bytes the gateway accepts in one frame`));
      return true;
    }
    if (!writer.write(text)) return false;
    waiting.splice(waiting.indexOf(pending), 1);
    pending.linkId = writer.id;
    written.set(pending.id, pending);
    return true;
  }

  const requests: Requests = {
    submit(body, options, settle) {
      const pending: Pending = { id: '', body, options, settle };
      if (failure) return settle({ ok: false, error: failure, lost: false });
      if (options.timeoutMs !== undefined) {
        pending.timer = timers.setTimeout(() => {
          pending.timer = undefined;
          finish(pending, fail('timeout', `no answer to ${body.type} within ${options.timeoutMs} ms`));
        }, options.timeoutMs);
      }
      if (options.front) waiting.unshift(pending);
      else waiting.push(pending);
      requests.pump();
    },

    request(body, options) {
      return new Promise((resolve, reject) => requests.submit(body, options, (outcome) => (outcome.ok ? resolve(outcome.result) : reject(outcome.error))));
    },

    answer(frame) {
      const pending = frame.id === null ? undefined : written.get(frame.id);
      if (!pending) return;
      if (frame.type === 'ok') finish(pending, { ok: true, result: frame.result ?? {} });
      else finish(pending, { ok: false, error: new SwitchboardError(frame.code, frame.message, { retriable: frame.retriable }), lost: false });
    },

    pump() {
      if (pumpTimer !== undefined) return;
      for (;;) {
        const writer = deps.writer();
        const next = waiting[0];
        if (!writer || !next) return;
        const wait = takeToken(writer);
        if (wait > 0) {
          pumpTimer = timers.setTimeout(() => {
            pumpTimer = undefined;
            requests.pump();
          }, wait);
          return;
        }
        if (!write(next, writer)) return;
      }
    },

    idle(linkId) {
      return new Promise((resolve) => {
        let waiters = idleWaiters.get(linkId);
        if (!waiters) idleWaiters.set(linkId, (waiters = new Set()));
        waiters.add(resolve);
        checkIdle(linkId);
      });
    },

    linkLost(linkId) {
      const retried: Pending[] = [];
      for (const pending of [...written.values()]) {
        if (pending.linkId !== linkId) continue;
        if (pending.options.onLoss === 'retry' && pending.options.linkId === undefined) {
          written.delete(pending.id);
          delete pending.linkId;
          retried.push(pending);
        } else if (pending.options.onLoss === 'fail') {
          finish(pending, fail('unavailable', `the connection was lost before the answer to ${pending.body.type}; it may or may not have taken effect`));
        } else {
          finish(pending, fail('unavailable', 'the connection was lost before the answer', true));
        }
      }
      // Ahead of everything else, but behind a resume waiting to be the next connection's first frame.
      const firstOrdinary = waiting.findIndex((pending) => !pending.options.front);
      waiting.splice(firstOrdinary < 0 ? waiting.length : firstOrdinary, 0, ...retried);
      checkIdle(linkId);
      idleWaiters.delete(linkId);
    },

    failAll(error) {
      failure = error;
      if (pumpTimer !== undefined) timers.clearTimeout(pumpTimer);
      pumpTimer = undefined;
      for (const pending of [...waiting, ...written.values()]) finish(pending, { ok: false, error, lost: false });
      for (const waiters of idleWaiters.values()) for (const resolve of waiters) resolve();
      idleWaiters.clear();
    },
  };
  return requests;
}
