import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { libpqConnectionString } from '../db/connection-string.js';
import type { Logger } from '../logger.js';
import { LocalSubscribers, type BusEvent, type ConversationBus } from './bus.js';

/** The one NOTIFY channel of Prex; the topic travels in the payload. */
const CHANNEL = 'prex_bus';
/** Waits before reconnecting a lost LISTEN connection, doubling up to the last. */
const RECONNECT_DELAYS_MS = [250, 500, 1000, 2000, 5000];

interface Envelope {
  topic: string;
  event: BusEvent;
}

/** Sent once an instance is back on the channel: what it published meanwhile never went out. */
interface ResyncEnvelope {
  resyncFrom: string;
}

/** The application_name of the LISTEN connection: operators see it in pg_stat_activity. */
export const BUS_APPLICATION_NAME = 'prex-bus';

/**
 * The bus over Postgres LISTEN/NOTIFY: one dedicated connection per process listens on one
 * channel, and publishes through it too. A lost connection is re-opened with backoff; what was
 * notified meanwhile is lost both ways (this process heard nothing, and the others did not hear
 * what it published), so once back it tells its own subscribers and every other instance to
 * re-read what they follow (a resync: see ConversationBus.onResync).
 */
export async function createPostgresBus(database: { url: string; caFile?: string | undefined }, log: Logger): Promise<ConversationBus> {
  const local = new LocalSubscribers();
  const connectionString = libpqConnectionString(database.url, database.caFile).url;
  let client: pg.Client | undefined;
  let closed = false;
  let attempt = 0;
  let publishing: Promise<void> = Promise.resolve();
  let connectedBefore = false;
  const self = randomUUID();

  async function connect(): Promise<void> {
    const next = new pg.Client({ connectionString, application_name: BUS_APPLICATION_NAME });
    next.on('notification', (message) => {
      if (message.channel !== CHANNEL || !message.payload) return;
      try {
        const envelope = JSON.parse(message.payload) as Envelope | ResyncEnvelope;
        if ('resyncFrom' in envelope) {
          if (envelope.resyncFrom !== self) local.resync();
        } else local.deliver(envelope.topic, envelope.event);
      } catch {
        log.warn('bus: an unreadable notification was ignored');
      }
    });
    next.on('error', (error) => log.warn('bus: the LISTEN connection failed', { error: error.message }));
    next.on('end', () => {
      if (client === next) client = undefined;
      if (!closed) reconnectLater();
    });
    await next.connect();
    await next.query(`listen ${CHANNEL}`);
    client = next;
    attempt = 0;
    if (connectedBefore) await resyncEverywhere(next);
    connectedBefore = true;
  }

  async function resyncEverywhere(connection: pg.Client): Promise<void> {
    log.info('bus: listening again; subscribers read what they follow');
    local.resync();
    const payload = JSON.stringify({ resyncFrom: self } satisfies ResyncEnvelope);
    await connection.query('select pg_notify($1, $2)', [CHANNEL, payload]).catch((error: Error) => {
      log.warn('bus: could not ask the other instances to resync', { error: error.message });
    });
  }

  function reconnectLater(): void {
    const delay = RECONNECT_DELAYS_MS[Math.min(attempt++, RECONNECT_DELAYS_MS.length - 1)]!;
    setTimeout(() => {
      if (!closed) connect().catch((error: Error) => {
        log.warn('bus: could not reconnect', { error: error.message });
        reconnectLater();
      });
    }, delay).unref();
  }

  await connect();
  return {
    publish(topic, event) {
      const payload = JSON.stringify({ topic, event } satisfies Envelope);
      // One statement at a time on the connection (pg queues them, but will stop doing so).
      const sent = publishing.then(async () => {
        if (!client) return log.warn('bus: not connected; an event was not published', { topic });
        await client.query('select pg_notify($1, $2)', [CHANNEL, payload]);
      });
      publishing = sent.catch(() => undefined);
      return sent;
    },
    subscribe: (topic, listener) => local.add(topic, listener),
    onResync: (listener) => local.addResync(listener),
    async close() {
      closed = true;
      await client?.end().catch(() => undefined);
    },
  };
}
