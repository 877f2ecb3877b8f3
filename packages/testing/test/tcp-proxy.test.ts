import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { createConnection, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy } from '../src/tcp-proxy.js';

/** An HTTP server that answers every request with its own name. */
async function namedServer(name: string): Promise<{ server: Server; port: number }> {
  const server = createServer((_req, res) => res.end(name));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port };
}

const closeServer = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/** One request on a connection of its own (no keep-alive), so the balancer chooses again. */
const fresh = (proxy: TcpProxy) => fetch(proxy.url, { headers: { connection: 'close' } }).then((res) => res.text());

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function servers(...names: string[]) {
  const started = await Promise.all(names.map(namedServer));
  for (const { server } of started) cleanup.push(() => (server.listening ? closeServer(server) : Promise.resolve()));
  return started;
}

async function proxyTo(targets: Array<{ port: number }> | { port: number }): Promise<TcpProxy> {
  const proxy = await startTcpProxy(targets);
  cleanup.push(() => proxy.close());
  return proxy;
}

describe('startTcpProxy', () => {
  it('with one target forwards every connection to it, keep-alive included', async () => {
    const [a] = await servers('a');
    const proxy = await proxyTo({ port: a!.port });
    expect(await (await fetch(proxy.url)).text()).toBe('a');
    expect(await (await fetch(proxy.url)).text()).toBe('a');
    expect(await fresh(proxy)).toBe('a');
    expect(proxy.connectionsPerTarget()).toEqual([proxy.routed().length]);
  });

  it('with several targets sends each new connection to the next one, in turn', async () => {
    const started = await servers('a', 'b', 'c');
    const proxy = await proxyTo(started);
    const answers: string[] = [];
    for (let i = 0; i < 7; i++) answers.push(await fresh(proxy));
    expect(answers).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a']);
    expect(proxy.routed()).toEqual([0, 1, 2, 0, 1, 2, 0]);
    expect(proxy.connectionsPerTarget()).toEqual([3, 2, 2]);
  });

  it('gives a connection its turn when it first sends, so a spare connection opened early does not skew the order', async () => {
    const started = await servers('a', 'b');
    const proxy = await proxyTo(started);
    // A raw connection opened first but used last, as fetch does with a spare connection.
    const spare = createConnection({ host: '127.0.0.1', port: proxy.port });
    await once(spare, 'connect');
    expect(await fresh(proxy)).toBe('a');
    spare.write('GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
    let reply = '';
    for await (const chunk of spare) reply += String(chunk);
    expect(reply.endsWith('b')).toBe(true);
    expect(proxy.routed()).toEqual([0, 1]);
  });

  it('skips a target that refuses connections (a stopped instance), and resets the client when all do', async () => {
    const started = await servers('a', 'b', 'c');
    const proxy = await proxyTo(started);
    await closeServer(started[1]!.server);
    const answers: string[] = [];
    for (let i = 0; i < 6; i++) answers.push(await fresh(proxy));
    expect(answers).not.toContain('b');
    expect(new Set(answers)).toEqual(new Set(['a', 'c']));
    expect(proxy.connectionsPerTarget()[1]).toBe(0);

    await closeServer(started[0]!.server);
    await closeServer(started[2]!.server);
    await expect(fresh(proxy)).rejects.toThrow();
  });

  it('cuts every open connection on cutAll, and still takes new ones', async () => {
    const slow = createServer((_req, res) => res.write('partial'));
    slow.listen(0, '127.0.0.1');
    await once(slow, 'listening');
    cleanup.push(async () => {
      slow.closeAllConnections();
      await closeServer(slow);
    });
    const proxy = await proxyTo({ port: (slow.address() as AddressInfo).port });
    const res = await fetch(proxy.url);
    const reader = res.body!.getReader();
    await reader.read();
    expect(proxy.cutAll()).toBeGreaterThan(0);
    await expect(reader.read()).rejects.toThrow();
    const again = await fetch(proxy.url);
    expect(again.status).toBe(200);
    await again.body?.cancel();
  });
});
