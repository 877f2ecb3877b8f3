// @vitest-environment node
import type { UIStreamChunk } from '@prex/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, createApi } from '../src/api.js';
import { readAnswerStream, StreamDroppedError, type AnswerStreamOptions } from '../src/stream.js';
import { ANSWER, ANSWER_TEXT, frame, frames, sseHead, startServer, writeInPieces, type Handler } from './sse-server.js';

const KEY = 'pk_test_tenant_a';
let server: Awaited<ReturnType<typeof startServer>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function run(handler: Handler, extra: Partial<AnswerStreamOptions> = {}) {
  server = await startServer(handler);
  const api = createApi({ apiBase: server.url, publishableKey: KEY });
  const chunks: { seq: number; chunk: UIStreamChunk }[] = [];
  const states: string[] = [];
  let text = '';
  const result = readAnswerStream({
    connect: (signal) => api.send('tok', 'How do refunds work?', signal),
    reconnect: (id, last, signal) => api.resume('tok', id, last, signal),
    onChunk: (chunk, seq) => {
      chunks.push({ seq, chunk });
      if (chunk.type === 'text-delta') text += chunk.delta;
    },
    onConnection: (s) => states.push(s),
    backoffMs: () => 20,
    ...extra,
  });
  return { result, chunks, states, text: () => text, requests: server.requests };
}

describe('readAnswerStream against a loopback SSE server', () => {
  it('applies the scripted chunk sequence in order, even when bytes arrive in odd pieces', async () => {
    const r = await run(async (req, res) => {
      sseHead(res);
      await writeInPieces(res, ': ping\n\n' + frames(0), 5);
      res.end();
    });
    await expect(r.result).resolves.toBe('done');
    expect(r.chunks.map((c) => c.seq)).toEqual(ANSWER.map((_, i) => i + 1));
    expect(r.chunks.map((c) => c.chunk)).toEqual(ANSWER);
    expect(r.text()).toBe(ANSWER_TEXT);
    const post = r.requests[0]!;
    expect(post.method).toBe('POST');
    expect(post.url).toBe('/v1/chat');
    expect(JSON.parse(post.body)).toEqual({ text: 'How do refunds work?' });
    expect(post.headers['x-prex-key']).toBe(KEY);
    expect(post.headers.authorization).toBe('Bearer tok');
    expect(post.headers.accept).toBe('text/event-stream');
  });

  it('resumes after a drop with Last-Event-ID = the last complete event and produces the exact text', async () => {
    const r = await run(async (req, res, n) => {
      if (req.method === 'POST') {
        sseHead(res);
        // five whole events, then half of the sixth, then the connection dies
        await writeInPieces(res, frames(0, 5) + frame(6).slice(0, 30), 11);
        await new Promise((ok) => setTimeout(ok, 20));
        res.socket?.destroy();
        return;
      }
      if (n === 0) {
        // first reconnect hits a restarting server
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'internal', message: 'restarting' } }));
        return;
      }
      sseHead(res);
      const after = Number(req.headers['last-event-id']);
      await writeInPieces(res, frames(after), 3);
      res.end();
    });
    await expect(r.result).resolves.toBe('done');
    expect(r.text()).toBe(ANSWER_TEXT);
    expect(r.chunks.map((c) => c.seq)).toEqual(ANSWER.map((_, i) => i + 1));
    const resumes = r.requests.filter((q) => q.method === 'GET');
    expect(resumes.map((q) => q.url)).toEqual(['/v1/chat/msg_1/stream', '/v1/chat/msg_1/stream']);
    expect(resumes.map((q) => q.headers['last-event-id'])).toEqual(['5', '5']);
    expect(resumes[1]!.headers.authorization).toBe('Bearer tok');
    expect(resumes[1]!.headers['x-prex-key']).toBe(KEY);
    expect(r.states).toEqual(['reconnecting', 'reconnecting', 'live']);
  });

  it('survives several drops and ignores events the server sends twice', async () => {
    const r = await run(async (req, res, n) => {
      sseHead(res);
      if (req.method === 'POST') {
        await writeInPieces(res, frames(0, 4));
        res.socket?.destroy();
        return;
      }
      const after = Number(req.headers['last-event-id']);
      // a sloppy server that replays two events too many, then drops again once
      if (n === 0) {
        await writeInPieces(res, frames(after - 2, 7));
        res.socket?.destroy();
        return;
      }
      await writeInPieces(res, frames(after - 1));
      res.end();
    });
    await expect(r.result).resolves.toBe('done');
    expect(r.text()).toBe(ANSWER_TEXT);
    expect(r.chunks.map((c) => c.seq)).toEqual(ANSWER.map((_, i) => i + 1));
    expect(r.requests.filter((q) => q.method === 'GET').map((q) => q.headers['last-event-id'])).toEqual(['4', '7']);
  });

  it('treats a clean end of the body before [DONE] as a drop', async () => {
    const r = await run(async (req, res) => {
      sseHead(res);
      if (req.method === 'POST') {
        res.end(frames(0, 6));
        return;
      }
      res.end(frames(Number(req.headers['last-event-id'])));
    });
    await expect(r.result).resolves.toBe('done');
    expect(r.text()).toBe(ANSWER_TEXT);
  });

  it('reconnects when the stream stalls (no bytes, not even pings)', async () => {
    const r = await run(
      async (req, res) => {
        sseHead(res);
        if (req.method === 'POST') {
          res.write(frames(0, 3)); // …then silence, connection left open
          return;
        }
        res.end(frames(Number(req.headers['last-event-id'])));
      },
      { stallMs: 150 },
    );
    await expect(r.result).resolves.toBe('done');
    expect(r.text()).toBe(ANSWER_TEXT);
  });

  it('reconnects at once on an `online` event instead of waiting out the backoff', async () => {
    const events = new EventTarget();
    const started = Date.now();
    const r = await run(
      async (req, res) => {
        sseHead(res);
        if (req.method === 'POST') {
          await writeInPieces(res, frames(0, 4));
          res.socket?.destroy();
          setTimeout(() => events.dispatchEvent(new Event('online')), 50);
          return;
        }
        res.end(frames(Number(req.headers['last-event-id'])));
      },
      { backoffMs: () => 60_000, events },
    );
    await expect(r.result).resolves.toBe('done');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(r.text()).toBe(ANSWER_TEXT);
  });

  it('gives the first request’s HTTP error to the caller (e.g. 401 for an expired session)', async () => {
    const r = await run((req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'unauthorized', message: 'session expired' } }));
    });
    const err = await r.result.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 401, code: 'unauthorized', message: 'session expired' });
  });

  it('cannot resume a drop before `start` (no message id) and says so', async () => {
    const r = await run((req, res) => {
      sseHead(res);
      res.socket?.destroy();
    });
    const err = await r.result.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StreamDroppedError);
    expect((err as StreamDroppedError).messageId).toBeUndefined();
  });

  it('gives up after maxAttempts failed reconnects, reporting where to pick up again', async () => {
    const r = await run(
      async (req, res) => {
        if (req.method === 'POST') {
          sseHead(res);
          await writeInPieces(res, frames(0, 5));
          res.socket?.destroy();
          return;
        }
        res.writeHead(502);
        res.end();
      },
      { maxAttempts: 2 },
    );
    const err = await r.result.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StreamDroppedError);
    expect(err).toMatchObject({ messageId: 'msg_1', lastEventId: 5 });
    expect(r.requests.filter((q) => q.method === 'GET')).toHaveLength(3);
  });

  it('stops quietly when aborted', async () => {
    const ctrl = new AbortController();
    const r = await run(
      async (req, res) => {
        sseHead(res);
        res.write(frames(0, 4));
        setTimeout(() => ctrl.abort(), 30);
      },
      { signal: ctrl.signal },
    );
    await expect(r.result).resolves.toBe('aborted');
    expect(r.text()).toBe('Refunds are ');
  });
});

