import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort } from '@prex/testing';
import { describeFetchFailure } from '../../src/http/fetch-failure.js';

describe('describeFetchFailure, on real failed fetches', () => {
  let resetting: Server;
  let resettingPort: number;

  beforeAll(async () => {
    // Accepts the connection and drops it at once, as a crashing server or a cut proxy does.
    resetting = createServer((socket) => socket.resetAndDestroy());
    await new Promise<void>((resolve) => resetting.listen(0, '127.0.0.1', resolve));
    resettingPort = (resetting.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => resetting.close(() => resolve())));

  const failureOf = async (url: string) => {
    const error = await fetch(url).then(() => undefined, (e: unknown) => e);
    expect(error, `fetch ${url} should fail`).toBeDefined();
    return describeFetchFailure(url, error);
  };

  it('names a refused connection', async () => {
    const port = await closedPort();
    expect(await failureOf(`http://127.0.0.1:${port}/v1/x`)).toBe(`connection refused to http://127.0.0.1:${port}/v1/x (is the server running, on that port?)`);
  });

  it('keeps the password of a URL with credentials out of the message', async () => {
    const message = await failureOf('http://admin:hunter2@127.0.0.1:9/v1/x');
    expect(message).toMatch(/^cannot reach http:\/\/127\.0\.0\.1:9\/v1\/x: /);
    expect(message).not.toContain('hunter2');
  });

  it('names a connection closed before an answer', async () => {
    expect(await failureOf(`http://127.0.0.1:${resettingPort}/`)).toMatch(new RegExp(`^connection to http://127\\.0\\.0\\.1:${resettingPort}/ was closed before an answer \\((ECONNRESET|UND_ERR_SOCKET)\\)$`));
  });

  it('names a host that does not resolve', async () => {
    // .invalid never resolves (RFC 6761); the lookup may fail at once or after the resolver gives up.
    expect(await failureOf('http://prex-test.invalid/')).toMatch(/^cannot resolve the host of http:\/\/prex-test\.invalid\/ \((ENOTFOUND|EAI_AGAIN)\)$/);
  });
});
