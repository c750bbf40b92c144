import type { ProgressSignal } from '../internal/progressSignal';

export interface WaitForSeqOptions {
  conversationId: string;
  seq: number;
  waitMs: number;
  readLastSeq: () => Promise<number>;
  progress: ProgressSignal;
  /** Longest pause between two reads; another process may be the one projecting the conversation. */
  pollMs?: number;
  now?: () => number;
}

/**
 * Waits until the conversation's projected last seq reaches `seq`, or `waitMs` passed. Returns
 * the last seq read; the caller answers with whatever is stored either way.
 */
export async function waitForSeq(options: WaitForSeqOptions): Promise<number> {
  const now = options.now ?? Date.now;
  const pollMs = options.pollMs ?? 20;
  const deadline = now() + options.waitMs;
  for (;;) {
    const lastSeq = await options.readLastSeq();
    const remaining = deadline - now();
    if (lastSeq >= options.seq || remaining <= 0) return lastSeq;
    await options.progress.next(options.conversationId, Math.min(pollMs, remaining));
  }
}
