import { AsyncLocalStorage } from 'node:async_hooks';

/** Fields every log line written while some work runs carries (the request id of an HTTP request). */
export type LogContext = Readonly<Record<string, string>>;

const storage = new AsyncLocalStorage<LogContext>();

/**
 * Runs `work` with `fields` added to every line any logger writes until it (and whatever it started
 * asynchronously) is done, so features log as they always do and the lines still name their request.
 */
export function runWithLogContext<T>(fields: LogContext, work: () => T): T {
  return storage.run({ ...storage.getStore(), ...fields }, work);
}

/** The fields of the work running now; empty outside any. */
export function currentLogContext(): LogContext | undefined {
  return storage.getStore();
}
