import type { Logger } from './logger.js';

/**
 * A background job run on a timer: the retention sweep, the removal of erased attachment files,
 * the automatic conversation summaries. One loop for all of them, so each gets the same guarantees:
 * runs never overlap, a failure is logged and the next period tries again, and shutdown waits for
 * the run in progress instead of closing the database under it.
 */
export interface PeriodicTask<T> {
  /** One run now; while a run is in progress, that run (runs never overlap). Rejects when the run fails. */
  runOnce(): Promise<T>;
  /** Stops the timer and waits for a run in progress (its failure was logged already). */
  stop(): Promise<void>;
}

export interface PeriodicTaskOptions<T> {
  /** The work of one period. */
  run(): Promise<T>;
  everyMs: number;
  /** When the first run comes (default: after everyMs); later runs keep the everyMs rhythm from the start. */
  firstAfterMs?: number;
  log: Logger;
  /** The log line of a failed run (the error's message is added), and its level (default 'error'). */
  failure: { message: string; level?: 'warn' | 'error' };
}

/** Starts running `run` every `everyMs`. The timers do not keep the process (or a test run) alive. */
export function startPeriodicTask<T>(options: PeriodicTaskOptions<T>): PeriodicTask<T> {
  const { log, failure } = options;
  let running: Promise<T> | undefined;

  const runOnce = (): Promise<T> =>
    (running ??= options.run().finally(() => {
      running = undefined;
    }));

  const tick = () => {
    // A run still going when its period is over is this period's run too: no second one beside it.
    if (running) return;
    runOnce().catch((error: unknown) => log[failure.level ?? 'error'](failure.message, { error: error instanceof Error ? error.message : String(error) }));
  };

  const first = options.firstAfterMs === undefined ? undefined : setTimeout(tick, options.firstAfterMs).unref();
  const timer = setInterval(tick, options.everyMs).unref();
  return {
    runOnce,
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
