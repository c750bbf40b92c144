import { SwitchboardError } from './errors';
import type { Timers } from './timers';
import { MAX_HISTORY_PAGE, type ClientEvent } from './wire';

export interface GapFillerDeps {
  timers: Timers;
  /** How long a hole may stay before it is fetched: the gateway fills most holes itself first. */
  delayMs: number;
  /** The missing seqs before the first waiting event of a conversation. */
  gap(conversationId: string): { from: number; to: number } | undefined;
  cursor(conversationId: string): number | undefined;
  /** A history page: the newest `limit` events before `before`, oldest first. */
  fetch(conversationId: string, before: number, limit: number): Promise<{ events: ClientEvent[]; hasMore: boolean }>;
  accept(event: ClientEvent): void;
  skipBelow(conversationId: string, seq: number): void;
  problem(error: SwitchboardError): void;
}

export interface GapFiller {
  /** Events wait behind a hole in this conversation. */
  opened(conversationId: string): void;
  /** The platform has the conversation up to `lastSeq`, further than the client. */
  behind(conversationId: string, lastSeq: number): void;
  stop(): void;
}

interface Work {
  timer?: unknown;
  running: boolean;
  attempts: number;
  /** From `behind`: the seq to reach even if nothing waits. */
  target?: number;
}

const MAX_RETRY_DELAY_MS = 30_000;

/**
 * Fills holes from history: for each conversation with a hole, the page just below the first
 * waiting event, as many rounds as it takes. A page that ends the user's history (a member added
 * later cannot read what came before) closes the hole from below.
 */
export function createGapFiller(deps: GapFillerDeps): GapFiller {
  const { timers } = deps;
  const work = new Map<string, Work>();
  let stopped = false;

  function missing(conversationId: string, item: Work): { from: number; to: number } | undefined {
    const gap = deps.gap(conversationId);
    if (gap) return gap;
    const cursor = deps.cursor(conversationId) ?? 0;
    if (item.target !== undefined && item.target > cursor) return { from: cursor + 1, to: item.target };
    return undefined;
  }

  function schedule(conversationId: string, delay: number): void {
    if (stopped) return;
    let item = work.get(conversationId);
    if (!item) work.set(conversationId, (item = { running: false, attempts: 0 }));
    if (item.running || item.timer !== undefined) return;
    const current = item;
    current.timer = timers.setTimeout(() => {
      current.timer = undefined;
      void round(conversationId, current);
    }, delay);
  }

  function retryDelay(item: Work): number {
    item.attempts += 1;
    return Math.min(MAX_RETRY_DELAY_MS, deps.delayMs * 2 ** Math.min(item.attempts, 16));
  }

  async function round(conversationId: string, item: Work): Promise<void> {
    const before = missing(conversationId, item);
    if (!before || stopped) {
      work.delete(conversationId);
      return;
    }
    item.running = true;
    try {
      const limit = Math.min(MAX_HISTORY_PAGE, before.to - before.from + 1);
      const page = await deps.fetch(conversationId, before.to + 1, limit);
      for (const event of page.events) deps.accept(event);
      const first = page.events[0]?.seq;
      if (!page.hasMore && typeof first === 'number') deps.skipBelow(conversationId, first);
    } catch (err) {
      const error = err instanceof SwitchboardError ? err : new SwitchboardError('internal', String(err));
      if (error.code === 'client_closed') return;
      deps.problem(new SwitchboardError(error.code, `filling a hole in ${conversationId} failed: ${error.message}`, { retriable: error.retriable }));
      if (!error.retriable) {
        work.delete(conversationId);
        return;
      }
    } finally {
      item.running = false;
    }
    const after = missing(conversationId, item);
    if (!after) {
      work.delete(conversationId);
      return;
    }
    const progressed = after.to < before.to || after.from > before.from;
    if (progressed) item.attempts = 0;
    schedule(conversationId, progressed ? 0 : retryDelay(item));
  }

  return {
    opened: (conversationId) => schedule(conversationId, deps.delayMs),
    behind(conversationId, lastSeq) {
      let item = work.get(conversationId);
      if (!item) work.set(conversationId, (item = { running: false, attempts: 0 }));
      item.target = Math.max(item.target ?? 0, lastSeq);
      schedule(conversationId, deps.delayMs);
    },
    stop() {
      stopped = true;
      for (const item of work.values()) if (item.timer !== undefined) timers.clearTimeout(item.timer);
      work.clear();
    },
  };
}
