import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAnswerStream, type AnswerStreamEvent } from '@prex/protocol/client';
import { resolveAgent } from '../../src/agents/repository.js';
import type { Db } from '../../src/db/db.js';
import { searchPassages } from '../../src/knowledge/search/index.js';
import { history, lastAssistant, newVisitor, send, startChatTestServer, type ChatTestServer } from '../helpers/chat.js';
import { openMemoryDb } from '../helpers/db.js';

/**
 * The database work a visitor's answer waits for before its first words (issue 18): three round
 * trips in all — the key and the session at once, the turn's reads at once, then the question and
 * answer rows with retrieval's one statement beside them — and nothing else queued in front of
 * retrieval (on PGlite every statement runs in turn, so a write "in the background" before the
 * first text still delays it). Labels, the final write and the inbox's bookkeeping come after.
 *
 * How it is pinned without timing anything: the Db lets the turn's first statements through and
 * holds every further one (retrieval's own aside, another module's concern, and the chunk log's
 * timed batches, which nothing waits for). If the first text-delta needed one statement more, it
 * would never arrive and the test would fail on its guard.
 */

/** The turn's own statements before the first text-delta: key + session, three reads, one insert. */
const TURN_STATEMENTS = 6;
/** Sequential round trips of the turn's own before its first text-delta. */
const TURN_ROUND_TRIPS = 3;

/** Retrieval's statements (knowledge/search): one per question, run beside the turn's last round trip. */
const RETRIEVAL = /\b(chunks|search_terms)\b|tsvector|tsquery/;
/** The chunk log's batches (chat/answer-log.ts): written on a timer while the answer streams, awaited by nothing. */
const CHUNK_BATCH = /set events = coalesce\(events/;

interface Statement {
  sql: string;
  retrieval: boolean;
  /** 1 + the deepest statement that had completed when this one was issued: its round trip on the critical path, at most. */
  depth: number;
}

/**
 * A Db that records the statements naming one of `subjects` (the tenant's key or id, the session)
 * once armed, and holds each of the turn's own statements past `allowed` until released.
 */
function gatedDb(db: Db) {
  let subjects: readonly string[] = [];
  let allowed = Infinity;
  let deepestDone = 0;
  const statements: Statement[] = [];
  const held: Array<() => void> = [];
  const concerns = (params: readonly unknown[] | undefined) => params?.some((p) => typeof p === 'string' && subjects.includes(p)) ?? false;

  async function run<T>(sql: string, params: readonly unknown[] | undefined, work: () => Promise<T>): Promise<T> {
    const flat = sql.replace(/\s+/g, ' ').trim();
    if (!concerns(params) || CHUNK_BATCH.test(flat)) return work();
    const retrieval = RETRIEVAL.test(flat);
    const own = statements.filter((s) => !s.retrieval).length;
    if (!retrieval && own >= allowed) await new Promise<void>((resolve) => held.push(resolve));
    const statement = { sql: flat, retrieval, depth: deepestDone + 1 };
    statements.push(statement);
    try {
      return await work();
    } finally {
      deepestDone = Math.max(deepestDone, statement.depth);
    }
  }
  const wrap = (inner: Db): Db => ({
    engine: inner.engine,
    query: (sql, params, opts) => run(sql, params, () => inner.query(sql, params, opts)),
    exec: (sql) => inner.exec(sql),
    transaction: (work) => inner.transaction((tx) => work(wrap(tx))),
    close: () => inner.close(),
  });
  return {
    db: wrap(db),
    statements,
    get held() {
      return held.length;
    },
    arm(of: readonly string[], ownStatements: number) {
      subjects = of;
      allowed = ownStatements;
    },
    release() {
      allowed = Infinity;
      for (const resume of held.splice(0)) resume();
    },
  };
}

/** Reads stream events until `stop` says so; the stream stays open for more. */
async function readUntil(events: AsyncGenerator<AnswerStreamEvent>, stop: (event: AnswerStreamEvent) => boolean): Promise<void> {
  for (;;) {
    const { value, done } = await events.next();
    if (done) throw new Error('the stream ended first');
    if (stop(value)) return;
  }
}

let t: ChatTestServer;
let gate: ReturnType<typeof gatedDb>;
let memory: Db;

beforeAll(async () => {
  memory = await openMemoryDb();
  gate = gatedDb(memory);
  t = await startChatTestServer({}, gate.db);
  // The tenant's default agent exists (the first answer of a new tenant creates it), and retrieval
  // has loaded what it loads once per process.
  await resolveAgent(t.server.db, t.tenantId);
  await searchPassages(t.server.db, t.tenantId, 'refund');
}, 60_000);
afterAll(async () => {
  gate?.release();
  await t?.close();
  await memory?.close();
});

describe("an answer's round trips before its first text-delta", () => {
  it("are three, retrieval's one statement included, and [DONE] still follows the final write", async () => {
    const v = await newVisitor(t);
    gate.arm([t.publishableKey, t.tenantId, v.sessionId], TURN_STATEMENTS);

    const res = await send(v, { text: 'How do I get a refund?' });
    const events = readAnswerStream(res);
    await readUntil(events, (event) => event.chunk?.type === 'text-delta');

    const own = gate.statements.filter((s) => !s.retrieval);
    const retrieval = gate.statements.filter((s) => s.retrieval);
    expect(own).toHaveLength(TURN_STATEMENTS);
    expect(Math.max(...own.map((s) => s.depth))).toBe(TURN_ROUND_TRIPS);
    expect(retrieval).toHaveLength(1);
    expect(Math.max(...gate.statements.map((s) => s.depth))).toBe(TURN_ROUND_TRIPS);
    // The final write (answer and label) waits at the gate, and [DONE] with it.
    await expect.poll(() => gate.held, { timeout: 10_000 }).toBeGreaterThan(0);

    gate.release();
    await readUntil(events, (event) => event.done === true);
    // History read right after [DONE] shows the final state.
    const answer = lastAssistant(await history(v));
    expect(answer.status).toBe('complete');
    expect(answer.text).toContain('30 days');
    await events.return();
  });
});
