/**
 * Click-to-interactive in Chromium: from the click on the launcher to the pane rendered and its
 * input focused (the visitor can type), measured inside the page (performance.now, one rAF poll),
 * median over N opens. Three cases:
 *   cold        a fresh browser context per open (empty HTTP cache, no storage), a click with no
 *               pointer over the launcher before it: the click pays for downloading pane.js;
 *   cold, hover the same, but the mouse moves over the launcher HOVER_MS before the click, as a
 *               mouse user's does (the loader starts fetching the pane on that first sign of intent);
 *   prefetched  the tag has data-prex-prefetch="idle" and the cache is warm (the page was loaded
 *               before): pane.js is fetched at idle time, so the click only mounts it.
 * Prints; never asserts (timings depend on the machine).
 *
 * `--latency MS` adds MS of latency to every request (Chromium's network emulation, as DevTools'
 * throttling does): on loopback a round trip costs nothing, so an extra file on the click's path
 * (pane.js importing a chunk) only shows with latency.
 *
 *   pnpm --filter @prex/bench bench:cti [--runs 20] [--latency 0]
 *
 * Playwright comes from the e2e package (the bench has no browser dependency of its own) and the
 * browser is Debian's Chromium (PREX_CHROMIUM to override), as in the e2e tests.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { percentile, round, summarize } from './stats.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { runs: { type: 'string', default: '20' }, latency: { type: 'string', default: '0' } },
});
const RUNS = Math.max(1, Number(values.runs) || 20);
const LATENCY_MS = Math.max(0, Number(values.latency) || 0);

type Browser = { newContext(): Promise<Context>; close(): Promise<void> };
type Context = {
  newPage(): Promise<Page>;
  close(): Promise<void>;
  newCDPSession(page: Page): Promise<{ send(method: string, params?: object): Promise<unknown> }>;
};
type Page = {
  mouse: { move(x: number, y: number): Promise<void> };
  goto(url: string, o?: { waitUntil?: string }): Promise<unknown>;
  reload(o?: { waitUntil?: string }): Promise<unknown>;
  waitForSelector(s: string): Promise<unknown>;
  waitForLoadState(s: string): Promise<void>;
  evaluate<T>(expression: string): Promise<T>;
};
const requireFromE2e = createRequire(path.join(repoRoot, 'e2e', 'package.json'));
const { chromium } = requireFromE2e('@playwright/test') as { chromium: { launch(o: object): Promise<Browser> } };

/** A page in `ctx` whose every request waits LATENCY_MS longer (none when 0). */
async function newPage(ctx: Context): Promise<Page> {
  const p = await ctx.newPage();
  if (LATENCY_MS > 0) {
    const cdp = await ctx.newCDPSession(p);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: LATENCY_MS, downloadThroughput: -1, uploadThroughput: -1 });
  }
  return p;
}

/** Pointer over the launcher → click: a quick mouse user (people typically take longer). */
const HOVER_MS = 100;

