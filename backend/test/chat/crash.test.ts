import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { openDatabase } from '../../src/db/open.js';
import { ANSWER_FAILED_TEXT } from '../../src/chat/run-answer.js';
import { upsertDocument } from '../../src/knowledge/ingest.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { startBackendProcess } from '../helpers/backend-process.js';
import { makeTenant, TEST_SESSION_SECRET, testConfig } from '../helpers/app.js';
import { history, KB_DOCUMENTS, messageIdOf, newVisitor, readSse, resume, send, textOf } from '../helpers/chat.js';
import { ensureBuilt } from '../helpers/cli.js';
import { openEngine, silentLog } from '../helpers/db.js';

/**
 * An instance killed with SIGKILL in the middle of an answer, as in a crash or a rolling deploy
 * gone wrong: the visitor, resuming through another instance, gets the text that was stored, then
 * an error, with ids that never go backwards; nothing they sent is lost; they can ask again.
 */

describe('an instance killed mid-answer', { timeout: 180_000 }, () => {
  let engine: Awaited<ReturnType<typeof openEngine>>;
  let survivorDb: Db;
  let survivor: RunningServer;
  let publishableKey: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    await ensureBuilt();
    engine = await openEngine('postgres');
    const { tenant } = await makeTenant(engine.db, 'Shop');
    publishableKey = tenant.publishableKey;
    for (const doc of KB_DOCUMENTS) await upsertDocument(engine.db, tenant.id, doc);
    // Instances share the session secret, as a deployment must: a visitor's token works on each.
    env = { DATABASE_URL: engine.url!, PREX_SESSION_SECRET: TEST_SESSION_SECRET, PREX_RATE_LIMIT_PER_MINUTE: '100000', PREX_EXTRACTIVE_DELAY_MS: '200' };
    survivorDb = await openDatabase({ kind: 'postgres', url: engine.url! }, silentLog);
    survivor = await startServer({ config: testConfig(env), db: survivorDb, log: silentLog });
  });
  afterAll(async () => {
    await survivor?.close();
    await survivorDb?.close();
    await engine?.close();
  });

  it('the resume through another instance gets the stored text, then an error; the visitor can ask again', async () => {
    const doomed = await startBackendProcess(env);
    const v = await newVisitor({ url: doomed.url, publishableKey });
    // Text flows from the doomed instance, stored batch by batch; then it is killed.
    const first = await readSse(await send(v, { text: 'How do I get a refund?' }), (r) => r.chunks.filter((c) => c.chunk.type === 'text-delta').length >= 4);
    const messageId = messageIdOf(first);
    await doomed.kill();
    const cursor = first.chunks.at(-1)!.seq;

    // The survivor waits out the dead instance's lease, then settles the answer.
    const moved = { ...v, url: survivor.url };
    const resumed = await resume(moved, messageId, { lastEventId: String(cursor) });
    expect(resumed.status).toBe(200);
    const rest = await readSse(resumed);
    expect(rest.done).toBe(true);
    const seqs = rest.chunks.map((c) => c.seq);
    expect(seqs[0]).toBe(cursor + 1);
    expect(seqs).toEqual(seqs.map((_, i) => cursor + 1 + i));
    expect(rest.chunks.at(-1)!.chunk).toEqual({ type: 'error', errorText: ANSWER_FAILED_TEXT });

    // The visitor's question is kept; the answer keeps what was stored (at most a batch behind what was shown).
    const h = await history(moved);
    expect(h.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(h.messages[0]!.text).toBe('How do I get a refund?');
    const settled = h.messages[1]!;
    expect(settled.status).toBe('error');
    expect(settled.text.length).toBeGreaterThan(0);
    const shown = textOf([...first.chunks, ...rest.chunks]);
    expect(shown.startsWith(settled.text) || settled.text.startsWith(shown)).toBe(true);

    // Nothing hangs on the dead answer: the session takes a new question on the survivor.
    const again = await readSse(await send(moved, { text: 'How do I get a refund?' }));
    expect(again.chunks.at(-1)!.chunk.type).toBe('finish');
  });
});
