import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@prex/backend/config';
import { startServer } from '@prex/backend/server';
import {
  startOpenAICompatibleServer,
  startStaticServer,
  startTcpProxy,
  type OpenAICompatibleServer,
  type Responder,
  type ScriptedReply,
  type StaticServer,
  type TcpProxy,
} from '@prex/testing';

const examples = join(dirname(fileURLToPath(import.meta.url)), '..', 'examples');
/** The backend origin the example pages hard-code; tests point it at their own backend. */
const EXAMPLE_BACKEND = 'http://localhost:8787';
export const DEMO_KEY = 'pk_demo_northwind';

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
  close(): Promise<void>;
}

export interface StackOptions {
  example?: string;
  /** Configure the backend with a loopback OpenAI-compatible model scripted like this. */
  llm?: ScriptedReply | Responder;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const root = join(examples, options.example ?? 'plain-html');
  let apiUrl = '';
  const pointAtBackend = (_path: string, body: string) => body.replaceAll(EXAMPLE_BACKEND, apiUrl);
  const host = await startStaticServer({ root, host: '127.0.0.1', rewrite: pointAtBackend });
  const foreign = await startStaticServer({ root, host: '127.0.0.1', rewrite: pointAtBackend });
  const llm = options.llm ? await startOpenAICompatibleServer({ respond: options.llm }) : undefined;

  const dataDir = mkdtempSync(join(tmpdir(), 'prex-e2e-'));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    PREX_DATA_DIR: dataDir,
    PREX_DEMO_ORIGINS: host.url,
    PREX_SEED_DEMO: 'true',
    PREX_RATE_LIMIT_PER_MINUTE: '10000',
    LOG_LEVEL: 'warn',
    ...(llm ? { OPENAI_BASE_URL: llm.url, OPENAI_API_KEY: 'test-key', OPENAI_MODEL: 'scripted' } : {}),
  });
  const backend = await startServer({ config });
  const proxy = await startTcpProxy({ port: backend.port });
  apiUrl = proxy.url;

  return {
    hostUrl: `${host.url}/`,
    foreignUrl: `${foreign.url}/`,
    apiUrl,
    proxy,
    llm,
    async close() {
      await proxy.close();
      await backend.close();
      await Promise.all([host.close(), foreign.close(), llm?.close()]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
