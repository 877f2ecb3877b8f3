import type { Emit, PrexEventMap, PrexEventName } from '@prex/protocol/embed';

/**
 * Events the widget reports to the host page through `Prex('on', name, fn)`, declared in
 * @prex/protocol/embed. The pane's store emits them; the loader (or the npm package) fans them out
 * to subscribers.
 */
export type { Emit, PrexEventMap, PrexEventName } from '@prex/protocol/embed';
export type Listener<K extends PrexEventName> = (payload: PrexEventMap[K]) => void;

/** A tiny typed emitter; a listener that throws never breaks the widget or other listeners. */
export function createEmitter() {
  const listeners = new Map<PrexEventName, Set<(payload: unknown) => void>>();
  const emit: Emit = (name, payload) => {
    for (const listener of listeners.get(name) ?? []) {
      try {
        listener(payload);
      } catch (error) {
        console.error(`[prex] a '${name}' listener threw`, error);
      }
    }
  };
  function on<K extends PrexEventName>(name: K, listener: Listener<K>): () => void {
    const set = listeners.get(name) ?? new Set();
    listeners.set(name, set);
    set.add(listener as (payload: unknown) => void);
    return () => set.delete(listener as (payload: unknown) => void);
  }
  return { emit, on, clear: () => listeners.clear() };
}
export type Emitter = ReturnType<typeof createEmitter>;