const page = (attrs: string) => (api: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Prex bench</title>
<script src="${api}/loader.js" data-prex-key="pk_demo_northwind" ${attrs} async></script></head><body><h1>Bench host page</h1></body></html>`;

/**
 * Runs in the page (as source text: the bench compiles without DOM types): click the launcher,
 * resolve with the milliseconds until the pane is shown and its input has focus.
 */
const CLICK_TO_INTERACTIVE = `new Promise((resolve, reject) => {
  const launcher = document.querySelector('prex-launcher').shadowRoot;
  const button = launcher.querySelector('button');
  const t0 = performance.now();
  button.click();
  const poll = () => {
    const paneRoot = launcher.querySelector('prex-pane')?.shadowRoot;
    const pane = paneRoot?.querySelector('[data-testid="prex-pane"]');
    const focused = paneRoot?.activeElement;
    if (pane && !pane.hidden && pane.offsetHeight > 0 && focused?.dataset.testid === 'prex-input') return resolve(performance.now() - t0);
    if (performance.now() - t0 > 15000) return reject(new Error('pane not interactive after 15 s'));
    requestAnimationFrame(poll);
  };
  poll();
})`;

async function main() {
  const { startStaticServer } = await import('@prex/testing');
  const { startServer } = await import('@prex/backend/server');
  const { loadConfig } = await import('@prex/backend/config');
  const dir = await mkdtemp(path.join(tmpdir(), 'prex-cti-'));
  let api = '';
  const host = await startStaticServer({ root: dir, host: '127.0.0.1', rewrite: (_p, body) => body.replaceAll('__API__', api) });
  await writeFile(path.join(dir, 'cold.html'), page('')('__API__'));
  await writeFile(path.join(dir, 'prefetch.html'), page('data-prex-prefetch="idle"')('__API__'));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    PREX_DATA_DIR: path.join(dir, 'data'),
    PREX_SEED_DEMO: 'true',
    PREX_DEMO_ORIGINS: host.url,
    PREX_RATE_LIMIT_PER_MINUTE: '100000000',
    LOG_LEVEL: 'warn',
  });
  const server = await startServer({ config });
  api = server.url.replace(/\/$/, '');
  const browser = await chromium.launch({
    executablePath: process.env.PREX_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const cold: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const ctx = await browser.newContext();
      const p = await newPage(ctx);
      await p.goto(`${host.url}/cold.html`, { waitUntil: 'load' });
      await p.waitForSelector('prex-launcher');
      cold.push(await p.evaluate<number>(CLICK_TO_INTERACTIVE));
      await ctx.close();
    }

    const hovered: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const ctx = await browser.newContext();
      const p = await newPage(ctx);
      await p.goto(`${host.url}/cold.html`, { waitUntil: 'load' });
      await p.waitForSelector('prex-launcher');
      const [x, y] = await p.evaluate<[number, number]>(
        `(() => { const r = document.querySelector('prex-launcher').getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()`,
      );
      await p.mouse.move(x, y);
      await new Promise((r) => setTimeout(r, HOVER_MS));
      hovered.push(await p.evaluate<number>(CLICK_TO_INTERACTIVE));
      await ctx.close();
    }

    const warm: number[] = [];
    const ctx = await browser.newContext();
    const p = await newPage(ctx);
    await p.goto(`${host.url}/prefetch.html`, { waitUntil: 'networkidle' }); // fills the HTTP cache
    for (let i = 0; i < RUNS; i++) {
      // The loader keeps the pane open across reloads in a tab (sessionStorage): start each open closed.
      await p.evaluate('sessionStorage.clear()');
      await p.reload({ waitUntil: 'load' });
      await p.waitForSelector('prex-launcher');
      await p.waitForLoadState('networkidle'); // the idle-time prefetch of pane.js has landed
      warm.push(await p.evaluate<number>(CLICK_TO_INTERACTIVE));
    }
    await ctx.close();

    const line = (label: string, xs: number[]) => {
      const s = summarize(xs);
      const p90 = percentile([...xs].sort((a, b) => a - b), 0.9);
      console.log(
        `${label.padEnd(34)} median ${round(s.median, 1)} ms   p90 ${round(p90, 1)} ms   min ${round(s.min, 1)} ms   max ${round(s.max, 1)} ms   (n=${xs.length})`,
      );
    };
    const link = LATENCY_MS > 0 ? `, ${LATENCY_MS} ms added to every request` : '';
    console.log(`\nClick-to-interactive in Chromium (click launcher → pane rendered, input focused${link}), ${RUNS} opens each:`);
    line('cold (no cache, fresh context)', cold);
    line(`cold, pointer over ${HOVER_MS} ms before`, hovered);
    line('prefetched (idle prefetch, warm)', warm);
  } finally {
    await browser.close();
    await server.close();
    await host.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