describe('the answer reader chunk (@prex/protocol/answer-reader, loaded lazily)', () => {
  it('cannot be fetched: nothing is sent (a request never made, not a lost answer); the next try fetches it again', async () => {
    vi.resetModules();
    vi.doMock('@prex/protocol/answer-reader', () => {
      throw new Error('chunk unreachable');
    });
    try {
      const stream = await import('../src/stream.js');
      let connects = 0;
      const connect = (signal: AbortSignal) => (connects++, fetch('http://127.0.0.1:9/never', { signal }));
      const failed = stream.readAnswerStream({ connect, reconnect: (_id, _last, signal) => connect(signal), onChunk: () => {} });
      await expect(failed).rejects.toBeInstanceOf(stream.StreamDroppedError);
      await expect(failed).rejects.toMatchObject({ messageId: undefined, lastEventId: 0 });
      expect(connects).toBe(0);

      vi.doUnmock('@prex/protocol/answer-reader');
      server = await startServer(async (_req, res) => {
        sseHead(res);
        res.end(frames(0));
      });
      const api = createApi({ apiBase: server.url, publishableKey: KEY });
      const chunks: unknown[] = [];
      const again = stream.readAnswerStream({
        connect: (signal) => api.send('tok', 'again', signal),
        reconnect: (id, last, signal) => api.resume('tok', id, last, signal),
        onChunk: (c) => chunks.push(c),
      });
      await expect(again).resolves.toBe('done');
      expect(chunks).toEqual(ANSWER);
    } finally {
      vi.doUnmock('@prex/protocol/answer-reader');
      vi.resetModules();
    }
  });
});
