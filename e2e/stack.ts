import type { Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@prex/backend/config';
import { startServer } from '@prex/backend/server';
import {
  startOpenAICompatibleServer,
  startSmtpServer,
  startStaticServer,
  startTcpProxy,
  type OpenAICompatibleServer,
  type Responder,
  type RunningSmtpServer,
  type ScriptedReply,
  type StaticServer,
  type TcpProxy,
} from '@prex/testing';
import { copyDemoTemplate, type DemoCredentials } from './demo-template.js';

const examples = join(dirname(fileURLToPath(import.meta.url)), '..', 'examples');
/** The backend origin the example pages hard-code; tests point it at their own backend. */
const EXAMPLE_BACKEND = 'http://localhost:8787';
export const DEMO_KEY = 'pk_demo_northwind';

/** The id of the conversation the widget on this page holds (its stored session token names it). */
export const sessionIdOf = (page: Page, key = DEMO_KEY): Promise<string> =>
  page.evaluate((k) => localStorage.getItem(`prex:${k}:session`)!.split('.')[0]!, key);

/**
 * One running Prex for a test file: the real backend on loopback (embedded PGlite in a scratch
 * directory, demo tenant seeded), reached by the browser through a TCP proxy the test can cut,
 * and the example host page served from its own origin (allowed for the demo key).
 */
export interface Stack {
  /** The example host page, on an origin the demo tenant allows. */
  hostUrl: string;
  /** The same page served from an origin the tenant does not allow. */
  foreignUrl: string;
  /** What the browser uses as the Prex origin (the proxy). */
  apiUrl: string;
  proxy: TcpProxy;
  llm: OpenAICompatibleServer | undefined;
  /** The backend itself (not through the proxy): for the tenant's admin calls from the test. */
  backendUrl: string;
  /** The demo tenant's secret key (sk_…), for /v1/admin routes. */
  secretKey: string;
  /** The demo tenant's owner account (made by the demo seed), for signing in to the console. */
  owner: { email: string; password: string };
  /** The loopback SMTP server the backend mails through (with `smtp: true`). */
  smtp: RunningSmtpServer | undefined;
  /** Calls an admin route of the demo tenant; throws on a non-2xx answer (with its body). */
  admin<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

export interface StackOptions {
  example?: string;
  /** Configure the backend with a loopback OpenAI-compatible model scripted like this. */
  llm?: ScriptedReply | Responder;
  /**
   * Extra response headers for the host pages, given the Prex origin the browser uses (known only
   * once the backend is up), e.g. a strict Content-Security-Policy naming it.
   */
  headers?: (prex: { apiUrl: string }) => Record<string, string>;
  /** Serve the example from this directory instead of examples/<example> (e.g. a build output). */
  root?: string;
  /** Mail through a real SMTP server on loopback (one-time codes, conversation emails) instead of the outbox. */
  smtp?: boolean;
  /** false: a fresh install with no workspace at all (first-run setup); default true. */
  seedDemo?: boolean;
  /** Staff may sign in with this Supabase project's Auth (a loopback GoTrue server). */
  supabase?: { url: string; anonKey: string };
  /** More environment for the backend (e.g. a known PREX_SESSION_SECRET, to check it is never shown). */
  env?: Record<string, string>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const root = options.root ?? join(examples, options.example ?? 'plain-html');
  let apiUrl = '';
  const pointAtBackend = (_path: string, body: string) => body.replaceAll(EXAMPLE_BACKEND, apiUrl);
  // The static server reads this object on every response: filled in once apiUrl is known.
  const headers: Record<string, string> = {};
  const host = await startStaticServer({ root, host: '127.0.0.1', rewrite: pointAtBackend, headers });
  const foreign = await startStaticServer({ root, host: '127.0.0.1', rewrite: pointAtBackend, headers });
  const llm = options.llm ? await startOpenAICompatibleServer({ respond: options.llm }) : undefined;
  const smtp = options.smtp ? await startSmtpServer() : undefined;

  const dataDir = mkdtempSync(join(tmpdir(), 'prex-e2e-'));
  // The demo workspace from the run's template, unless this stack is a fresh install.
  const template = options.seedDemo === false ? undefined : copyDemoTemplate(dataDir);
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    PREX_DATA_DIR: dataDir,
    PREX_DEMO_ORIGINS: host.url,
    PREX_SEED_DEMO: options.seedDemo === false ? 'false' : 'true',
    PREX_RATE_LIMIT_PER_MINUTE: '10000',
    LOG_LEVEL: 'warn',
    // Messages are labelled by rules, not by a model call: the scripted model's replies are all
    // answers, in the order the tests queue them.
    PREX_CLASSIFIER: 'rules',
    // Mails never land in the working tree: the outbox (used without SMTP) is in the scratch dir.
    PREX_OUTBOX_DIR: join(dataDir, 'outbox'),
    PREX_ATTACHMENTS_DIR: join(dataDir, 'attachments'),
    ...(smtp ? { PREX_SMTP_URL: smtp.url } : {}),
    ...(options.supabase ? { PREX_SUPABASE_URL: options.supabase.url, PREX_SUPABASE_ANON_KEY: options.supabase.anonKey } : {}),
    ...(llm ? { OPENAI_BASE_URL: llm.url, OPENAI_API_KEY: 'test-key', OPENAI_MODEL: 'scripted' } : {}),
    ...options.env,
  });
  const backend = await startServer({ config });
  const demo: DemoCredentials = template ?? {
    secretKey: backend.demo?.secretKey ?? '',
    owner: backend.demo?.owner ?? { email: '', password: '' },
  };
  const owner = demo.owner;
  const proxy = await startTcpProxy({ port: backend.port });
  apiUrl = proxy.url;
  Object.assign(headers, options.headers?.({ apiUrl }));

  return {
    hostUrl: `${host.url}/`,
    foreignUrl: `${foreign.url}/`,
    apiUrl,
    proxy,
    llm,
    backendUrl: backend.url,
    secretKey: demo.secretKey,
    owner,
    smtp,
    async admin<T>(method: string, path: string, body?: unknown) {
      const res = await fetch(backend.url + path, {
        method,
        headers: { authorization: `Bearer ${demo.secretKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? null : JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    },
    async close() {
      await proxy.close();
      await backend.close();
      await Promise.all([host.close(), foreign.close(), llm?.close(), smtp?.close()]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Where the example host pages live. */
export const EXAMPLES_DIR = examples;

/** The exact policy docs/embedding.md gives hosts: no 'unsafe-inline', no 'unsafe-eval'. */
export const strictCsp = (prexOrigin: string) =>
  `default-src 'self'; script-src 'self' ${prexOrigin}; style-src 'self'; connect-src 'self' ${prexOrigin}`;
