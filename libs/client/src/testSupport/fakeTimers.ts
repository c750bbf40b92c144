import type { Timers } from '../timers';

/** A clock that moves only when told; due callbacks run in time order, with promises settled between them. */
export class FakeTimers implements Timers {
  private time = 1_000_000;
  private nextHandle = 0;
  private readonly due = new Map<number, { at: number; callback: () => void }>();

  now = (): number => this.time;

  setTimeout = (callback: () => void, ms: number): unknown => {
    const handle = ++this.nextHandle;
    this.due.set(handle, { at: this.time + Math.max(0, ms), callback });
    return handle;
  };

  clearTimeout = (handle: unknown): void => {
    this.due.delete(handle as number);
  };

  pending(): number {
    return this.due.size;
  }

  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    await settle();
    for (;;) {
      const next = [...this.due.entries()].filter(([, t]) => t.at <= end).sort(([a, x], [b, y]) => x.at - y.at || a - b)[0];
      if (!next) break;
      this.due.delete(next[0]);
      this.time = next[1].at;
      next[1].callback();
      await settle();
    }
    this.time = end;
  }
}

/** Lets pending promise callbacks run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
