import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback server speaking the part of Supabase Storage that `@supabase/supabase-js`'s
 * `storage.from(bucket)` calls for private objects, answering as Supabase does:
 * - POST /storage/v1/object/<bucket>/<path> (the bytes, their Content-Type, `x-upsert`): 200
 *   `{ Id, Key }`; 400 with statusCode "409" Duplicate when the name is taken and upsert is off;
 * - GET /storage/v1/object/<bucket>/<path>: the bytes with their type; 400 statusCode "404" not_found;
 * - DELETE /storage/v1/object/<bucket> with `{ prefixes: [...] }`: 200, the objects removed (names
 *   not there are left out, not an error).
 * Every call must carry the service-role key (`apikey` and `Authorization: Bearer`), else 400
 * statusCode "403"; an unknown bucket is 400 statusCode "404" "Bucket not found". Point the real
 * client at its URL. Never used by production code.
 */

export interface StoredObject {
  bytes: Buffer;
  contentType: string;
}

export interface RunningSupabaseStorageServer {
  /** http://127.0.0.1:port: the project URL (the client adds /storage/v1). */
  url: string;
  serviceRoleKey: string;
  /** Objects by bucket, then by name. Buckets given at start exist; others do not. */
  buckets: Map<string, Map<string, StoredObject>>;
  /** Every request received, with the key it carried. */
  requests: Array<{ method: string; path: string; apikey: string | undefined }>;
  close(): Promise<void>;
}

const OBJECT_PREFIX = '/storage/v1/object/';

export async function startSupabaseStorageServer(options: { buckets?: string[]; serviceRoleKey?: string } = {}): Promise<RunningSupabaseStorageServer> {
  const serviceRoleKey = options.serviceRoleKey ?? `service-${randomUUID()}`;
  const buckets = new Map((options.buckets ?? ['attachments']).map((name) => [name, new Map<string, StoredObject>()]));
  const requests: RunningSupabaseStorageServer['requests'] = [];

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  // Supabase Storage reports most failures as HTTP 400 with the real status in statusCode.
  const fail = (res: ServerResponse, statusCode: string, error: string, message: string) => json(res, 400, { statusCode, error, message });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const apikey = req.headers.apikey as string | undefined;
    requests.push({ method: req.method ?? '', path: url.pathname, apikey });
    const body = await readAll(req);
    if (apikey !== serviceRoleKey || req.headers.authorization !== `Bearer ${serviceRoleKey}`) {
      return fail(res, '403', 'Unauthorized', 'invalid signature');
    }
    if (!url.pathname.startsWith(OBJECT_PREFIX)) return fail(res, '404', 'not_found', 'Route not found');
    const [bucketName = '', ...rest] = url.pathname.slice(OBJECT_PREFIX.length).split('/').map(decodeURIComponent);
    const bucket = buckets.get(bucketName);
    if (!bucket) return fail(res, '404', 'Bucket not found', 'Bucket not found');
    const name = rest.join('/');

    if (req.method === 'POST' && name) {
      if (bucket.has(name) && req.headers['x-upsert'] !== 'true') return fail(res, '409', 'Duplicate', 'The resource already exists');
      bucket.set(name, { bytes: body, contentType: String(req.headers['content-type'] ?? 'application/octet-stream') });
      return json(res, 200, { Id: randomUUID(), Key: `${bucketName}/${name}` });
    }
    if (req.method === 'GET' && name) {
      const object = bucket.get(name);
      if (!object) return fail(res, '404', 'not_found', 'Object not found');
      res.writeHead(200, { 'content-type': object.contentType, 'content-length': object.bytes.length });
      return void res.end(object.bytes);
    }
    if (req.method === 'DELETE' && !name) {
      const { prefixes } = JSON.parse(body.toString('utf8') || '{}') as { prefixes?: unknown };
      if (!Array.isArray(prefixes)) return fail(res, '400', 'invalid_request', 'body must have prefixes');
      const removed = prefixes.filter((p): p is string => typeof p === 'string' && bucket.delete(p));
      return json(res, 200, removed.map((p) => ({ name: p, bucket_id: bucketName })));
    }
    return fail(res, '404', 'not_found', 'Route not found');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => json(res, 500, { statusCode: '500', error: 'internal', message: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    serviceRoleKey,
    buckets,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}
