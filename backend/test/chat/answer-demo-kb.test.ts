import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CITATION_METADATA_KEY, citationFromSourceChunk, type UIStreamChunk } from '@prex/protocol';
import { NO_ANSWER_TEXT } from '../../src/llm/index.js';
import { seedDemo } from '../../src/seed/demo.js';
import { silentLog } from '../helpers/db.js';
import { history, newVisitor, ORIGIN, readSse, send, startChatTestServer, textOf, type ChatTestServer, type Visitor } from '../helpers/chat.js';

/**
 * What a visitor of the demo help center (backend/seed/demo-kb) gets, without a model: the real
 * server, seeded as at start-up, answering extractively from PGlite.
 */

let t: ChatTestServer;
let demo: { url: string; publishableKey: string };

beforeAll(async () => {
  t = await startChatTestServer({ PREX_CLASSIFIER: 'rules' });
  const seeded = await seedDemo(t.server.db, { enabled: true, publishableKey: 'pk_demo_answers', origins: [ORIGIN] }, silentLog);
  demo = { url: t.url, publishableKey: seeded.tenant.publishableKey };
}, 60_000);
afterAll(() => t?.close());

type Chunks = ReadonlyArray<{ chunk: UIStreamChunk }>;
const chunksOf = (chunks: Chunks) => chunks.map((c) => c.chunk);
const metaOf = (chunks: Chunks) => chunksOf(chunks).find((c) => c.type === 'data-prex-meta');
const sourcesOf = (chunks: Chunks) =>
  chunksOf(chunks).flatMap((c) => (c.type === 'source-url' || c.type === 'source-document' ? [citationFromSourceChunk(c)] : []));
const handoffsOf = (chunks: Chunks) => chunksOf(chunks).filter((c) => c.type === 'data-prex-handoff');

async function ask(text: string): Promise<{ visitor: Visitor; chunks: Chunks }> {
  const visitor = await newVisitor(demo);
  const read = await readSse(await send(visitor, { text }));
  return { visitor, chunks: read.chunks };
}

describe('answers on the demo knowledge base', () => {
  it.each([
    ['How do refunds work?', 'billing-and-refunds', 'Refund policy'],
    ['how do I get a refund?', 'billing-and-refunds', 'How to request a refund'],
    ['How does pricing work?', 'plans-and-pricing', undefined],
  ])('"%s" is answered from %s (section %s), cited with the article slug', async (question, slug, section) => {
    const { visitor, chunks } = await ask(question);
    expect(metaOf(chunks)).toMatchObject({ data: { answerer: 'extractive', grounded: true } });
    const [first] = sourcesOf(chunks);
    expect(first).toMatchObject({ externalId: slug, url: `https://help.northwind.example/${slug}`, section });
    expect(textOf(chunks)).toContain('[1]');
    expect(handoffsOf(chunks)).toEqual([]);
    const stored = (await history(visitor)).messages.at(-1)!;
    expect(stored.sources[0]).toMatchObject({ externalId: slug });
  });

  it('the slug rides in the source chunk’s providerMetadata (what `prex eval agent` reads)', async () => {
    const { chunks } = await ask('How do refunds work?');
    const source = chunksOf(chunks).find((c) => c.type === 'source-url');
    expect(source).toMatchObject({ providerMetadata: { [CITATION_METADATA_KEY]: { externalId: 'billing-and-refunds', section: 'Refund policy' } } });
  });

  it.each(['Can I pay with Bitcoin within 30 days?', 'Who won the football match yesterday?', 'What is the capital of France?'])(
    '"%s" gets the honest no-answer and a human offered',
    async (question) => {
      const { chunks } = await ask(question);
      expect(metaOf(chunks)).toMatchObject({ data: { grounded: false } });
      expect(textOf(chunks)).toBe(NO_ANSWER_TEXT);
      expect(sourcesOf(chunks)).toEqual([]);
      expect(handoffsOf(chunks)).toEqual([{ type: 'data-prex-handoff', data: { status: 'offered' } }]);
    },
  );
});
