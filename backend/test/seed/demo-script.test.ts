import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLISHABLE_KEY_HEADER, ROUTES } from '@prex/protocol';
import { closedPort } from '@prex/testing';
import { ensureBuilt } from '../helpers/cli.js';

/** `npm run demo` hands over to examples/demo.mjs once the workspace is built; this runs that script. */
const DEMO_SCRIPT = fileURLToPath(new URL('../../../examples/demo.mjs', import.meta.url));
const DEMO_KEY = 'pk_demo_northwind';

/** Polls /readyz until 200; a demo that exits first fails the run with what it printed. */
async function waitForReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  for (const deadline = Date.now() + 150_000; Date.now() < deadline; ) {
    if (child.exitCode !== null) throw new Error(`the demo exited with ${child.exitCode}:\n${output()}`);
    if ((await fetch(url).then((r) => r.status, () => 0)) === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the demo's backend never became ready:\n${output()}`);
}

describe('npm run demo with the pages on another port (PREX_DEMO_PAGE_PORT)', () => {
  let demo: ChildProcess;
  let output = '';
  let outbox: string;
  let backendUrl: string;
  let pagePort: number;

  beforeAll(async () => {
    await ensureBuilt();
    outbox = await mkdtemp(path.join(tmpdir(), 'prex-demo-outbox-'));
    const backendPort = await closedPort();
    pagePort = await closedPort();
    backendUrl = `http://127.0.0.1:${backendPort}`;
    demo = spawn(process.execPath, [DEMO_SCRIPT], {
      env: {
        PATH: process.env.PATH ?? '',
        PORT: String(backendPort),
        PREX_DEMO_PAGE_PORT: String(pagePort),
        // A throwaway database and outbox: the test must not touch the working tree's .prex/.
        PREX_DATA_DIR: ':memory:',
        PREX_OUTBOX_DIR: outbox,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    demo.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    demo.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // Ready once the backend has seeded the demo tenant and listens (the pages start alongside).
    await waitForReady(`${backendUrl}${ROUTES.ready}`, demo, () => output);
  }, 180_000);

  afterAll(async () => {
    if (demo && demo.exitCode === null) {
      const exited = once(demo, 'exit');
      demo.kill('SIGTERM');
      await exited;
    }
    if (outbox) await rm(outbox, { recursive: true, force: true });
  });

  const widgetConfigFrom = (origin: string) =>
    fetch(`${backendUrl}${ROUTES.widgetConfig}`, { headers: { [PUBLISHABLE_KEY_HEADER]: DEMO_KEY, origin } });

  it('prints the pages URL on that port and serves them there, pointing at the backend port', async () => {
    expect(output).toContain(`Prex demo: http://localhost:${pagePort}/`);
    const page = await fetch(`http://127.0.0.1:${pagePort}/plain-html/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`${backendUrl.replace('127.0.0.1', 'localhost')}/loader.js`);
  });

  it('the demo key is accepted from the pages’ origins on that port, not from the default port', async () => {
    for (const origin of [`http://localhost:${pagePort}`, `http://127.0.0.1:${pagePort}`]) {
      const res = await widgetConfigFrom(origin);
      expect(res.status, `${origin}: ${output}`).toBe(200);
    }
    expect((await widgetConfigFrom('http://localhost:8080')).status).toBe(403);
  });
});
