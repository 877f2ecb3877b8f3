/**
 * Events the widget reports to the host page through `Prex('on', name, fn)`.
 * The pane's store emits them; the loader (or the npm package) fans them out to subscribers.
 */
export interface PrexEventMap {
  /** The pane is mounted and its conversation restored. */
  ready: { sessionId: string | undefined };
  open: Record<string, never>;
  close: Record<string, never>;
  /** The visitor sent a message. */
  'message:sent': { text: string };
  /** An answer finished (complete, stopped or failed). */
  'message:received': { messageId: string; text: string; status: 'complete' | 'stopped' | 'error' };
  /** Answers that arrived while the pane was closed. */
  'unread:change': { count: number };
  /** The conversation was handed to a human. */
  handoff: { reason?: string };
  error: { message: string; code?: string };
}

export type PrexEventName = keyof PrexEventMap;
export type Emit = <K extends PrexEventName>(name: K, payload: PrexEventMap[K]) => void;
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
