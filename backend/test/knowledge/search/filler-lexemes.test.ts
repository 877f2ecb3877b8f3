import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/db.js';
import { upsertDocument } from '../../../src/knowledge/ingest.js';
import { knownFillerJson } from '../../../src/knowledge/search/filler-lexemes.js';
import { STOPWORDS } from '../../../src/knowledge/search/question-words.js';
import { searchPassages } from '../../../src/knowledge/search/index.js';
import { createTenant } from '../../../src/tenants/repository.js';
import { openEngine, type Engine } from '../../helpers/db.js';

/** The search statements' analyses, as each statement returned it. */
function recording(db: Db) {
  const analyses: Array<{ language: string; fillerLexemes?: string[] | null; terms: Array<{ lexeme: string; filler: boolean }> }> = [];
  const wrapped: Db = {
    ...db,
    async query<Row>(sql: string, params?: readonly unknown[]) {
      const rows = await db.query<Row>(sql, params);
      const analysis = (rows[0] as { analysis?: (typeof analyses)[number] } | undefined)?.analysis;
      if (analysis) analyses.push(analysis);
      return rows;
    },
  };
  return { db: wrapped, analyses };
}

/**
 * The framing words ("need", "know", "how long … take") count for nothing in a question. Their
 * lexemes are parsed by the search statement once per database and language and remembered
 * (filler-lexemes.ts): what a question finds, and how its words are weighed, must not depend on
 * whether they were parsed in this statement or remembered from an earlier one.
 */
describe.each<Engine>(['pglite', 'postgres'])('framing words remembered on %s', (engine) => {
  let raw: Db;
  let close: () => Promise<void>;
  let tenantId: string;
  beforeAll(async () => {
    ({ db: raw, close } = await openEngine(engine));
    tenantId = (await createTenant(raw, { name: 'Shop', allowedOrigins: [] })).tenant.id;
    await upsertDocument(raw, tenantId, { externalId: 'refunds', title: 'Refunds', content: 'Refunds are paid back to the card within 5 to 10 business days. You need the order number.' });
    await upsertDocument(raw, tenantId, { externalId: 'work', title: 'Working hours', content: 'Our team works Monday to Friday and needs a day to answer.' });
  });
  afterAll(() => close());

  it('parses them in the first statement only, and answers the same with them remembered', async () => {
    const { db, analyses } = recording(raw);
    const question = 'I needed to know how long a refund takes';
    const first = await searchPassages(db, tenantId, question);
    const second = await searchPassages(db, tenantId, question);
    expect(analyses).toHaveLength(2);
    expect(analyses[0]!.fillerLexemes).toEqual(expect.arrayContaining(['need', 'know', 'take', 'long']));
    expect(analyses[1]!.fillerLexemes ?? null).toBeNull();
    expect(second).toEqual(first);
    expect(first[0]!.title).toBe('Refunds');
    // What was remembered is exactly what Postgres parses for the tenant's language.
    const [parsed] = await raw.query<{ lexemes: string[] }>(`select tsvector_to_array(to_tsvector('english', $1)) as lexemes`, [[...STOPWORDS].join(' ')]);
    expect(JSON.parse(knownFillerJson(db)).english.sort()).toEqual(parsed!.lexemes.sort());
  });

  it('flags the same words as framing, parsed or remembered', async () => {
    const { db, analyses } = recording(raw);
    const question = 'I needed to know how the team works';
    expect(await searchPassages(db, tenantId, question)).toEqual(await searchPassages(db, tenantId, question));
    const [parsed, remembered] = analyses;
    expect(parsed!.fillerLexemes).toBeTruthy();
    expect(remembered!.fillerLexemes ?? null).toBeNull();
    expect(remembered!.terms).toEqual(parsed!.terms);
    const flags = Object.fromEntries(parsed!.terms.map((t) => [t.lexeme, t.filler]));
    // "needed" is not itself a framing word, but its lexeme is "need"'s: framing too.
    expect(flags).toEqual({ need: true, know: true, team: false, work: true });
  });
});
