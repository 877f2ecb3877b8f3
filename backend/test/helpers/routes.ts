import { request } from 'node:http';
import type { Express, RequestHandler } from 'express';

/** One method and path pattern the app answers, as registered in its router. */
export interface RegisteredRoute {
  /** Upper case: GET, POST, … */
  method: string;
  /** The Express pattern, e.g. `/v1/chat/:messageId/stream` or `/v1/admin/documents/*externalId`. */
  path: string;
  /** Every handler the route runs, its group's policy first. */
  handlers: readonly RequestHandler[];
}

interface LayerLike {
  route?: { path: string; methods: Record<string, boolean>; stack: Array<{ handle: RequestHandler }> };
  handle: unknown;
  rawPath?: unknown;
}

/**
 * Every route registered in the real app, found by walking its router (and the routers mounted in
 * it), so a route added tomorrow is covered by the tests that use this list without editing them.
 */
export function registeredRoutes(app: Express): RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  collect((app as unknown as { router: { stack: LayerLike[] } }).router.stack, '', routes);
  return routes;
}

function collect(stack: readonly LayerLike[], prefix: string, into: RegisteredRoute[]): void {
  for (const layer of stack) {
    if (layer.route) {
      const { route } = layer;
      for (const [method, registered] of Object.entries(route.methods)) {
        if (!registered || method === '_all') continue;
        into.push({ method: method.toUpperCase(), path: prefix + route.path, handlers: route.stack.map((l) => l.handle) });
      }
    } else if (isRouter(layer.handle)) {
      const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      collect(layer.handle.stack, prefix + mount, into);
    }
  }
}

function isRouter(handle: unknown): handle is { stack: LayerLike[] } {
  return typeof handle === 'function' && Array.isArray((handle as { stack?: unknown }).stack);
}

const PARAM = /[:*](\w+)/g;

/** The names of a pattern's parameters, in order (`:id` and wildcards `*rest`). */
export function paramNames(pattern: string): string[] {
  return [...pattern.matchAll(PARAM)].map((m) => m[1]!);
}

/** The pattern with each parameter replaced by `segment(name)`, which must already be percent-encoded. */
export function fillPath(pattern: string, segment: (name: string) => string): string {
  return pattern.replace(PARAM, (_all, name: string) => segment(name));
}

export interface RawRequest {
  method: string;
  /** Sent as is: may hold malformed percent-encoding on purpose. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** The client gives up after this long; the promise then rejects: the server hung. */
  timeoutMs: number;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body, or '' for an event stream (closed once its headers arrived). */
  text: string;
}

/**
 * One request over a fresh connection with node:http, which, unlike fetch, sends a path exactly as
 * given and a body with any method. Rejects when no complete answer arrives within timeoutMs.
 */
export function rawRequest(baseUrl: string, req: RawRequest): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  // Framed by length: node:http sends a GET or DELETE body unframed (not chunked) otherwise.
  const headers = req.body === undefined ? req.headers : { ...req.headers, 'content-length': String(Buffer.byteLength(req.body)) };
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: hostname, port, method: req.method, path: req.path, headers, agent: false, signal: AbortSignal.timeout(req.timeoutMs) },
      (res) => {
        const status = res.statusCode ?? 0;
        // A live answer streams for as long as it takes; its status line is the answer to the request.
        if (String(res.headers['content-type']).startsWith('text/event-stream')) {
          res.destroy();
          resolve({ status, headers: res.headers, text: '' });
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    outgoing.on('error', (err) => {
      const timedOut = err.name === 'AbortError' || err.name === 'TimeoutError';
      reject(timedOut ? new Error(`${req.method} ${req.path}: no answer within ${req.timeoutMs} ms`) : err);
    });
    outgoing.end(req.body);
  });
}
