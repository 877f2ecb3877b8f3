import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/db.js';
import { startServer } from '../src/server.js';
import { readJson, testConfig } from './helpers/app.js';
import { silentLog } from './helpers/db.js';

/** Serving the console never touches the database. */
const noDb: Db = {
  engine: 'pglite',
  query: () => Promise.reject(new Error('the console page must not query')),
  exec: () => Promise.reject(new Error('the console page must not query')),
  transaction: () => Promise.reject(new Error('the console page must not query')),
  close: async () => undefined,
};

const dir = mkdtempSync(path.join(tmpdir(), 'prex-console-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const INDEX = '<!doctype html><title>Prex console</title><script type="module" src="/console/assets/index-Ab12.js"></script>';

const PREVIEW = '<!doctype html><title>Widget preview</title><script type="module" src="/console/assets/theme-preview-Cd34.js"></script>';

async function serve(staticDir: string, env: Record<string, string> = {}) {
  return startServer({ config: testConfig({ PREX_STATIC_DIR: staticDir, ...env }), db: noDb, log: silentLog });
}

describe('the console, served at /console', () => {
  let server: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    mkdirSync(path.join(dir, 'built/console/assets'), { recursive: true });
    writeFileSync(path.join(dir, 'built/console/index.html'), INDEX);
    writeFileSync(path.join(dir, 'built/console/assets/index-Ab12.js'), 'export const app = 1;');
    writeFileSync(path.join(dir, 'built/console/theme-preview.html'), PREVIEW);
    server = await serve(path.join(dir, 'built'));
  });
  afterAll(() => server?.close());

  it('answers every page path with the app, under a strict CSP and never framed', async () => {
    for (const page of ['/console', '/console/', '/console/inbox/ses_abc', '/console/accept-invite']) {
      const res = await fetch(`${server.url}${page}`, { headers: { Origin: 'https://evil.example' } });
      expect(res.status, page).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(await res.text()).toBe(INDEX);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("connect-src 'self';");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      // Same-origin only: another site's script cannot read it.
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('serves the Theme page’s widget preview under its own CSP: framed by the console only, reaching no server', async () => {
    const res = await fetch(`${server.url}/console/theme-preview`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(PREVIEW);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("connect-src 'none'");
    expect(csp).toContain("frame-ancestors 'self'");
    expect(csp).not.toContain('unsafe-');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('lets the page reach the configured Supabase project for "Sign in with Supabase", and no other origin', async () => {
    const withSupabase = await serve(path.join(dir, 'built'), { PREX_SUPABASE_URL: 'https://abcd.supabase.co/', PREX_SUPABASE_ANON_KEY: 'anon-key' });
    try {
      const csp = (await fetch(`${withSupabase.url}/console/login`)).headers.get('content-security-policy') ?? '';
      expect(csp).toContain("connect-src 'self' https://abcd.supabase.co;");
    } finally {
      await withSupabase.close();
    }
  });

  it('serves hashed assets with a year-long immutable cache; an unknown one is a 404, not the page', async () => {
    const asset = await fetch(`${server.url}/console/assets/index-Ab12.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const missing = await fetch(`${server.url}/console/assets/gone-Zz99.js`);
    expect(missing.status).toBe(404);
    expect((await readJson(missing)).error.message).toBe('No console asset /gone-Zz99.js');
  });

  it('a missing build → 404 naming the build command, and the API still works', async () => {
    const empty = await serve(path.join(dir, 'does-not-exist'));
    try {
      const res = await fetch(`${empty.url}/console/inbox`);
      expect(res.status).toBe(404);
      expect((await readJson(res)).error.message).toMatch(/console is not built.*@prex\/console/);
      expect((await fetch(`${empty.url}/healthz`)).status).toBe(200);
    } finally {
      await empty.close();
    }
  });
});
