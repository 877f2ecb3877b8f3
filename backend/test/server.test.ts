import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAICompatibleServer, type OpenAICompatibleServer } from '@prex/testing';
import { modelEnv, newVisitor, readSse, send, startChatTestServer, textOf, type ChatTestServer, type Visitor } from './helpers/chat.js';

/**
 * Limits on receiving a request: a client that sends its headers or its body too slowly is answered
 * 408 and disconnected, while a response that streams for longer than the limit (an answer over
 * SSE) is not cut. Short limits make the test quick; nothing here asserts on elapsed time.
 */

let provider: OpenAICompatibleServer;
let prex: ChatTestServer;
let visitor: Visitor;

beforeAll(async () => {
  provider = await startOpenAICompatibleServer({ apiKey: 'test-key' });
  prex = await startChatTestServer(
    modelEnv(provider, { PREX_HEADERS_TIMEOUT_MS: '300', PREX_REQUEST_TIMEOUT_MS: '600', PREX_LLM_FIRST_TOKEN_TIMEOUT_MS: '60000' }),
  );
  visitor = await newVisitor(prex);
});
afterAll(async () => {
  await prex?.close();
  await provider?.close();
});

/** Writes `data` on a raw connection and resolves with all the server sent once it closes the connection. */
function writeAndAwaitClose(data: string): Promise<string> {
  const socket = connect(prex.server.port, '127.0.0.1');
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (received += chunk));
  // A reset after the 408 is still the server closing the connection.
  socket.on('error', () => undefined);
  socket.write(data);
  return new Promise((resolve) => socket.on('close', () => resolve(received)));
}

/** A chat request that announces a 100-byte body and sends 2 bytes of it. */
function partialChatRequest(): string {
  const headers = Object.entries({ ...visitor.headers, host: '127.0.0.1', 'content-type': 'application/json', 'content-length': '100' })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return `POST /v1/chat HTTP/1.1\r\n${headers}\r\n{"`;
}

describe('server timeouts', () => {
  it('a body announced and never sent: 408 and the connection is closed', async () => {
    expect(await writeAndAwaitClose(partialChatRequest())).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  });

  it('headers never finished: 408 and the connection is closed', async () => {
    expect(await writeAndAwaitClose('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ')).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  });

  it('an answer that streams for longer than the request limit is not cut', async () => {
    let release!: () => void;
    const modelMayAnswer = new Promise<void>((resolve) => (release = resolve));
    provider.respondWith(async () => {
      await modelMayAnswer;
      return { text: 'Refunds are issued within 30 days [1].' };
    });

    const res = await send(visitor, { text: 'How do I get a refund?' });
    // The status arrived: the request was received in full and the answer is streaming.
    expect(res.status).toBe(200);
    let ended = false;
    const reading = readSse(res).finally(() => (ended = true));

    // A request that started later has been timed out, so the stream's own request is past the limit too.
    expect(await writeAndAwaitClose(partialChatRequest())).toMatch(/^HTTP\/1\.1 408/);
    expect(ended).toBe(false);

    release();
    const read = await reading;
    expect(read.done).toBe(true);
    expect(textOf(read.chunks)).toContain('Refunds are issued within 30 days');
  });
});
