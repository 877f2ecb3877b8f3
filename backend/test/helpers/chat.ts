import { PUBLISHABLE_KEY_HEADER, ROUTES, type ChatMessage, type HistoryResponse, type UIStreamChunk } from '@prex/protocol';
import { readAnswerStream } from '@prex/protocol/client';
import type { Db } from '../../src/db/db.js';
import type { Logger } from '../../src/logger.js';
import { upsertDocument } from '../../src/knowledge/ingest.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { PASSWORD, REFUNDS, SHIPPING } from '../fixtures/passages.js';
import { ALLOWED_ORIGIN, makeTenant, testConfig } from './app.js';
import { silentLog } from './db.js';

/**
 * A real Prex server on loopback (PGlite in memory) with one tenant, an allowed origin and a small
 * knowledge base, plus an SSE reader: what the chat HTTP tests drive.
 */

export const ORIGIN = ALLOWED_ORIGIN;

export interface ChatTestServer {
  server: RunningServer;
  url: string;
  publishableKey: string;
  tenantId: string;
  close(): Promise<void>;
}

/** Documents built from the unit-test passages, so both kinds of tests talk about the same facts. */
export const KB_DOCUMENTS = [
  { externalId: 'refunds', title: REFUNDS.title, url: REFUNDS.url, content: `# Refunds\n\n${REFUNDS.content}` },
  { externalId: 'account', title: PASSWORD.title, content: `# Password reset\n\n${PASSWORD.content}` },
  { externalId: 'shipping', title: SHIPPING.title, url: SHIPPING.url, content: SHIPPING.content },
];

/**
 * Starts the server with a fresh tenant and the KB documents. With `db`, the server uses that
 * database (several servers can share one, like several processes behind a load balancer).
 */
export async function startChatTestServer(env: Record<string, string> = {}, db?: Db, log: Logger = silentLog): Promise<ChatTestServer> {
  // Tests fire many requests from one address: lift the public rate limit.
  const config = testConfig({ PREX_RATE_LIMIT_PER_MINUTE: '100000', ...env });
  const server = await startServer({ config, log, ...(db ? { db } : {}) });
  const { tenant } = await makeTenant(server.db, 'Shop');
  for (const doc of KB_DOCUMENTS) await upsertDocument(server.db, tenant.id, doc);
  return { server, url: server.url, publishableKey: tenant.publishableKey, tenantId: tenant.id, close: () => server.close() };
}

/**
 * The environment that points Prex at a loopback OpenAI-compatible provider. Messages are labelled
 * by rules, so the provider sees only answer calls (the model classifier has its own tests).
 */
export function modelEnv(provider: { url: string }, extra: Record<string, string> = {}): Record<string, string> {
  return { OPENAI_BASE_URL: provider.url, OPENAI_API_KEY: 'test-key', OPENAI_MODEL: 'test-model', PREX_CLASSIFIER: 'rules', ...extra };
}

/** Another tenant on the same server, with the same documents. */
export async function addTenant(t: ChatTestServer): Promise<{ publishableKey: string }> {
  const { tenant } = await makeTenant(t.server.db, 'Other shop');
  for (const doc of KB_DOCUMENTS) await upsertDocument(t.server.db, tenant.id, doc);
  return { publishableKey: tenant.publishableKey };
}

/** A visitor of the host page: the tenant's key, the page's origin, a session token. */
export interface Visitor {
  url: string;
  sessionId: string;
  headers: Record<string, string>;
}

/** A new session; `extraHeaders` go on every request of this visitor (e.g. `connection: close`). */
export async function newVisitor(t: { url: string; publishableKey: string }, extraHeaders: Record<string, string> = {}): Promise<Visitor> {
  const base = { ...extraHeaders, [PUBLISHABLE_KEY_HEADER]: t.publishableKey, origin: ORIGIN };
  const res = await fetch(`${t.url}${ROUTES.sessions}`, { method: 'POST', headers: base });
  if (res.status !== 201) throw new Error(`POST /v1/sessions → ${res.status} ${await res.text()}`);
  const { sessionId, token } = (await res.json()) as { sessionId: string; token: string };
  return { url: t.url, sessionId, headers: { ...base, authorization: `Bearer ${token}` } };
}

