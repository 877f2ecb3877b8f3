import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile, realpath, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/**
 * A small static file server on loopback for tests, e2e and demos: serves a folder (a host page
 * with the pasted script tag, built bundles) with correct content types, optional extra response
 * headers (e.g. a strict Content-Security-Policy) and optional HTML rewriting (e.g. pointing the
 * pasted tag at a test backend's port). Never used by production code.
 */

export interface StaticServerOptions {
  /** Folder to serve. Nothing outside it is ever served (no `..`, no symlinks leading out). */
  root: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** Extra headers on every response (including 404s), e.g. `{ 'Content-Security-Policy': "script-src 'self'" }`. */
  headers?: Record<string, string>;
  /**
   * Rewrites HTML files before they are sent. `path` is the request path (e.g. `/index.html`,
   * or `/` for a directory's index.html); `body` is the file as UTF-8.
   */
  rewrite?: (path: string, body: string) => string;
}

export interface StaticServer {
  /** `http://host:port` with no trailing slash. */
  url: string;
  port: number;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

/** Content type for a file name; unknown extensions are served as opaque bytes. */
export function contentTypeFor(fileName: string): string {
  return CONTENT_TYPES[path.extname(fileName).toLowerCase()] ?? 'application/octet-stream';
}

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export async function startStaticServer(opts: StaticServerOptions): Promise<StaticServer> {
  const host = opts.host ?? '127.0.0.1';
  // Resolve symlinks in the root itself once, so the containment check compares real paths.
  const root = await realpath(path.resolve(opts.root));
  const extraHeaders = opts.headers ?? {};

  const send = (res: ServerResponse, status: number, headers: Record<string, string | number>, body: Buffer | string, head: boolean) => {
    res.writeHead(status, {
      ...extraHeaders,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
      ...headers,
      'Content-Length': Buffer.byteLength(body),
    });
    res.end(head ? undefined : body);
  };
  const notFound = (res: ServerResponse, head: boolean) =>
    send(res, 404, { 'Content-Type': 'text/plain; charset=utf-8' }, 'Not found\n', head);

  /** Maps a request path to a real file inside root, or null. */
  const resolveFile = async (urlPath: string): Promise<string | null> => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(urlPath);
    } catch {
      return null;
    }
    if (decoded.includes('\0')) return null;
    // Treat backslashes as separators too, so `..\\` cannot sneak past on any platform.
    const segments = decoded.split(/[\\/]+/).filter((s) => s !== '' && s !== '.');
    if (segments.includes('..')) return null;
    let candidate = path.join(root, ...segments);
    if (!isInside(root, candidate)) return null;
    try {
      let info = await stat(candidate);
      if (info.isDirectory()) {
        candidate = path.join(candidate, 'index.html');
        info = await stat(candidate);
      }
      if (!info.isFile()) return null;
      const real = await realpath(candidate);
      return isInside(root, real) ? real : null;
    } catch {
      return null;
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) {
      send(res, 405, { 'Content-Type': 'text/plain; charset=utf-8', Allow: 'GET, HEAD' }, 'Method not allowed\n', false);
      return;
    }
    const rawPath = (req.url ?? '/').split('?')[0]!.split('#')[0]!;
    const file = await resolveFile(rawPath);
    if (!file) return notFound(res, head);
    const type = contentTypeFor(file);
    let body: Buffer | string = await readFile(file);
    if (opts.rewrite && type.startsWith('text/html')) body = opts.rewrite(rawPath, body.toString('utf8'));
    send(res, 200, { 'Content-Type': type }, body, head);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) return res.destroy();
      send(res, 500, { 'Content-Type': 'text/plain; charset=utf-8' }, `Internal error: ${String(err)}\n`, false);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
