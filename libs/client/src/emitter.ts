export type Listener<T> = (payload: T) => void;

export interface Emitter<Events> {
  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof Events>(name: K, listener: Listener<Events[K]>): () => void;
  off<K extends keyof Events>(name: K, listener: Listener<Events[K]>): void;
  /** Calls the listener for the next one only. */
  once<K extends keyof Events>(name: K, listener: Listener<Events[K]>): () => void;
  emit<K extends keyof Events>(name: K, payload: Events[K]): void;
  listenerCount(name: keyof Events): number;
}

/** Rethrows on a later tick, as an EventTarget reports an error thrown by a listener. */
function rethrowLater(err: unknown): void {
  setTimeout(() => {
    throw err;
  }, 0);
}

/**
 * A small typed emitter. A listener that throws does not stop the others nor the client's own
 * bookkeeping: its error goes to `report` (by default rethrown on a later tick).
 */
export function createEmitter<Events>(report: (err: unknown) => void = rethrowLater): Emitter<Events> {
  const listeners = new Map<keyof Events, Set<Listener<never>>>();

  const emitter: Emitter<Events> = {
    on(name, listener) {
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      set.add(listener as Listener<never>);
      return () => emitter.off(name, listener);
    },
    off(name, listener) {
      listeners.get(name)?.delete(listener as Listener<never>);
    },
    once(name, listener) {
      const off = emitter.on(name, (payload) => {
        off();
        listener(payload);
      });
      return off;
    },
    emit(name, payload) {
      const set = listeners.get(name);
      if (!set) return;
      for (const listener of [...set]) {
        try {
          (listener as Listener<Events[typeof name]>)(payload);
        } catch (err) {
          report(err);
        }
      }
    },
    listenerCount: (name) => listeners.get(name)?.size ?? 0,
  };
  return emitter;
}
