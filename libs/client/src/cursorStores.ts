/**
 * Where the client keeps the last seq it handed to the application, per conversation, so that a
 * restarted application resumes where it stopped. `load` runs once before the first connection;
 * `save` runs whenever a cursor moves (an asynchronous store may write in the background).
 */
export interface CursorStore {
  load(): Record<string, number> | Promise<Record<string, number>>;
  save(conversationId: string, seq: number): void | Promise<void>;
}

/** Cursors kept in memory only: a new client starts from the beginning of each conversation. */
export function memoryCursorStore(initial: Record<string, number> = {}): CursorStore & { snapshot(): Record<string, number> } {
  const cursors = new Map(Object.entries(initial));
  return {
    load: () => Object.fromEntries(cursors),
    save(conversationId, seq) {
      cursors.set(conversationId, seq);
    },
    snapshot: () => Object.fromEntries(cursors),
  };
}

/** The part of the Web Storage API the localStorage store uses. */
export interface StorageLike {
  readonly length: number;
  key(index: number): string | null;
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/**
 * Cursors in the browser's localStorage (or any Web Storage), one key per conversation under
 * `prefix`. Use a prefix per user when several users share a browser.
 */
export function localStorageCursorStore(options: { prefix?: string; storage?: StorageLike } = {}): CursorStore {
  const prefix = options.prefix ?? 'switchboard.cursor.';
  const storage = options.storage ?? (globalThis as { localStorage?: StorageLike }).localStorage;
  if (!storage) throw new TypeError('localStorageCursorStore: no localStorage here; pass options.storage');
  return {
    load() {
      const cursors: Record<string, number> = {};
      for (let i = 0; i < storage.length; i++) {
        const key = storage.key(i);
        if (key === null || !key.startsWith(prefix)) continue;
        const seq = Number(storage.getItem(key));
        if (Number.isSafeInteger(seq) && seq >= 0) cursors[key.slice(prefix.length)] = seq;
      }
      return cursors;
    },
    save(conversationId, seq) {
      storage.setItem(prefix + conversationId, String(seq));
    },
  };
}
