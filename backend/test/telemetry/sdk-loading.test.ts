import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOtlpCollector, type OtlpCollector } from '@prex/testing';
import { TEST_SESSION_SECRET } from '../helpers/app.js';
import { startBackendProcess } from '../helpers/backend-process.js';
import { ORIGIN, newVisitor, readSse, send } from '../helpers/chat.js';
import { ensureBuilt } from '../helpers/cli.js';

/**
 * "Off and free": the built server (dist/main.js, as `npm start` runs it) with no collector
 * configured loads no module of the OpenTelemetry SDK, only the API the span helpers import. A
 * module-resolution hook preloaded in the process records every @opentelemetry package resolved,
 * statically or by dynamic import. With a collector configured, the same record shows the SDK
 * (the hook sees it), and the turn's spans reach the collector when the process stops on SIGTERM.
 */

const RECORDER = pathToFileURL(fileURLToPath(new URL('./load-recorder.mjs', import.meta.url))).href;
const DEMO_KEY = 'pk_demo_northwind';

let dir: string;
beforeAll(async () => {
  await ensureBuilt();
  dir = await mkdtemp(path.join(tmpdir(), 'prex-otel-loads-'));
}, 300_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The @opentelemetry packages a process resolved, by name. */
function packagesIn(log: string): Set<string> {
  return new Set([...log.matchAll(/\/node_modules\/@opentelemetry\/([a-z0-9-]+)\//g)].map((m) => m[1]!));
}

/** Runs the built server with `env`, asks one question, stops it with SIGTERM; returns the packages it resolved. */
async function oneTurnInProcess(name: string, env: Record<string, string>): Promise<Set<string>> {
  const logFile = path.join(dir, `${name}.log`);
  const backend = await startBackendProcess({
    NODE_OPTIONS: `--import=${RECORDER}`,
    PREX_TEST_LOAD_LOG: logFile,
    PREX_DATA_DIR: ':memory:',
    PREX_SEED_DEMO: 'true',
    PREX_DEMO_ORIGINS: ORIGIN,
    PREX_SESSION_SECRET: TEST_SESSION_SECRET,
    PREX_OUTBOX_DIR: path.join(dir, 'outbox'),
    ...env,
  });
  try {
    const read = await readSse(await send(await newVisitor({ url: backend.url, publishableKey: DEMO_KEY }), { text: 'How do I get a refund?' }));
    expect(read.done).toBe(true);
    const exited = once(backend.child, 'exit');
    backend.child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
  } finally {
    await backend.kill();
  }
  return packagesIn(await readFile(logFile, 'utf8').catch(() => ''));
}

describe('the OpenTelemetry SDK in the running server', { timeout: 180_000 }, () => {
  let collector: OtlpCollector;
  beforeAll(async () => {
    collector = await startOtlpCollector();
  });
  afterAll(async () => {
    await collector?.close();
  });

  it('is not loaded when no endpoint is configured: only the API is', async () => {
    expect([...(await oneTurnInProcess('off', {}))]).toEqual(['api']);
    expect(collector.spans()).toEqual([]);
  });

  it('is loaded when one is, and the turn reaches the collector by the time the process has stopped', async () => {
    const loaded = await oneTurnInProcess('on', { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url });
    for (const sdk of ['sdk-trace', 'exporter-trace-otlp-http', 'context-async-hooks', 'resources']) expect(loaded).toContain(sdk);
    const names = collector.spans().map((s) => s.name);
    expect(names).toContain('prex.turn');
    expect(names).toContain('prex.retrieval');
    expect(names).toContain('prex.answer.stream');
  });
});
