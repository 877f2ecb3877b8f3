import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A scripted answer: chunk n has SSE id n (from 1); `[DONE]` follows the last one. */
export const ANSWER = [
  { type: 'start', messageId: 'msg_1' },
  { type: 'data-prex-meta', data: { sessionId: 's1', userMessageId: 'u1', answerer: 'extractive', grounded: true } },
  { type: 'text-start', id: 't0' },
  { type: 'text-delta', id: 't0', delta: 'Refunds are ' },
  { type: 'text-delta', id: 't0', delta: 'issued within ' },
  { type: 'text-delta', id: 't0', delta: '14 days — ünïcödé 🎉' },
  { type: 'text-delta', id: 't0', delta: '.\nSee the policy.' },
  { type: 'text-end', id: 't0' },
  {
    type: 'source-url',
    sourceId: 'src_1',
    url: 'https://help.example/refunds',
    title: 'Refund policy',
    providerMetadata: { prex: { documentId: 'doc_1', section: 'Billing › Refunds', snippet: 'within 14 days' } },
  },
  {
    type: 'source-document',
    sourceId: 'src_2',
    mediaType: 'text/markdown',
    title: 'Internal FAQ',
    providerMetadata: { prex: { documentId: 'doc_2', snippet: 'faq' } },
  },
  { type: 'finish', finishReason: 'stop' },
] as const;
export const ANSWER_TEXT = 'Refunds are issued within 14 days — ünïcödé 🎉.\nSee the policy.';

export const frame = (seq: number) => `id: ${seq}\ndata: ${JSON.stringify(ANSWER[seq - 1])}\n\n`;
export const done = (seq: number = ANSWER.length) => `id: ${seq}\ndata: [DONE]\n\n`;
/** Frames after `after` up to `to`, then [DONE] if `to` is the end. */
export const frames = (after: number, to: number = ANSWER.length) => {
  let s = '';
  for (let i = after + 1; i <= to; i++) s += frame(i);
  return to === ANSWER.length ? s + done() : s;
};

export interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Handler = (req: Recorded, res: ServerResponse, n: number) => void | Promise<void>;

export function sseHead(res: ServerResponse) {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-vercel-ai-ui-message-stream': 'v1',
  });
  res.flushHeaders();
}

/** Writes `text` as several TCP writes split at awkward byte offsets (mid-line, mid-UTF-8). */
export async function writeInPieces(res: ServerResponse, text: string, piece = 7) {
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += piece) {
    res.write(bytes.subarray(i, i + piece));
    await new Promise((r) => setImmediate(r));
  }
}

/** A real loopback HTTP server; `handler` gets every request and how many came before it on that route. */
export async function startServer(handler: Handler) {
  const requests: Recorded[] = [];
  const counts = new Map<string, number>();
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      const rec: Recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      requests.push(rec);
      const route = `${rec.method} ${rec.url.split('?')[0]}`;
      const n = counts.get(route) ?? 0;
      counts.set(route, n + 1);
      void Promise.resolve(handler(rec, res, n)).catch((e: unknown) => {
        res.destroy(e as Error);
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
