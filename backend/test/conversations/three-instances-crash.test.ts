import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy } from '@prex/testing';
import { ANSWER_FAILED_TEXT } from '../../src/chat/run-answer.js';
import { startBackendProcess, type BackendProcess } from '../helpers/backend-process.js';
import { TEST_SESSION_SECRET } from '../helpers/app.js';
import { history, messageIdOf, newVisitor, readSse, resume, send, textOf, type SseRead, type Visitor } from '../helpers/chat.js';
import { ensureBuilt } from '../helpers/cli.js';
import { startInstances, type Instances } from '../helpers/instances.js';

/**
 * Three instances behind the round-robin balancer, one of them a process of its own that is killed
 * with SIGKILL while it streams an answer: the visitor's open stream ends (it does not hang), the
 * question they sent is kept, the resume through another instance gets the stored text and then an
 * `error` chunk, and the next question gets a whole answer.
 */

describe('three instances, one killed with SIGKILL mid-answer', { timeout: 180_000 }, () => {
  let fleet: Instances;
  let doomed: BackendProcess;
  let proxy: TcpProxy;
  /** The doomed process is the balancer's first target. */
  const DOOMED = 0;
  const COUNT = 3;

  beforeAll(async () => {
    await ensureBuilt();
    // A paced extractive answer (seconds): still streaming when its instance is killed.
    const env = { PREX_EXTRACTIVE_DELAY_MS: '200' };
    fleet = await startInstances({ count: COUNT - 1, env });
    doomed = await startBackendProcess({
      ...env,
      DATABASE_URL: fleet.engine.url!,
      PREX_SESSION_SECRET: TEST_SESSION_SECRET,
      PREX_RATE_LIMIT_PER_MINUTE: '100000',
    });
    proxy = await startTcpProxy([{ port: doomed.port }, ...fleet.instances.map((instance) => ({ port: instance.port }))]);
  });
  afterAll(async () => {
    await proxy?.close();
    await doomed?.kill();
    await fleet?.close();
  });

  /** Cheap requests until the balancer's next turn is `target` (each request takes one turn). */
  async function nextTurnTo(v: Visitor, target: number): Promise<void> {
    while (proxy.routed().length % COUNT !== target) await history(v);
  }

  it('ends the open stream, keeps the question, settles the answer with an error and answers the next question', async () => {
    const v = await newVisitor({ url: proxy.url, publishableKey: fleet.tenant.publishableKey }, { connection: 'close' });
    await nextTurnTo(v, DOOMED);
    const res = await send(v, { text: 'How do I get a refund?' });
    expect(proxy.routed().at(-1)).toBe(DOOMED);
    // The stream is read to its end in the background; `first` is what had arrived after some text.
    let sawText: (read: SseRead) => void = () => undefined;
    const textArrived = new Promise<SseRead>((resolve) => (sawText = resolve));
    const toEnd = readSse(res, (r) => {
      if (r.chunks.filter((c) => c.chunk.type === 'text-delta').length >= 4) sawText(structuredClone(r));
      return false;
    }).catch(() => undefined);
    const first = await textArrived;
    const messageId = messageIdOf(first);
    const cursor = first.chunks.at(-1)!.seq;

    await doomed.kill();

    // The visitor's stream from the killed instance ends without [DONE], instead of hanging.
    const cut = await toEnd;
    expect(cut?.done ?? false).toBe(false);

    // The resume goes through the balancer (the dead target is skipped) and settles the answer.
    const resumed = await resume(v, messageId, { lastEventId: String(cursor) });
    expect(resumed.status).toBe(200);
    expect(proxy.routed().at(-1)).not.toBe(DOOMED);
    const rest = await readSse(resumed);
    expect(rest.done).toBe(true);
    expect(rest.chunks.map((c) => c.seq)).toEqual(rest.chunks.map((_, i) => cursor + 1 + i));
    expect(rest.chunks.at(-1)!.chunk).toEqual({ type: 'error', errorText: ANSWER_FAILED_TEXT });

    // The question the killed instance acknowledged is kept; the answer keeps the text stored before the kill.
    const h = await history(v);
    expect(h.messages.map((m) => [m.role, m.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'error'],
    ]);
    expect(h.messages[0]!.text).toBe('How do I get a refund?');
    const settled = h.messages[1]!.text;
    expect(settled.length).toBeGreaterThan(0);
    const shown = textOf([...first.chunks, ...rest.chunks]);
    expect(shown.startsWith(settled) || settled.startsWith(shown)).toBe(true);

    // Nothing is left hanging on the dead answer: the next question gets a whole answer.
    const again = await readSse(await send(v, { text: 'How do I reset my password?' }));
    expect(again.done).toBe(true);
    expect(again.chunks.at(-1)!.chunk.type).toBe('finish');
    expect(textOf(again.chunks).length).toBeGreaterThan(0);
    expect((await history(v)).messages.map((m) => [m.role, m.status]).slice(2)).toEqual([
      ['user', 'complete'],
      ['assistant', 'complete'],
    ]);
  });
});
