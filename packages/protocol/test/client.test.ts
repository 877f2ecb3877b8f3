import { describe, expect, it } from 'vitest';
import {
  emptyAnswer,
  readAnswerStream,
  readSseMessages,
  reduceAnswer,
  type AnswerState,
  type AnswerStreamEvent,
  type SseMessage,
} from '../src/client.js';
import { citationToSourceChunk, type UIStreamChunk } from '../src/index.js';

const encode = (text: string) => new TextEncoder().encode(text);

/** A fetch Response whose body delivers `parts` one read at a time, as a network would. */
function responseOf(parts: Uint8Array[], onCancel?: () => void): Response {
  let next = 0;
  return new Response(
    new ReadableStream<Uint8Array>({
      pull(controller) {
        if (next < parts.length) controller.enqueue(parts[next++]!);
        else controller.close();
      },
      cancel: onCancel,
    }),
    { headers: { 'content-type': 'text/event-stream' } },
  );
}

/** `bytes` cut at the given offsets. */
const cutAt = (bytes: Uint8Array, ...offsets: number[]) =>
  [0, ...offsets, bytes.length].slice(1).map((end, i, ends) => bytes.slice(i === 0 ? 0 : ends[i - 1], end));

/** An SSE body as a Prex server writes it: `id: <seq>` and one JSON data line per chunk, then [DONE]. */
const sse = (chunks: UIStreamChunk[], done = true) =>
  chunks.map((chunk, i) => `id: ${i + 1}\ndata: ${JSON.stringify(chunk)}\n\n`).join('') + (done ? `id: ${chunks.length}\ndata: [DONE]\n\n` : '');

const REFUND = { sourceId: 's1', documentId: 'doc-refunds', externalId: 'refunds', title: 'Refunds', url: 'https://shop.example/refunds', snippet: 'Refunds take 5 days.' };
const FAQ = { sourceId: 's2', documentId: 'doc-faq', title: 'FAQ', snippet: 'Ask us.' };

const ANSWER: UIStreamChunk[] = [
  { type: 'start', messageId: 'msg_a' },
  { type: 'data-prex-meta', data: { sessionId: 'ses_1', userMessageId: 'msg_q', answerer: 'llm', grounded: true, agent: 'Support' } },
  { type: 'text-start', id: 't' },
  { type: 'text-delta', id: 't', delta: 'Remboursé en 5 jours ' },
  { type: 'text-delta', id: 't', delta: '🙂 — voilà.' },
  { type: 'text-end', id: 't' },
  citationToSourceChunk(REFUND),
  citationToSourceChunk(FAQ),
  { type: 'finish', finishReason: 'stop' },
];

async function collect<T>(events: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const event of events) out.push(event);
  return out;
}

const fold = (events: AnswerStreamEvent[], from: AnswerState = emptyAnswer) => events.reduce(reduceAnswer, from);

