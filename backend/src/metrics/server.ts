import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logger.js';
import type { Config } from '../config.js';
import { collectProcessMetrics, type Metrics } from './metrics.js';

export const METRICS_PATH = '/metrics';

export interface MetricsServer {
  /** http://host:port/metrics, with the port actually bound. */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the registry at GET /metrics on a port of its own (PREX_METRICS_PORT), by default on
 * 127.0.0.1. Why a port rather than a bearer token on the app's port: the TLS proxy in front of
 * Prex forwards only the app's port, so metrics never reach the internet by accident; Prometheus
 * needs no secret to keep and rotate; and a scraper on another host is a firewall rule
 * (PREX_METRICS_HOST=0.0.0.0 on a private network) rather than a credential in two places.
 * Only the metrics path answers; anything else is 404.
 */
export async function startMetricsServer(metrics: Metrics, where: { host: string; port: number }, log: Logger): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== METRICS_PATH || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`Not found: metrics are at GET ${METRICS_PATH}\n`);
      return;
    }
    metrics.registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (error: unknown) => {
        log.error('could not collect metrics', { error: String(error) });
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('Could not collect metrics; see the server log\n');
      },
    );
  });
  server.listen(where.port, where.host);
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const host = where.host.includes(':') ? `[${where.host}]` : where.host;
  log.info('metrics served', { url: `http://${host}:${port}${METRICS_PATH}` });
  return {
    url: `http://${host}:${port}${METRICS_PATH}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The metrics server with Node's process metrics when PREX_METRICS_PORT is set; nothing otherwise. */
export async function serveMetricsIfConfigured(config: Config['metrics'], metrics: Metrics, log: Logger): Promise<MetricsServer | undefined> {
  if (config.port === undefined) return undefined;
  collectProcessMetrics(metrics);
  return startMetricsServer(metrics, { host: config.host, port: config.port }, log);
}
