// Dumps, per question, the analysed terms and the top-N passages (with matched lexemes) so decision
// and citation variants can be evaluated offline. Usage: tsx dump.ts KB.json QUESTIONS.json OUT.json [every]
import { readFile, writeFile } from 'node:fs/promises';
// Run from backend/: npx tsx ../bench/calibration/<script>.mts …
const W = new URL('../../backend/src', import.meta.url).pathname;
const { openPglite } = await import(`${W}/db/pglite.ts`);
const { migrate } = await import(`${W}/db/migrate.ts`);
const { createLogger } = await import(`${W}/logger.ts`);
const { createTenant } = await import(`${W}/tenants/repository.ts`);
const { ingestEvalPassages } = await import(`${W}/cli/eval.ts`);
const lex = await import(`${W}/knowledge/search/lexical.ts`);
const { paraphrasesOf } = await import(`${W}/knowledge/search/paraphrases.ts`);

const [kbPath, qPath, out, everyArg] = process.argv.slice(2);
const kb = JSON.parse(await readFile(kbPath!, 'utf8'));
const qs = JSON.parse(await readFile(qPath!, 'utf8'));
const every = Number(everyArg ?? 1);
const db = await openPglite();
await migrate(db, createLogger('silent'));
const { tenant } = await createTenant(db, { name: 'x', allowedOrigins: [] });
const { passageOfDocument } = await ingestEvalPassages(db, tenant.id, kb);
const N = 10;
const rows: unknown[] = [];
const examples = qs.examples.filter((_: unknown, i: number) => i % every === 0);
for (const ex of examples) {
  const paraphrases = await paraphrasesOf(lex.parseQuery(ex.question).text);
  const extras = paraphrases.map((p: any) => ({ text: p.word, of: p.of, weight: p.weight, onlyForUnknownWords: p.onlyForUnknownWords }));
  const analysis = await lex.analyzeQuery(db, tenant.id, ex.question, extras);
  let passages: any[] = [];
  if (analysis.terms.length) {
    const ranked = await lex.lexicalRank(db, tenant.id, analysis, N);
    const ids = ranked.map((r: any) => r.chunkId);
    const hyd = await lex.hydrateWithSignals(db, tenant.id, ids, analysis);
    const rankOf = new Map(ranked.map((r: any) => [r.chunkId, r.rank]));
    const matchedRows = await db.query(`select id, array(select unnest(tsvector_to_array(tsv)) intersect select unnest($2::text[])) as m from chunks where id = any($1::text[])`, [ids, analysis.terms.filter((t: any) => !t.prefix).map((t: any) => t.lexeme)]);
    const matched = new Map(matchedRows.map((r: any) => [r.id, r.m]));
    const headRows = await db.query(`select id, array(select u.lexeme from unnest(tsv) u where u.lexeme = any($2::text[]) and ('A' = any(u.weights) or 'B' = any(u.weights))) as m from chunks where id = any($1::text[])`, [ids, analysis.terms.filter((t: any) => !t.prefix).map((t: any) => t.lexeme)]);
    const head = new Map(headRows.map((r: any) => [r.id, r.m]));
    passages = hyd.map((p: any) => ({ ...p, bm25: rankOf.get(p.chunkId), matched: matched.get(p.chunkId), head: head.get(p.chunkId), pid: passageOfDocument.get(p.documentId) }));
  }
  rows.push({ question: ex.question, gold: ex.passage_id == null ? null : String(ex.passage_id), chunks: analysis.chunks, terms: analysis.terms, passages });
}
await writeFile(out!, JSON.stringify(rows));
console.log(`dumped ${rows.length} questions to ${out}`);
await db.close();
