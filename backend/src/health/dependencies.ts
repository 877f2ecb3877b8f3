import { APIConnectionTimeoutError } from 'openai';
import type { DependencyHealth } from '@prex/protocol';
import type { Config } from '../config.js';
import type { Db } from '../db/db.js';
import type { Logger } from '../logger.js';
import { verifySmtpRelay } from '../mail/verify.js';
import { probeModelEndpoint } from '../model/probe.js';
import { createReadinessCheck, ReadinessTimeout, withTimeout } from './readiness.js';

export interface DependencyCheckDeps {
  db: Db;
  log: Logger;
  config: Pick<Config, 'email' | 'llm' | 'embeddings'>;
  /** Longest any one check may take; they run side by side, so the whole report takes about this at most. */
  timeoutMs?: number;
}

/**
 * The Operations page's health: the database (the readiness check /readyz runs), the SMTP relay,
 * the model endpoint and the embeddings endpoint, each checked when asked and each under its own
 * timeout, so a dead dependency shows as degraded instead of holding the page. Reasons are words
 * for a person and an error code at most: never a driver's message (it can carry a host, a user).
 */
export function createDependencyChecks(deps: DependencyCheckDeps): () => Promise<DependencyHealth[]> {
  const timeoutMs = deps.timeoutMs ?? 5_000;
  const readiness = createReadinessCheck(deps.db, deps.log, { timeoutMs });
  const { email, llm, embeddings } = deps.config;
  // The outer timeout backs each client's own: nothing below may outlive it.
  const bounded = <T>(work: Promise<T>) => withTimeout(work, timeoutMs + 250, `did not answer within ${timeoutMs} ms`);

  const database = async (): Promise<DependencyHealth> => {
    const r = await readiness();
    if (r.ready) return { name: 'database', state: 'ok', reason: `answers; ${r.migrations} migrations applied` };
    return { name: 'database', state: 'degraded', reason: r.reason };
  };

  const mail = async (): Promise<DependencyHealth> => {
    if (!email.smtpUrl) return { name: 'mail', state: 'off', reason: 'no SMTP relay configured: mails are written to the outbox folder' };
    try {
      await bounded(verifySmtpRelay(email.smtpUrl, timeoutMs));
      return { name: 'mail', state: 'ok', reason: 'the SMTP relay accepted a connection' };
    } catch (err) {
      deps.log.warn('health: SMTP relay check failed', { check: 'mail', error: String(err) });
      return { name: 'mail', state: 'degraded', reason: `the SMTP relay ${describe(err, timeoutMs)}` };
    }
  };

  const endpoint = async (name: 'model' | 'embeddings', config: (typeof llm | typeof embeddings), off: string): Promise<DependencyHealth> => {
    if (!config) return { name, state: 'off', reason: off };
    try {
      const probe = await bounded(probeModelEndpoint(config, config.model, timeoutMs));
      const listed = probe.listed ? `${config.model} is listed` : `${config.model} is not among the ${probe.models} models it lists`;
      return { name, state: 'ok', reason: `the endpoint answered; ${listed}` };
    } catch (err) {
      deps.log.warn(`health: ${name} endpoint check failed`, { check: name, error: String(err) });
      return { name, state: 'degraded', reason: `the endpoint ${describe(err, timeoutMs)}` };
    }
  };

  const checkAll = () =>
    Promise.all([
      database(),
      mail(),
      endpoint('model', llm, 'no model configured: answers are quoted from the knowledge base (extractive)'),
      endpoint('embeddings', embeddings, 'no embeddings model configured: retrieval is by words only (lexical)'),
    ]);
  // Pages opened together share one round of checks: a relay or a model is not asked once per tab.
  let running: Promise<DependencyHealth[]> | undefined;
  return () => (running ??= checkAll().finally(() => (running = undefined)));
}

/** Why a check failed, in words: a timeout, a socket error code, an HTTP status, or the SMTP answer's code. */
function describe(err: unknown, timeoutMs: number): string {
  if (err instanceof ReadinessTimeout) return `did not answer within ${timeoutMs} ms`;
  if (err instanceof APIConnectionTimeoutError) return `did not answer within ${timeoutMs} ms`;
  // nodemailer wraps a socket error as ESOCKET and keeps the socket's own code as originalCode.
  const e = err as { code?: unknown; originalCode?: unknown; status?: unknown; responseCode?: unknown; cause?: { code?: unknown } } | null;
  if (typeof e?.status === 'number') return e.status === 401 || e.status === 403 ? `refused the API key (HTTP ${e.status})` : `answered HTTP ${e.status}`;
  if (e?.code === 'EAUTH') return 'refused the user name or password';
  if (typeof e?.responseCode === 'number') return `answered with SMTP code ${e.responseCode}`;
  const code = [e?.originalCode, e?.cause?.code, e?.code].find((c): c is string => typeof c === 'string' && /^E[A-Z]+$/.test(c));
  if (code === 'ETIMEDOUT') return `did not answer within ${timeoutMs} ms`;
  return code ? `could not be reached (${code})` : 'could not be reached';
}
