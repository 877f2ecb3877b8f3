import { createConnection, createServer, type Socket } from 'node:net';

export interface ProxyTarget {
  host?: string;
  port: number;
}

export interface TcpProxy {
  /** http://127.0.0.1:<port>, forwarding to the target(s). */
  url: string;
  port: number;
  /** The index of the target each connection was forwarded to, in the order they first sent bytes. */
  routed(): number[];
  /** How many connections each target was given so far, in the order the targets were passed. */
  connectionsPerTarget(): number[];
  /** Destroys every open connection in both directions, like a network cut. New connections still work. */
  cutAll(): number;
  /** While paused, new connections are refused (reset) at once, like an offline network. */
  setOffline(offline: boolean): void;
  close(): Promise<void>;
}

/**
 * A loopback TCP proxy in front of a server, so a test can cut the network under a real client
 * (a browser's streaming fetch, say) without touching the server or the client.
 *
 * Given several targets it is a round-robin balancer: each new connection goes to the next target,
 * picked when it first sends (what one connection carries stays on its target, as with any TCP balancer). A target that
 * refuses the connection (a stopped instance) is skipped for the next one, as nginx does with
 * `proxy_next_upstream error`; only when every target refuses is the client's connection reset.
 * For protocols where the client speaks first (HTTP, Postgres): nothing is forwarded before it does.
 */
export async function startTcpProxy(target: ProxyTarget | readonly ProxyTarget[]): Promise<TcpProxy> {
  const targets: readonly ProxyTarget[] = isTargetList(target) ? [...target] : [target];
  if (targets.length === 0) throw new Error('startTcpProxy needs at least one target');
  const open = new Set<Socket>();
  const routed: number[] = [];
  let turn = 0;
  let offline = false;

  const track = (socket: Socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  };

  /** Connects the (paused) client to targets[index], or to the next one if that one refuses. */
  const forward = (client: Socket, index: number, triesLeft: number) => {
    const { host = '127.0.0.1', port } = targets[index]!;
    const upstream = createConnection({ host, port });
    track(upstream);
    const refused = () => {
      upstream.destroy();
      if (client.destroyed) return;
      if (triesLeft > 1) forward(client, (index + 1) % targets.length, triesLeft - 1);
      else client.resetAndDestroy();
    };
    upstream.once('error', refused);
    upstream.once('connect', () => {
      upstream.off('error', refused);
      if (client.destroyed) {
        upstream.destroy();
        return;
      }
      routed.push(index);
      for (const socket of [client, upstream]) {
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      // pipe() resumes the client, paused since it connected: nothing it sent early is lost.
      client.pipe(upstream);
      upstream.pipe(client);
    });
  };

  const server = createServer({ pauseOnConnect: true }, (client) => {
    if (offline) {
      client.resetAndDestroy();
      return;
    }
    track(client);
    // Until piped, an error (a client reset) only ends the client; forward() sees it destroyed.
    client.on('error', () => client.destroy());
    // The target is picked when the client first sends, not when it connects: an HTTP client may
    // open a spare connection early and send its next request on it later, and turns taken in the
    // order requests start keep "the next request goes to the next instance" true for a test.
    client.once('data', (first) => {
      client.pause();
      client.unshift(first);
      forward(client, turn++ % targets.length, targets.length);
    });
    client.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy has no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    routed: () => [...routed],
    connectionsPerTarget: () => targets.map((_, index) => routed.filter((r) => r === index).length),
    cutAll() {
      const count = open.size;
      for (const socket of open) socket.resetAndDestroy();
      open.clear();
      return count;
    },
    setOffline(value) {
      offline = value;
    },
    close() {
      for (const socket of open) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function isTargetList(target: ProxyTarget | readonly ProxyTarget[]): target is readonly ProxyTarget[] {
  return Array.isArray(target);
}
