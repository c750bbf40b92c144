/** A callback due at a deadline, until cancelled. */
export interface Deadline {
  cancel(): void;
}

/**
 * Deadlines of many requests on one timer. Each `add` costs no timer of its own: deadlines with
 * the same delay expire in the order they were added, so each delay keeps a queue, and a single
 * timer is set for the earliest live one.
 */
export interface Deadlines {
  /** Calls onExpire once `delayMs` have passed, unless cancelled first. */
  add(delayMs: number, onExpire: () => void): Deadline;
  /** Deadlines added and neither expired nor cancelled. */
  size(): number;
}

export interface DeadlinesOptions {
  now?: () => number;
  /** Sets the one timer; returns a function that clears it. Default: an unref'd setTimeout. */
  setTimer?: (fn: () => void, delayMs: number) => () => void;
}

interface Entry extends Deadline {
  at: number;
  onExpire: (() => void) | undefined;
}

/** A FIFO on an array with a moving head; the array is compacted once the dead prefix is large. */
class Queue {
  private items: Entry[] = [];
  private head = 0;

  push(entry: Entry): void {
    this.items.push(entry);
  }

  peek(): Entry | undefined {
    return this.items[this.head];
  }

  shift(): void {
    this.items[this.head] = undefined as unknown as Entry;
    this.head += 1;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  /** Drops cancelled entries at the head. */
  trim(): void {
    for (let e = this.peek(); e && e.onExpire === undefined; e = this.peek()) this.shift();
  }
}

const defaultSetTimer = (fn: () => void, delayMs: number) => {
  const timer = setTimeout(fn, delayMs);
  timer.unref();
  return () => clearTimeout(timer);
};

export function createDeadlines(options: DeadlinesOptions = {}): Deadlines {
  const now = options.now ?? Date.now;
  const setTimer = options.setTimer ?? defaultSetTimer;
  const queues = new Map<number, Queue>();
  let live = 0;
  let armed: { at: number; clear: () => void } | undefined;

  function earliest(): number | undefined {
    let at: number | undefined;
    for (const [delay, queue] of queues) {
      queue.trim();
      const head = queue.peek();
      if (!head) queues.delete(delay);
      else if (at === undefined || head.at < at) at = head.at;
    }
    return at;
  }

  function arm(): void {
    const at = earliest();
    if (armed && (at === undefined || armed.at !== at)) {
      armed.clear();
      armed = undefined;
    }
    if (at === undefined || armed) return;
    armed = { at, clear: setTimer(expire, Math.max(0, at - now())) };
  }

  function expire(): void {
    armed = undefined;
    const t = now();
    for (const queue of queues.values()) {
      for (let e = queue.peek(); e && e.at <= t; e = queue.peek()) {
        queue.shift();
        const onExpire = e.onExpire;
        if (onExpire === undefined) continue;
        e.onExpire = undefined;
        live -= 1;
        onExpire();
      }
    }
    arm();
  }

  return {
    add(delayMs, onExpire) {
      let queue = queues.get(delayMs);
      if (!queue) queues.set(delayMs, (queue = new Queue()));
      const entry: Entry = {
        at: now() + delayMs,
        onExpire,
        cancel() {
          if (entry.onExpire === undefined) return;
          entry.onExpire = undefined;
          live -= 1;
          // Requests mostly end in the order they began: the queue stays short.
          queue.trim();
        },
      };
      queue.push(entry);
      live += 1;
      if (!armed || entry.at < armed.at) arm();
      return entry;
    },
    size: () => live,
  };
}
