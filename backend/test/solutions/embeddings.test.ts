import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOLUTION_ROUTES, type SolutionResponse } from '@prex/protocol';
import { startEmbeddingsServer, type EmbeddingsServer } from '@prex/testing';
import { readJson } from '../helpers/app.js';
import { history, lastAssistant, newVisitor, readSse, send, startChatTestServer, type ChatTestServer } from '../helpers/chat.js';
import { signedInStaff, type StaffBrowser } from '../helpers/staff.js';

/**
 * Solutions with the vector channel on: a real server on PGlite (pgvector) pointed at a loopback
 * OpenAI-compatible /embeddings endpoint. A saved solution's chunks are embedded, so search finds it
 * for words it does not contain; an edit embeds the new text.
 */

let embeddings: EmbeddingsServer;
let t: ChatTestServer;
let staff: StaffBrowser;

beforeAll(async () => {
  // "puppy" counts as "dog" for the endpoint's vectors: a paraphrase no lexical search finds.
  embeddings = await startEmbeddingsServer({ dimensions: 32, synonyms: { puppy: 'dog', puppies: 'dog', dogs: 'dog' }, apiKey: 'sk-emb' });
  t = await startChatTestServer({
    PREX_EMBEDDINGS_MODEL: 'hashed-bow',
    PREX_EMBEDDINGS_BASE_URL: embeddings.baseUrl,
    PREX_EMBEDDINGS_API_KEY: 'sk-emb',
    PREX_EMBEDDINGS_DIMENSIONS: '32',
  });
  staff = await signedInStaff(t.url, t.server.db, t.tenantId, 'agent@shop.example', 'agent');
}, 60_000);
afterAll(async () => {
  await t?.close();
  await embeddings?.close();
});

/** The solution document's chunks, each with whether it has an embedding. */
async function chunksOf(documentId: string): Promise<Array<{ text: string; embedded: boolean }>> {
  return t.server.db.query<{ text: string; embedded: boolean }>(
    `select c.content as text, exists (select 1 from chunk_embeddings e where e.chunk_id = c.id) as embedded
       from chunks c where c.tenant_id = $1 and c.document_id = $2 order by c.ordinal`,
    [t.tenantId, documentId],
  );
}

async function answerTo(question: string) {
  const visitor = await newVisitor(t);
  await readSse(await send(visitor, { text: question }));
  return lastAssistant(await history(visitor));
}

describe('solutions with embeddings', () => {
  it('embeds a saved solution, and a visitor asking in other words gets it, cited', async () => {
    const res = await staff.call('POST', SOLUTION_ROUTES.solutions, { question: 'Can I bring my dog into the shop?', answer: 'Dog owners are welcome: a dog on a leash may come into every shop of ours.' });
    expect(res.status).toBe(201);
    const { solution } = await readJson<SolutionResponse>(res);
    const chunks = await chunksOf(solution.documentId);
    expect(chunks.length).toBeGreaterThan(0);
    expect(chunks.every((c) => c.embedded)).toBe(true);
    expect(embeddings.requests.some((r) => r.inputs.some((input) => input.includes('dog on a leash')))).toBe(true);

    // Search finds it through the vector channel for words it does not contain…
    const paraphrase = await t.server.retrieval.search(t.server.db, t.tenantId, 'Are puppies allowed?');
    expect(paraphrase[0]).toMatchObject({ documentId: solution.documentId });
    expect(await t.server.retrieval.search(t.server.db, t.tenantId, 'Are puppies allowed?', { channels: 'lexical' })).toEqual([]);
    // …and a visitor's answer quotes and cites it (grounding is the lexical decision's, docs/retrieval.md).
    const answer = await answerTo('May I bring my dog into your shop?');
    expect(answer.sources[0]).toMatchObject({ externalId: `solution:${solution.id}` });
    expect(answer.text).toContain('on a leash');
  });

  it('embeds the new text of an edit', async () => {
    const created = await staff.call('POST', SOLUTION_ROUTES.solutions, { question: 'Do you deliver on Sundays?', answer: 'No, couriers do not work on Sundays.' });
    const { solution } = await readJson<SolutionResponse>(created);
    const edited = await staff.call('PATCH', `${SOLUTION_ROUTES.solutions}/${solution.id}`, { answer: 'Yes: since May, Sunday delivery costs 5 euros extra.' });
    expect(edited.status).toBe(200);
    const chunks = await chunksOf(solution.documentId);
    expect(chunks.map((c) => c.text).join(' ')).toContain('since May');
    expect(chunks.map((c) => c.text).join(' ')).not.toContain('couriers do not work');
    expect(chunks.every((c) => c.embedded)).toBe(true);
  });
});
