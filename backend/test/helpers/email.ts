import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Db } from '../../src/db/db.js';
import { newId } from '../../src/ids.js';
import { upsertDocument } from '../../src/knowledge/ingest.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { makeTenant, testConfig, type TestTenant } from './app.js';
import { KB_DOCUMENTS, newVisitor, readSse, send, type Visitor } from './chat.js';
import { silentLog } from './db.js';
import type { Logger } from '../../src/logger.js';

export interface LoggedLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  fields: Record<string, unknown> | undefined;
}

/** A logger that keeps its lines, for tests that check what an operator would see. */
export function recordingLog(): Logger & { lines: LoggedLine[] } {
  const lines: LoggedLine[] = [];
  const at = (level: LoggedLine['level']) => (msg: string, fields?: Record<string, unknown>) => {
    lines.push({ level, msg, fields });
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), prompt: () => undefined };
}

/**
 * Fixture data until the customers routes land: a customer with a verified email, linked to the
 * session the way POST /v1/identity/email/verify links it.
 */
export async function linkVerifiedCustomer(db: Db, tenantId: string, sessionId: string, email: string, name: string | null = null): Promise<string> {
  const id = newId('cus');
  await db.query(`insert into customers (id, tenant_id, email, name, email_verified_at) values ($1, $2, $3, $4, now())`, [id, tenantId, email, name]);
  await db.query(`update sessions set customer_id = $3, identity_level = 'email' where tenant_id = $1 and id = $2`, [tenantId, sessionId, id]);
  return id;
}

/** Moves a session's messages (and any summary mark) back in time, as if it had been quiet that long. */
export async function ageConversation(db: Db, tenantId: string, sessionId: string, minutes: number): Promise<void> {
  const shift = `${minutes} minutes`;
  await db.query(`update messages set created_at = created_at - $3::interval where tenant_id = $1 and session_id = $2`, [tenantId, sessionId, shift]);
  await db.query(`update sessions set summary_sent_at = summary_sent_at - $3::interval where tenant_id = $1 and id = $2`, [tenantId, sessionId, shift]);
}

export interface EmailTestServer extends TestTenant {
  server: RunningServer;
  url: string;
  db: Db;
  close(): Promise<void>;
}

/** The real server (knowledge base loaded, public rate limit lifted) with a fresh tenant. */
export async function startEmailTestServer(env: Record<string, string>, db?: Db, tenantName = 'Northwind Notes'): Promise<EmailTestServer> {
  // An outbox outside the working tree, should a test run without a relay.
  const outbox = path.join(tmpdir(), `prex-test-outbox-${process.pid}`);
  const config = testConfig({ PREX_RATE_LIMIT_PER_MINUTE: '100000', PREX_SUMMARY_INACTIVITY_MINUTES: '0', PREX_OUTBOX_DIR: outbox, ...env });
  const server = await startServer({ config, log: silentLog, ...(db ? { db } : {}) });
  const tenant = await makeTenant(server.db, tenantName);
  for (const doc of KB_DOCUMENTS) await upsertDocument(server.db, tenant.tenant.id, doc);
  return { ...tenant, server, url: server.url, db: server.db, close: () => server.close() };
}

/** A visitor who asked one question and read the whole answer. */
export async function visitorWithAnswer(t: { url: string; publishableKey: string }, question = 'How do I get a refund?'): Promise<Visitor> {
  const visitor = await newVisitor(t);
  const read = await readSse(await send(visitor, { text: question }));
  if (!read.done) throw new Error('the answer did not finish');
  return visitor;
}
