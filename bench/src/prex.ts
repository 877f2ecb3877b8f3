import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Target } from './client.js';

export interface Stoppable {
  close(): Promise<void>;
}

/**
 * The environment of a bench instance on a Postgres server (several instances may share it):
 * explicit, not process.env, so a developer's OPENAI_API_KEY never leaks in; the same session
 * secret for every instance, as a fleet shares one; no rate limit worth the name, since the bench
 * sends thousands of requests from one address; no typing pace for extractive answers (a UX
 * choice, not a cost).
 */
export function postgresBenchEnv(databaseUrl: string): Record<string, string> {
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    PREX_SESSION_SECRET: 'bench-session-secret-0123456789-abcdefghij',
    PREX_RATE_LIMIT_PER_MINUTE: '100000000',
    PREX_EXTRACTIVE_DELAY_MS: '0',
    LOG_LEVEL: 'warn',
  };
}

/**
 * Starts Prex in this process on a free loopback port with a scratch PGlite data dir and the
 * demo tenant seeded. `env` adds variables (e.g. the model's base URL). The backend is imported
 * lazily so the rest of the bench still runs when it has not been built.
 */
export async function startPrex(env: Record<string, string>, backendDist?: string): Promise<Stoppable & { target: Target; db: unknown }> {
  const [{ startServer }, { loadConfig }] = await Promise.all(
    backendDist
      ? // Another build of the backend (bench --baseline): it must sit inside backend/ to find its dependencies.
        [import(pathToFileURL(path.join(backendDist, 'server.js')).href) as Promise<typeof import('@prex/backend/server')>, import(pathToFileURL(path.join(backendDist, 'config.js')).href) as Promise<typeof import('@prex/backend/config')>]
      : [import('@prex/backend/server'), import('@prex/backend/config')],
  );
  const dataDir = await mkdtemp(path.join(tmpdir(), 'prex-bench-'));
  try {
    // An explicit environment, not process.env: a developer's OPENAI_API_KEY must not leak in.
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      PREX_DATA_DIR: path.join(dataDir, 'data'),
      PREX_SEED_DEMO: 'true',
      // The bench sends hundreds of requests a minute from one IP.
      PREX_RATE_LIMIT_PER_MINUTE: '100000000',
      // The extractive answerer's typing pace is a UX choice, not a cost: measure without it.
      PREX_EXTRACTIVE_DELAY_MS: '0',
      LOG_LEVEL: 'warn',
      ...env,
    });
    const server = await startServer({ config });
    return {
      target: { baseUrl: server.url.replace(/\/$/, ''), publishableKey: config.demo.publishableKey },
      /** The server's database, for a bench that sets up more than the demo tenant. */
      db: server.db,
      close: async () => {
        await server.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * The instant loopback OpenAI-compatible server from @prex/testing (no pacing, no time to first
 * token), and the env that points Prex at it. `setReply` sets the chunks every answer streams;
 * classification calls get a fixed label.
 */
export async function startLoopbackLlm(): Promise<
  Stoppable & { env: Record<string, string>; label: string; setReply(chunks: string[]): void }
> {
  const { startOpenAICompatibleServer } = await import('@prex/testing');
  const server = await startOpenAICompatibleServer({});
  return {
    env: { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'sk-bench', OPENAI_MODEL: 'bench-model' },
    label: 'instant loopback OpenAI',
    // The classifier asks for a JSON object; every other call is an answer.
    setReply: (chunks) =>
      server.respondWith((request) => (request.response_format ? { text: '{"label":"question"}' } : { text: chunks })),
    close: () => server.close(),
  };
}
