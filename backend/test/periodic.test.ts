import { afterEach, describe, expect, it } from 'vitest';
import { startPeriodicTask, type PeriodicTask, type PeriodicTaskOptions } from '../src/periodic.js';
import { recordingLog } from './helpers/email.js';
import { eventually } from './helpers/eventually.js';

/**
 * The loop of every background job (retention sweep, erased files, summaries), on real timers.
 * Nothing here waits a fixed time: each test waits for a condition, and "time went by" is shown by
 * a second interval of the same period that counts its own ticks (Node fires equal timers in order).
 */

const EVERY_MS = 2;
const started: PeriodicTask<unknown>[] = [];
const clocks: NodeJS.Timeout[] = [];

/** Resolves once `periods` periods of EVERY_MS went by, counted by an interval started now. */
async function periodsPass(periods: number): Promise<void> {
  let ticks = 0;
  const clock = setInterval(() => (ticks += 1), EVERY_MS);
  clocks.push(clock);
  await eventually(async () => ticks >= periods);
  clearInterval(clock);
}

/** A run that waits until released. */
function gate(): { wait: Promise<void>; open(): void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

function start<T>(options: Pick<PeriodicTaskOptions<T>, 'run'> & Partial<PeriodicTaskOptions<T>>): PeriodicTask<T> {
  const task = startPeriodicTask<T>({ everyMs: EVERY_MS, log: options.log ?? recordingLog(), failure: { message: 'task failed' }, ...options });
  started.push(task);
  return task;
}

afterEach(async () => {
  clocks.splice(0).forEach(clearInterval);
  await Promise.all(started.splice(0).map((t) => t.stop()));
});

describe('a periodic task', () => {
  it('runs every period', async () => {
    let runs = 0;
    start({ run: async () => (runs += 1) });
    await eventually(async () => runs >= 3);
  });

  it('never runs beside itself: periods that pass during a run start no second run', async () => {
    let active = 0;
    let most = 0;
    let runs = 0;
    const first = gate();
    start({
      run: async () => {
        runs += 1;
        active += 1;
        most = Math.max(most, active);
        if (runs === 1) await first.wait;
        active -= 1;
      },
    });
    await eventually(async () => runs === 1);
    await periodsPass(10);
    expect(runs).toBe(1);
    first.open();
    await eventually(async () => runs >= 3);
    expect(most).toBe(1);
  });

  it('runOnce during a run joins that run', async () => {
    const release = gate();
    let runs = 0;
    const task = start({
      run: async () => {
        runs += 1;
        await release.wait;
        return runs;
      },
      firstAfterMs: 0,
    });
    await eventually(async () => runs === 1);
    const joined = task.runOnce();
    release.open();
    expect(await joined).toBe(1);
  });

  it('logs a failed run and runs again the next period', async () => {
    const log = recordingLog();
    let runs = 0;
    start({
      log,
      run: async () => {
        runs += 1;
        if (runs === 1) throw new Error('database unreachable');
      },
    });
    await eventually(async () => runs >= 2);
    expect(log.lines[0]).toEqual({ level: 'error', msg: 'task failed', fields: { error: 'database unreachable' } });
  });

  it('logs at the level asked for', async () => {
    const log = recordingLog();
    start({ run: async () => Promise.reject(new Error('storage down')), log, failure: { message: 'could not remove files', level: 'warn' } });
    await eventually(async () => log.lines.length > 0);
    expect(log.lines[0]).toMatchObject({ level: 'warn', msg: 'could not remove files' });
  });

  it('stop waits for the run in progress, and nothing runs after it', async () => {
    const release = gate();
    let runs = 0;
    let finished = false;
    const task = start({
      run: async () => {
        runs += 1;
        await release.wait;
        finished = true;
      },
    });
    await eventually(async () => runs === 1);
    let stopped = false;
    const stopping = task.stop().then(() => (stopped = true));
    await periodsPass(3);
    expect(stopped).toBe(false);
    release.open();
    await stopping;
    expect(finished).toBe(true);
    await periodsPass(10);
    expect(runs).toBe(1);
  });

  it('a first run after firstAfterMs, before the first full period', async () => {
    let runs = 0;
    start({ run: async () => (runs += 1), everyMs: 3_600_000, firstAfterMs: 0 });
    await eventually(async () => runs === 1);
  });
});
