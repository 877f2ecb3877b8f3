import { get, request } from 'node:http';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStaticServer, type StaticServer } from '../src/static-server.js';

// A 1x1 transparent PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

let dir: string;
let root: string;

/** A raw request, so paths like `/../x` reach the server un-normalised (fetch would clean them). */
function rawGet(server: StaticServer, rawPath: string, method = 'GET') {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>(
    (resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: server.port, path: rawPath, method }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    },
  );
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'prex-static-'));
  root = path.join(dir, 'site');
  await mkdir(path.join(root, 'widget'), { recursive: true });
  await mkdir(path.join(root, 'docs'), { recursive: true });
  await writeFile(path.join(root, 'index.html'), '<script src="http://127.0.0.1:8787/loader.js" data-prex-key="pk_demo_northwind"></script>');
  await writeFile(path.join(root, 'docs', 'index.html'), '<h1>docs</h1>');
  await writeFile(path.join(root, 'widget', 'pane.js'), 'export const x = 1;');
  await writeFile(path.join(root, 'style.css'), 'body{}');
  await writeFile(path.join(root, 'data.json'), '{"a":1}');
  await writeFile(path.join(root, 'icon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  await writeFile(path.join(root, 'dot.png'), PNG);
  await writeFile(path.join(root, 'blob.bin'), 'x');
  await writeFile(path.join(root, 'with space.txt'), 'spaced');
  // Outside the root: must never be served.
  await writeFile(path.join(dir, 'secret.txt'), 'TOP SECRET');
  await symlink(path.join(dir, 'secret.txt'), path.join(root, 'link-out.txt'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('startStaticServer', () => {
  let server: StaticServer;
  beforeAll(async () => {
    server = await startStaticServer({ root });
  });
  afterAll(() => server.close());

  it('listens on loopback on a free port', () => {
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
  });

  it.each([
    ['/index.html', 'text/html; charset=utf-8'],
    ['/widget/pane.js', 'text/javascript; charset=utf-8'],
    ['/style.css', 'text/css; charset=utf-8'],
    ['/data.json', 'application/json; charset=utf-8'],
    ['/icon.svg', 'image/svg+xml'],
    ['/dot.png', 'image/png'],
    ['/blob.bin', 'application/octet-stream'],
  ])('serves %s as %s', async (p, type) => {
    const res = await fetch(server.url + p);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(type);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves binary files byte for byte', async () => {
    const res = await fetch(`${server.url}/dot.png`);
    expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);
    expect(res.headers.get('content-length')).toBe(String(PNG.length));
  });

  it('serves index.html for directories and ignores query strings', async () => {
    const rootRes = await fetch(`${server.url}/?x=1`);
    expect(rootRes.status).toBe(200);
    expect(await rootRes.text()).toContain('data-prex-key');
    const docs = await fetch(`${server.url}/docs/`);
    expect(await docs.text()).toBe('<h1>docs</h1>');
  });

  it('decodes percent-encoded names', async () => {
    const res = await fetch(`${server.url}/with%20space.txt`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('spaced');
  });

  it('answers 404 for missing files and malformed encodings', async () => {
    expect((await fetch(`${server.url}/nope.js`)).status).toBe(404);
    expect((await fetch(`${server.url}/widget/nope/deeper.js`)).status).toBe(404);
    expect((await rawGet(server, '/%E0%A4%A')).status).toBe(404);
    expect((await rawGet(server, '/index.html%00.js')).status).toBe(404);
  });

  it.each([
    '/../secret.txt',
    '/../../secret.txt',
    '/widget/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E%2Fsecret.txt',
    '/..%2fsecret.txt',
    '/..%5csecret.txt',
    '/widget/..%5c..%5csecret.txt',
    '//' + '../secret.txt',
    '/link-out.txt',
  ])('never serves a file outside the root: %s', async (p) => {
    const res = await rawGet(server, p);
    expect(res.status).toBe(404);
    expect(res.body).not.toContain('TOP SECRET');
  });

  it('supports HEAD and rejects other methods', async () => {
    const head = await rawGet(server, '/style.css', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('6');
    expect(head.body).toBe('');
    const post = await rawGet(server, '/style.css', 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });
});

describe('startStaticServer options', () => {
  it('adds extra headers to every response, 404s included', async () => {
    const csp = "default-src 'self'; script-src 'self' http://127.0.0.1:1234";
    const server = await startStaticServer({ root, headers: { 'Content-Security-Policy': csp } });
    try {
      const ok = await fetch(`${server.url}/index.html`);
      expect(ok.headers.get('content-security-policy')).toBe(csp);
      const missing = await fetch(`${server.url}/missing`);
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-security-policy')).toBe(csp);
    } finally {
      await server.close();
    }
  });

  it('rewrites HTML (only HTML) with the request path', async () => {
    const seen: string[] = [];
    const server = await startStaticServer({
      root,
      rewrite: (p, body) => {
        seen.push(p);
        return body.replace('127.0.0.1:8787', '127.0.0.1:4242');
      },
    });
    try {
      const page = await fetch(`${server.url}/`);
      const text = await page.text();
      expect(text).toContain('http://127.0.0.1:4242/loader.js');
      expect(page.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
      expect(await (await fetch(`${server.url}/widget/pane.js`)).text()).toBe('export const x = 1;');
      expect(seen).toEqual(['/']);
    } finally {
      await server.close();
    }
  });

  it('uses the requested port and closes cleanly with open keep-alive connections', async () => {
    const first = await startStaticServer({ root });
    const port = first.port;
    await fetch(`${first.url}/index.html`); // leaves a keep-alive socket open
    await first.close();
    const second = await startStaticServer({ root, port });
    try {
      expect(second.port).toBe(port);
      // A fresh connection: fetch's pool may still hold the first server's closed keep-alive socket
      // for this host:port, and reusing it would test the client's pool, not the server.
      const status = await new Promise<number | undefined>((resolve, reject) =>
        get(`${second.url}/index.html`, { agent: false }, (res) => {
          res.resume();
          resolve(res.statusCode);
        }).on('error', reject),
      );
      expect(status).toBe(200);
    } finally {
      await second.close();
    }
  });
});