describe('readAnswerStream + reduceAnswer', () => {
  it('reads a whole answer: text, citations, ids, how it ended', async () => {
    const state = fold(await collect(readAnswerStream(responseOf([encode(sse(ANSWER))]))));
    expect(state).toEqual({
      messageId: 'msg_a',
      userMessageId: 'msg_q',
      text: 'Remboursé en 5 jours 🙂 — voilà.',
      citations: [
        { ...REFUND, section: undefined },
        { ...FAQ, externalId: undefined, url: undefined, section: undefined },
      ],
      meta: { sessionId: 'ses_1', userMessageId: 'msg_q', answerer: 'llm', grounded: true, agent: 'Support' },
      handoffs: [],
      toStaff: undefined,
      status: 'complete',
      errorText: undefined,
      lastSeq: ANSWER.length,
      done: true,
    });
  });

  it('gives the same events however the bytes are cut: mid-event, mid-field, inside a UTF-8 character', async () => {
    const bytes = encode(sse(ANSWER));
    const whole = await collect(readAnswerStream(responseOf([bytes])));
    // Every single cut point, then one byte per read: each multi-byte character (é, —, 🙂) is split somewhere.
    for (let at = 1; at < bytes.length; at++) {
      expect(await collect(readAnswerStream(responseOf(cutAt(bytes, at))))).toEqual(whole);
    }
    const oneByteReads = [...bytes].map((b) => Uint8Array.of(b));
    expect(await collect(readAnswerStream(responseOf(oneByteReads)))).toEqual(whole);
  });

  it('ends in error with the server’s text, keeping what streamed before', async () => {
    const chunks: UIStreamChunk[] = [
      { type: 'start', messageId: 'msg_e' },
      { type: 'text-delta', id: 't', delta: 'Half an ans' },
      { type: 'error', errorText: 'The model is unavailable.' },
    ];
    const state = fold(await collect(readAnswerStream(responseOf([encode(sse(chunks))]))));
    expect(state).toMatchObject({ status: 'error', errorText: 'The model is unavailable.', text: 'Half an ans', done: true, lastSeq: 3 });
  });

  it('a stream that ends without [DONE] is not done: the state says where to resume, a cut-off event is dropped', async () => {
    const body = sse(ANSWER.slice(0, 4), false) + `id: 5\ndata: {"type":"text-delta","id":"t","delta":"lost"}`;
    const events = await collect(readAnswerStream(responseOf(cutAt(encode(body), 30, 31))));
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    const state = fold(events);
    expect(state).toMatchObject({ done: false, status: 'streaming', messageId: 'msg_a', lastSeq: 4, text: 'Remboursé en 5 jours ' });
  });

  it('a resume that replays from too early applies each chunk once', async () => {
    const first = fold(await collect(readAnswerStream(responseOf([encode(sse(ANSWER.slice(0, 4), false))]))));
    const resumed = fold(await collect(readAnswerStream(responseOf([encode(sse(ANSWER))]))), first);
    expect(resumed.text).toBe('Remboursé en 5 jours 🙂 — voilà.');
    expect(resumed.citations.map((c) => c.sourceId)).toEqual(['s1', 's2']);
    expect(resumed.done).toBe(true);
  });

  it('records stop, handoff and a message that went to staff', async () => {
    const stopped = fold(await collect(readAnswerStream(responseOf([encode(sse([{ type: 'start', messageId: 'm' }, { type: 'abort', reason: 'user' }]))]))));
    expect(stopped).toMatchObject({ status: 'stopped', errorText: 'user' });

    const toStaff = fold(
      await collect(
        readAnswerStream(
          responseOf([
            encode(
              sse([
                { type: 'start', messageId: 'm' },
                { type: 'data-prex-handoff', data: { status: 'open', escalationId: 'esc_1' } },
                { type: 'data-prex-to-staff', data: { userMessageId: 'msg_q', escalationId: 'esc_1' } },
                { type: 'finish' },
              ]),
            ),
          ]),
        ),
      ),
    );
    expect(toStaff).toMatchObject({
      status: 'complete',
      text: '',
      userMessageId: 'msg_q',
      handoffs: [{ status: 'open', escalationId: 'esc_1' }],
      toStaff: { userMessageId: 'msg_q', escalationId: 'esc_1' },
    });
  });

  it('skips data it cannot read (not JSON, a chunk type from a newer server, one `parse` refuses)', async () => {
    const body =
      'id: 1\ndata: {"type":"start","messageId":"m"}\n\n' +
      'id: 2\ndata: not json\n\n' +
      'id: 3\ndata: {"type":"data-prex-future","data":{}}\n\n' +
      'id: 4\ndata: {"type":"text-delta","id":"t","delta":42}\n\n' +
      'id: 5\ndata: {"type":"text-delta","id":"t","delta":"ok"}\n\n' +
      'id: 5\ndata: [DONE]\n\n';
    const parse = (json: unknown) => {
      const chunk = json as UIStreamChunk;
      return chunk.type === 'text-delta' && typeof chunk.delta !== 'string' ? undefined : chunk;
    };
    const events = await collect(readAnswerStream(responseOf([encode(body)]), { parse }));
    expect(events.map((e) => e.seq)).toEqual([1, 3, 5, 5]);
    expect(fold(events)).toMatchObject({ text: 'ok', status: 'complete', done: true, lastSeq: 5 });
  });

  it('stopping early cancels the body, which closes the connection', async () => {
    let cancelled = false;
    const response = responseOf(cutAt(encode(sse(ANSWER)), 40, 80, 120), () => (cancelled = true));
    for await (const event of readAnswerStream(response)) if (event.chunk?.type === 'start') break;
    expect(cancelled).toBe(true);
  });

  it('reads a ReadableStream of bytes as well as a Response', async () => {
    const body = responseOf([encode(sse(ANSWER))]).body!;
    expect(fold(await collect(readAnswerStream(body))).text).toBe('Remboursé en 5 jours 🙂 — voilà.');
  });
});

describe('readSseMessages', () => {
  it('follows the SSE line rules: CRLF, CR and LF endings (a CRLF cut between reads), comments, multi-line data, per-event ids', async () => {
    const body = ': ping\r\n\r\nid: 7\r\nevent: note\r\ndata: a\r\ndata:b\r\n\r\ndata: no id\r\rretry: 10\nid\ndata\n\n';
    const comments: string[] = [];
    const at = body.indexOf('id: 7\r') + 6; // between a CR and its LF: not a blank line
    const messages = await collect(readSseMessages(responseOf(cutAt(encode(body), at)), { onComment: (c) => comments.push(c) }));
    expect(messages).toEqual<SseMessage[]>([
      { id: '7', event: 'note', data: 'a\nb' },
      { id: undefined, event: undefined, data: 'no id' },
      { id: '', event: undefined, data: '' },
    ]);
    expect(comments).toEqual(['ping']);
  });

  it('a CR at the very end of the body still ends its line', async () => {
    expect(await collect(readSseMessages(responseOf([encode('data: last\r\r')])))).toEqual([{ id: undefined, event: undefined, data: 'last' }]);
  });
});
