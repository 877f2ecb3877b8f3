import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EXIT, evalAgent } from '../../src/cli/eval-agent.js';
import { seedDemo } from '../../src/seed/demo.js';
import { silentLog } from '../helpers/db.js';
import { ORIGIN, startChatTestServer, type ChatTestServer } from '../helpers/chat.js';

/**
 * The demo help center's everyday questions (backend/seed/demo-agent-eval.yaml) on the embedded
 * default: the real server with the demo tenant seeded as at start-up, no model (extractive
 * answerer), every case run by the code `prex eval agent` runs. A case that fails fails CI.
 */

const EVAL_FILE = fileURLToPath(new URL('../../seed/demo-agent-eval.yaml', import.meta.url));

let t: ChatTestServer;
let key: string;

beforeAll(async () => {
  t = await startChatTestServer();
  const seeded = await seedDemo(t.server.db, { enabled: true, publishableKey: 'pk_demo_agent_eval', origins: [ORIGIN] }, silentLog);
  key = seeded.tenant.publishableKey;
}, 60_000);
afterAll(() => t?.close());

it('every case of the demo agent eval passes on the embedded default', async () => {
  const out: string[] = [];
  const code = await evalAgent(EVAL_FILE, { url: t.url, key, json: false, concurrency: 2, timeout: 60 }, { out: (l) => out.push(l), err: () => undefined });
  // The report names each failing case and why: it is the assertion's message.
  expect(out.join('\n')).not.toMatch(/^FAIL/m);
  expect(code).toBe(EXIT.passed);
}, 120_000);
