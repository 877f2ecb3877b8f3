import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { createApp } from './app.js';
import type { Config } from './config.js';
import type { Db } from './db/db.js';
import { openDatabase } from './db/open.js';
import { configureRetrieval, createOpenAIEmbedder, type Retrieval } from './knowledge/search/index.js';
import { LogRing } from './log-ring.js';
import { createLogger, type Logger } from './logger.js';
import { seedDemo, type DemoSeedResult } from './seed/demo.js';
import { createBus, type ConversationBus } from './bus/index.js';
import { persistedSecret } from './auth/server-secret.js';
import { createMetrics } from './metrics/metrics.js';
import { serveMetricsIfConfigured, type MetricsServer } from './metrics/server.js';
import { tracedDb } from './telemetry/db.js';
import { startTracingIfConfigured } from './telemetry/start.js';

export interface StartServerOptions {
  config: Config;
  log?: Logger;
  /** The recent lines `log` keeps in memory, for the console's Operations page (made with the logger when `log` is not given). */
  logRing?: LogRing;
  /** An open, migrated database; when given, the caller keeps ownership and close() leaves it open. */
  db?: Db;
}

export interface RunningServer {
  /** http://host:port, with the port actually bound (config.port may be 0). */
  url: string;
  port: number;
  db: Db;
  /** The Express app being served (its router lists every route). */
  app: Express;
  /** Search and the embedding step as this server configured them (the vector channel when embeddings are on). */
  retrieval: Retrieval;
  /** The demo seed's outcome when config.demo.enabled. */
  demo: DemoSeedResult | undefined;
  /** http://host:port/metrics when PREX_METRICS_PORT is set. */
  metricsUrl: string | undefined;
  /** Stops accepting connections, stops live answers and ends open streams, then closes the db it opened. */
  close(): Promise<void>;
  /** Resolves when the staff notices of handoffs opened so far were sent (or failed): for tests. */
  handoffNoticesSettled(): Promise<void>;
}

/** Open (or take) the database, seed the demo tenant if enabled, and listen. */
export async function startServer(opts: StartServerOptions): Promise<RunningServer> {
  let { config } = opts;
  const logRing = opts.log ? opts.logRing : new LogRing();
  const log = opts.log ?? createLogger(config.logLevel, undefined, { prompts: config.logPrompts, ring: logRing });
  const ownsDb = !opts.db;
  const opened = opts.db ?? (await openDatabase(config.database, log));
  // Off unless a collector is configured; then a turn's statements are spans of it.
  const tracing = await startTracingIfConfigured(config.tracing, log);
  const db = tracing ? tracedDb(opened) : opened;
  let bus: ConversationBus | undefined;
  let metricsServer: MetricsServer | undefined;
  try {
    // Without PREX_SESSION_SECRET, the secret stored in the database: shared by every instance, kept across restarts.
    if (!config.session.secretFromEnv) config = { ...config, session: { ...config.session, secret: await persistedSecret(db, 'session') } };
    // Start-up work against the database (pgvector's table), so here; createApp hands the result to the features.
    const retrieval = await configureRetrieval(db, config.embeddings ? createOpenAIEmbedder(config.embeddings) : null, log);
    const demo = config.demo.enabled ? await seedDemo(db, config.demo, log) : undefined;
    // Instances on one Postgres server hear each other's answers through it; PGlite has one process.
    bus = await createBus(config.database, log);
    const metrics = createMetrics();
    metricsServer = await serveMetricsIfConfigured(config.metrics, metrics, log);
    const { app, shutdown, handoffNoticesSettled } = createApp({ config, db, log, bus, metrics, logRing, retrieval });
    const server = createHttpServer(app, config.server).listen(config.port, config.host);
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;

    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await shutdown();
        // Streams were ended by shutdown(); whatever is still open would otherwise hold close() forever.
        server.closeAllConnections();
        await stopped;
        await metricsServer?.close();
        await bus?.close();
        if (ownsDb) await db.close();
        await tracing?.shutdown();
      })());
    return { url: `http://${host}:${port}`, port, db, app, retrieval, demo, metricsUrl: metricsServer?.url, close, handoffNoticesSettled };
  } catch (err) {
    await metricsServer?.close();
    await bus?.close().catch(() => undefined);
    if (ownsDb) await db.close().catch(() => undefined);
    await tracing?.shutdown();
    throw err;
  }
}

/**
 * The HTTP server with limits on receiving requests: headers within headersTimeoutMs, the whole
 * request within requestTimeoutMs, else Node answers 408 and closes the connection. Node stops
 * timing a request once it has been received, so streamed responses (SSE answers) are not cut.
 */
function createHttpServer(app: Express, limits: Config['server']): Server {
  const shortest = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  return createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      // Node checks for expired requests on this interval (30 s by default, longer than a short
      // limit): a limit is enforced at most a quarter of itself late.
      connectionsCheckingInterval: Math.max(25, Math.min(30_000, Math.floor(shortest / 4))),
    },
    app,
  );
}
