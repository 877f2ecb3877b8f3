import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real loopback HTTP server speaking the OpenAI embeddings protocol (`POST /v1/embeddings`), for
 * tests and benches that run the real `openai` client against deterministic vectors. Never used by
 * production code.
 *
 * A text's vector is a hashed bag of words: each word (lower-cased, a trailing plural "s" dropped,
 * a few function words skipped, mapped through `synonyms`) adds ±1 to one of `dimensions`
 * coordinates chosen by its hash; the sum is L2-normalised. Texts sharing words are near in cosine
 * distance; `synonyms` ({ "money": "refund" }) lets a test make a paraphrase with no shared word
 * near, which only a vector channel can find.
 */

export interface EmbeddingsServerOptions {
  /** Vector size when the request names none (`dimensions`). Default 64. */
  dimensions?: number;
  /** Word → the word it counts as. */
  synonyms?: Record<string, string>;
  /** The first N requests get HTTP 500 (to exercise the client's retries). */
  failFirst?: number;
  /** When set, requests must carry `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
}

export interface EmbeddingsRequestRecord {
  model: string | undefined;
  inputs: string[];
  dimensions: number | undefined;
  status: number;
}

export interface EmbeddingsServer {
  /** Base URL for the openai client, ending in /v1. */
  baseUrl: string;
  requests: EmbeddingsRequestRecord[];
  /** The vector this server returns for a text (for assertions). */
  embed(text: string, dimensions?: number): number[];
  close(): Promise<void>;
}

const SKIP = new Set('a an and are as at be by can do does for from how i in is it my of on or the to what when where which who why will with you your'.split(' '));

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function hashedBagOfWords(text: string, dimensions: number, synonyms: Record<string, string> = {}): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  const words = text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w && !SKIP.has(w));
  for (const raw of words) {
    const singular = raw.length > 3 && raw.endsWith('s') && !raw.endsWith('ss') ? raw.slice(0, -1) : raw;
    const word = synonyms[raw] ?? synonyms[singular] ?? singular;
    const hash = fnv1a(word);
    vector[hash % dimensions]! += hash & 0x8000_0000 ? -1 : 1;
  }
  const norm = Math.hypot(...vector);
  if (norm === 0) {
    vector[0] = 1;
    return vector;
  }
  return vector.map((x) => x / norm);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'retry-after-ms': '1' });
  res.end(JSON.stringify(body));
}

export async function startEmbeddingsServer(opts: EmbeddingsServerOptions = {}): Promise<EmbeddingsServer> {
  const defaultDims = opts.dimensions ?? 64;
  const synonyms = opts.synonyms ?? {};
  const requests: EmbeddingsRequestRecord[] = [];
  let toFail = opts.failFirst ?? 0;

  const server = createServer((req, res) => {
    void (async () => {
      if (req.method !== 'POST' || !req.url?.startsWith('/v1/embeddings')) {
        send(res, 404, { error: { message: 'not found', type: 'invalid_request_error' } });
        return;
      }
      const text = await readBody(req);
      let body: { model?: string; input?: unknown; dimensions?: number; encoding_format?: string };
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        send(res, 400, { error: { message: 'invalid JSON', type: 'invalid_request_error' } });
        return;
      }
      const inputs = typeof body.input === 'string' ? [body.input] : Array.isArray(body.input) ? body.input.map(String) : [];
      const record: EmbeddingsRequestRecord = { model: body.model, inputs, dimensions: body.dimensions, status: 200 };
      requests.push(record);
      if (opts.apiKey && req.headers.authorization !== `Bearer ${opts.apiKey}`) {
        record.status = 401;
        send(res, 401, { error: { message: 'invalid api key', type: 'invalid_request_error' } });
        return;
      }
      if (toFail > 0) {
        toFail -= 1;
        record.status = 500;
        send(res, 500, { error: { message: 'scripted failure', type: 'server_error' } });
        return;
      }
      if (inputs.length === 0) {
        record.status = 400;
        send(res, 400, { error: { message: 'input is empty', type: 'invalid_request_error' } });
        return;
      }
      const dims = body.dimensions ?? defaultDims;
      const data = inputs.map((input, index) => {
        const vector = hashedBagOfWords(input, dims, synonyms);
        const embedding = body.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
        return { object: 'embedding', index, embedding };
      });
      const tokens = inputs.reduce((n, s) => n + s.split(/\s+/).length, 0);
      send(res, 200, { object: 'list', data, model: body.model ?? 'hashed-bow', usage: { prompt_tokens: tokens, total_tokens: tokens } });
    })().catch((err: unknown) => send(res, 500, { error: { message: String(err), type: 'server_error' } }));
  });
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    embed: (text, dimensions = defaultDims) => hashedBagOfWords(text, dimensions, synonyms),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
