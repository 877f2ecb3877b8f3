import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/db.js';
import { upsertDocument } from '../../../src/knowledge/ingest.js';
import { searchPassages } from '../../../src/knowledge/search/index.js';
import { paraphrasesOf, PHRASE_WEIGHT } from '../../../src/knowledge/search/paraphrases.js';
import { baseForms, synonymsOf } from '../../../src/knowledge/search/wordnet.js';
import { createTenant } from '../../../src/tenants/repository.js';
import { openMemoryDb } from '../../helpers/db.js';

describe('WordNet synonyms', () => {
  it('reads the first sense of a word from the shipped WordNet database, inflections undone', async () => {
    expect(await synonymsOf('car')).toEqual(expect.arrayContaining(['automobile', 'auto']));
    expect(await synonymsOf('cars')).toEqual(expect.arrayContaining(['automobile']));
    expect(await synonymsOf('refund')).toEqual(expect.arrayContaining(['repay', 'give back']));
    expect(await synonymsOf('xqzzv')).toEqual([]);
    expect(baseForms('deliveries')).toContain('delivery');
  });
});

describe('paraphrases', () => {
  it('turns everyday wording into the words a help center uses', async () => {
    expect(await paraphrasesOf('I want my money back')).toContainEqual({ word: 'refund', of: 'money back', weight: PHRASE_WEIGHT, onlyForUnknownWords: false });
    expect((await paraphrasesOf('How much does it cost?')).map((p) => p.word)).toEqual(expect.arrayContaining(['price', 'plan']));
    // Never a word the question already has.
    expect((await paraphrasesOf('refund price')).map((p) => p.word)).not.toContain('price');
  });
});

describe('search with paraphrases', () => {
  let db: Db;
  let tenantId: string;
  beforeAll(async () => {
    db = await openMemoryDb();
    tenantId = (await createTenant(db, { name: 'Paraphrase', allowedOrigins: [] })).tenant.id;
    const docs = [
      { externalId: 'refunds', title: 'Refund policy', content: 'You can ask for a refund within 30 days of purchase from the Billing page.' },
      { externalId: 'pricing', title: 'Plans and pricing', content: 'The Pro plan is priced at 8 dollars a month; Team at 12 dollars per member.' },
      { externalId: 'sync', title: 'Sync', content: 'Notes sync between your devices within seconds when you are online.' },
      { externalId: 'money', title: 'Payment methods', content: 'We accept cards and bank transfers; money is taken on the renewal date.' },
    ];
    for (const d of docs) await upsertDocument(db, tenantId, d);
  }, 60_000);
  afterAll(() => db.close());

  it('finds the article worded differently from the question', async () => {
    expect((await searchPassages(db, tenantId, 'I want my money back'))[0]?.externalId).toBe('refunds');
    expect((await searchPassages(db, tenantId, 'how much does it cost'))[0]?.externalId).toBe('pricing');
    // Without paraphrases there is no pricing passage for "cost" at all.
    expect((await searchPassages(db, tenantId, 'how much does it cost', { paraphrases: false })).map((p) => p.externalId)).not.toContain('pricing');
  });

  it('ranks a passage with the question’s own word above one matched only by a paraphrase', async () => {
    const ranked = (await searchPassages(db, tenantId, 'when is money taken for my plan')).map((p) => p.externalId);
    expect(ranked[0]).toBe('money');
  });
});