export function send(v: Visitor, body: unknown, init: { signal?: AbortSignal; rawBody?: string } = {}): Promise<Response> {
  return fetch(`${v.url}${ROUTES.chat}`, {
    method: 'POST',
    headers: { ...v.headers, 'content-type': 'application/json' },
    body: init.rawBody ?? JSON.stringify(body),
    ...(init.signal ? { signal: init.signal } : {}),
  });
}

export function resume(v: Visitor, messageId: string, cursor: { lastEventId?: string; after?: string } = {}, signal?: AbortSignal): Promise<Response> {
  const query = cursor.after !== undefined ? `?after=${encodeURIComponent(cursor.after)}` : '';
  const headers = cursor.lastEventId !== undefined ? { ...v.headers, 'last-event-id': cursor.lastEventId } : v.headers;
  return fetch(`${v.url}/v1/chat/${encodeURIComponent(messageId)}/stream${query}`, { headers, ...(signal ? { signal } : {}) });
}

export async function stop(v: Visitor, messageId: string): Promise<Response> {
  return fetch(`${v.url}/v1/chat/${encodeURIComponent(messageId)}/stop`, { method: 'POST', headers: v.headers });
}

/** The session's history; with `chatId`, that of the session's AI SDK chat. */
export async function history(v: Visitor, chatId?: string): Promise<HistoryResponse> {
  const query = chatId === undefined ? '' : `?chatId=${encodeURIComponent(chatId)}`;
  const res = await fetch(`${v.url}${ROUTES.history}${query}`, { headers: v.headers });
  if (res.status !== 200) throw new Error(`GET history → ${res.status} ${await res.text()}`);
  return (await res.json()) as HistoryResponse;
}

export function lastAssistant(h: HistoryResponse): ChatMessage {
  const message = h.messages.filter((m) => m.role === 'assistant').at(-1);
  if (!message) throw new Error('no assistant message in history');
  return message;
}

/** One SSE event as sent: its id and parsed chunk, or the final [DONE]. */
export type SseEvent = { id: number; chunk: UIStreamChunk } | { id: number; done: true };

export interface SseRead {
  events: SseEvent[];
  chunks: Array<{ seq: number; chunk: UIStreamChunk }>;
  /** True when the stream's [DONE] arrived. */
  done: boolean;
  heartbeats: number;
}

/**
 * Reads an answer stream with the protocol's client. With `until`, stops (and cancels the
 * response) as soon as the events read so far satisfy it: that is how a test "drops the
 * connection" mid-answer.
 */
export async function readSse(res: Response, until?: (read: SseRead) => boolean): Promise<SseRead> {
  const read: SseRead = { events: [], chunks: [], done: false, heartbeats: 0 };
  for await (const event of readAnswerStream(res, { onComment: () => read.heartbeats++ })) {
    // Every event of a Prex answer stream carries its sequence number: a resume depends on it.
    if (event.seq === undefined) throw new Error(`SSE event without id: ${JSON.stringify(event)}`);
    if (event.done) {
      read.events.push({ id: event.seq, done: true });
      read.done = true;
      return read;
    }
    read.events.push({ id: event.seq, chunk: event.chunk });
    read.chunks.push({ seq: event.seq, chunk: event.chunk });
    if (until?.(read)) return read;
  }
  return read;
}

/** The text of text-delta chunks, in order. */
export const textOf = (chunks: ReadonlyArray<{ chunk: UIStreamChunk }>): string =>
  chunks.map(({ chunk }) => (chunk.type === 'text-delta' ? chunk.delta : '')).join('');

export const typesOf = (chunks: ReadonlyArray<{ chunk: UIStreamChunk }>): string[] => chunks.map(({ chunk }) => chunk.type);

/** The message id announced by the stream's `start` chunk. */
export function messageIdOf(read: SseRead): string {
  const start = read.chunks.find(({ chunk }) => chunk.type === 'start')?.chunk;
  if (start?.type !== 'start') throw new Error('stream had no start chunk');
  return start.messageId;
}

/** Collapses consecutive text-deltas, for comparing a stream's shape. */
export function shapeOf(chunks: ReadonlyArray<{ chunk: UIStreamChunk }>): string[] {
  return typesOf(chunks).filter((type, i, all) => type !== 'text-delta' || all[i - 1] !== 'text-delta');
}
