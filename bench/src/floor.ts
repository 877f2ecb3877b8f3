import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import {
  LIMITS,
  PUBLISHABLE_KEY_HEADER,
  ROUTES,
  STREAM_DONE,
  UI_MESSAGE_STREAM_HEADER,
  UI_MESSAGE_STREAM_VERSION,
} from '@prex/protocol';

/**
 * The floor: a bare Express 5 app with Prex's two routes a turn touches, doing no work beyond
 * parsing the JSON body and writing a fixed answer as SSE with Prex's headers and chunk framing.
 * Whatever Prex takes beyond this is Prex's own cost (auth, retrieval, storage, answerer, hub).
 */

type Chunk = Record<string, unknown> & { type: string };

/** Used until a real Prex answer has been captured: the same shape as an extractive answer. */
const BUILTIN_TEXT =
  'You can ask for a refund within 30 days of purchase from Billing › Invoices: choose the invoice and ' +
  'click "Request refund" [1]. Refunds go back to the original payment method and usually arrive in ' +
  '5-10 business days [1]. Annual plans cancelled mid-term are refunded pro rata for the unused months [2].';

export function builtinAnswer(): Chunk[] {
  // Three words a delta, as the extractive answerer streams.
  const words = BUILTIN_TEXT.match(/(?:\S+\s*){1,3}/g) ?? [BUILTIN_TEXT];
  const source = (n: number, title: string): Chunk => ({
    type: 'source-document',
    sourceId: `s${n}`,
    mediaType: 'text/markdown',
    title,
    providerMetadata: { prex: { documentId: `doc-${n}`, snippet: BUILTIN_TEXT.slice(0, 120), section: 'Billing › Refunds' } },
  });
  return [
    { type: 'start', messageId: 'm' },
    { type: 'data-prex-meta', data: { sessionId: 's', userMessageId: 'u', answerer: 'extractive', grounded: true } },
    { type: 'text-start', id: 't0' },
    ...words.map((delta): Chunk => ({ type: 'text-delta', id: 't0', delta })),
    { type: 'text-end', id: 't0' },
    source(1, 'Refunds'),
    source(2, 'Plans and billing'),
    { type: 'finish', finishReason: 'stop' },
  ];
}

export interface FloorServer {
  url: string;
  /** Replace the fixed answer (e.g. with one captured from Prex, so both stream the same bytes). */
  setAnswer(chunks: readonly unknown[], source: 'builtin' | 'captured'): void;
  answerSource(): 'builtin' | 'captured';
  close(): Promise<void>;
}

export async function startFloorServer(): Promise<FloorServer> {
  let answer: Chunk[] = builtinAnswer();
  let source: 'builtin' | 'captured' = 'builtin';

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: LIMITS.maxBodyBytes }));

  app.post(ROUTES.sessions, (req, res) => {
    if (!req.get(PUBLISHABLE_KEY_HEADER)) return void res.status(401).json({ error: { code: 'unauthorized', message: 'no key' } });
    const sessionId = randomUUID();
    res.json({ sessionId, token: `${sessionId}.floor`, expiresAt: new Date(Date.now() + 3600_000).toISOString() });
  });

  app.post(ROUTES.chat, (req, res) => {
    const text = (req.body as { text?: unknown } | undefined)?.text;
    if (typeof text !== 'string' || !text.trim()) {
      return void res.status(400).json({ error: { code: 'invalid_request', message: 'text is empty' } });
    }
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
      [UI_MESSAGE_STREAM_HEADER]: UI_MESSAGE_STREAM_VERSION,
    });
    const messageId = randomUUID();
    let seq = 0;
    for (const chunk of answer) {
      const out = chunk.type === 'start' ? { ...chunk, messageId } : chunk;
      res.write(`id: ${++seq}\ndata: ${JSON.stringify(out)}\n\n`);
    }
    res.end(`id: ${seq}\ndata: ${STREAM_DONE}\n\n`);
  });

  const server = await new Promise<import('node:http').Server>((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    setAnswer(chunks, from) {
      answer = chunks.map((c) => c as Chunk);
      source = from;
    },
    answerSource: () => source,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
