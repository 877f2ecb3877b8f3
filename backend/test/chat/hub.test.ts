import { describe, expect, it } from 'vitest';
import type { SequencedChunk } from '@prex/protocol';
import { AnswerHub } from '../../src/chat/hub.js';

const init = { messageId: 'msg_1', tenantId: 'ten_1', sessionId: 'ses_1', userMessageId: 'msg_0' };

function recorder() {
  const seqs: number[] = [];
  let endedAt: number | undefined;
  return {
    seqs,
    get endedAt() {
      return endedAt;
    },
    listener: { chunk: (c: SequencedChunk) => seqs.push(c.seq), end: (last: number) => (endedAt = last) },
  };
}

const delta = (n: number) => ({ type: 'text-delta' as const, id: 't0', delta: `w${n} ` });

describe('answer hub', () => {
  it('numbers chunks from 1 and keeps the text so far', () => {
    const hub = new AnswerHub();
    const live = hub.add(init);
    expect(live.append({ type: 'start', messageId: 'msg_1' }).seq).toBe(1);
    expect(live.append(delta(1)).seq).toBe(2);
    expect(live.append(delta(2)).seq).toBe(3);
    expect(live.textSoFar).toBe('w1 w2 ');
  });

  it('for every cursor and every subscribe moment, delivers each seq after the cursor exactly once', () => {
    const total = 8;
    for (let subscribeAt = 0; subscribeAt <= total; subscribeAt++) {
      for (let cursor = 0; cursor <= total + 2; cursor++) {
        const hub = new AnswerHub();
        const live = hub.add(init);
        const rec = recorder();
        for (let n = 1; n <= total; n++) {
          if (n === subscribeAt + 1) hub.subscribe('msg_1', cursor, rec.listener);
          live.append(delta(n));
        }
        if (subscribeAt === total) hub.subscribe('msg_1', cursor, rec.listener);
        hub.finish(live, 'complete');
        const expected = Array.from({ length: total }, (_, i) => i + 1).filter((seq) => seq > cursor);
        expect(rec.seqs, `subscribe after ${subscribeAt} chunks, cursor ${cursor}`).toEqual(expected);
        expect(rec.endedAt).toBe(total);
      }
    }
  });

  it('replays the whole log and ends at once for a subscriber that arrives after the end', () => {
    const hub = new AnswerHub();
    const live = hub.add(init);
    live.append(delta(1));
    live.append(delta(2));
    live.end('complete');
    const rec = recorder();
    live.subscribe(1, rec.listener);
    expect(rec.seqs).toEqual([2]);
    expect(rec.endedAt).toBe(2);
  });

  it('stops delivering to an unsubscribed listener', () => {
    const hub = new AnswerHub();
    const live = hub.add(init);
    const rec = recorder();
    const unsubscribe = hub.subscribe('msg_1', 0, rec.listener)!;
    live.append(delta(1));
    unsubscribe();
    live.append(delta(2));
    hub.finish(live, 'stopped');
    expect(rec.seqs).toEqual([1]);
    expect(rec.endedAt).toBeUndefined();
  });

  it('forgets a finished answer, resolves settled and frees the session', async () => {
    const hub = new AnswerHub();
    expect(hub.reserveSession('ten_1', 'ses_1')).toBe(true);
    expect(hub.reserveSession('ten_1', 'ses_1')).toBe(false);
    expect(hub.reserveSession('ten_2', 'ses_1')).toBe(true); // another tenant's session is unrelated
    const live = hub.add(init);
    expect(hub.get('msg_1', { tenantId: 'ten_1', sessionId: 'ses_1' })).toBe(live);
    expect(hub.get('msg_1', { tenantId: 'ten_1', sessionId: 'ses_other' })).toBeUndefined();
    hub.finish(live, 'stopped');
    await expect(live.settled).resolves.toBe('stopped');
    expect(hub.get('msg_1')).toBeUndefined();
    expect(hub.subscribe('msg_1', 0, recorder().listener)).toBeUndefined();
    expect(hub.reserveSession('ten_1', 'ses_1')).toBe(true);
    expect(() => live.append(delta(9))).toThrow(/already ended/);
  });
});
