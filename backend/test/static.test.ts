import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import type { Db } from '../src/db/db.js';
import { startServer } from '../src/server.js';
import { readJson, testConfig } from './helpers/app.js';
import { silentLog } from './helpers/db.js';

/** Static hosting never touches the database; any use of it here is a bug. */
const noDb: Db = {
  engine: 'pglite',
  query: () => Promise.reject(new Error('static routes must not query')),
  exec: () => Promise.reject(new Error('static routes must not query')),
  transaction: () => Promise.reject(new Error('static routes must not query')),
  close: async () => undefined,
};

const dir = mkdtempSync(path.join(tmpdir(), 'prex-static-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function serve(staticDir: string) {
  return startServer({ config: testConfig({ PREX_STATIC_DIR: staticDir }), db: noDb, log: silentLog });
}

describe('static assets', () => {
  let server: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    mkdirSync(path.join(dir, 'built/widget/chunks'), { recursive: true });
    writeFileSync(path.join(dir, 'built/loader.js'), 'console.log("loader")');
    writeFileSync(path.join(dir, 'built/widget/pane.js'), 'export const pane = 1;');
    writeFileSync(path.join(dir, 'built/widget/chunks/markdown-B1x2Y3z4.js'), 'export const md = 1;');
    server = await serve(path.join(dir, 'built'));
  });
  afterAll(() => server?.close());

  it('serves loader.js with a short cache, readable cross-origin', async () => {
    const res = await fetch(`${server.url}/loader.js`, { headers: { Origin: 'https://any.example' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    expect(res.headers.get('access-control-allow-origin')).toBe('https://any.example');
    expect(await res.text()).toBe('console.log("loader")');
  });

  it('serves the pane with a short cache and hashed chunks with a long immutable one', async () => {
    const pane = await fetch(`${server.url}/widget/pane.js`);
    expect(pane.status).toBe(200);
    expect(pane.headers.get('cache-control')).toBe('public, max-age=300');
    const chunk = await fetch(`${server.url}/widget/chunks/markdown-B1x2Y3z4.js`);
    expect(chunk.status).toBe(200);
    expect(chunk.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('unknown widget files → 404 JSON', async () => {
    const res = await fetch(`${server.url}/widget/nope.js`);
    expect(res.status).toBe(404);
    expect((await readJson(res)).error).toMatchObject({ code: 'not_found', message: 'No widget asset /nope.js' });
  });

  it('a missing build → 404 JSON naming the build command, and the API still works', async () => {
    const empty = await serve(path.join(dir, 'does-not-exist'));
    try {
      const loader = await fetch(`${empty.url}/loader.js`);
      expect(loader.status).toBe(404);
      expect((await readJson(loader)).error.message).toMatch(/loader\.js is not built.*@prex\/loader/);
      const pane = await fetch(`${empty.url}/widget/pane.js`);
      expect(pane.status).toBe(404);
      expect((await readJson(pane)).error.message).toMatch(/widget is not built.*@prex\/widget/);
      expect((await fetch(`${empty.url}/healthz`)).status).toBe(200);
    } finally {
      await empty.close();
    }
  });

  it('createApp mounts without touching the database', () => {
    expect(() => createApp({ config: testConfig(), db: noDb, log: silentLog })).not.toThrow();
  });
});
