import { readFileSync, writeFileSync } from 'node:fs';
// Run from backend/: npx tsx ../bench/calibration/<script>.mts …
const W = new URL('../../backend/src', import.meta.url).pathname;
const { idf, topicShare } = await import(`${W}/knowledge/search/lexical.ts`);
const { stem, tokenize } = await import(`${W}/llm/question-match.ts`);
const load = (f: string) => JSON.parse(readFileSync(new URL(f, import.meta.url), 'utf8'));

const hits = (tok: string, lex: string) => tok.startsWith(lex) || (lex.length >= 4 && lex.startsWith(stem(tok)) && stem(tok).length >= 4) || stem(tok) === lex;
export function features(r: any, p: any, window = 20) {
  const matched = new Set<string>(p.matched);
  const weigh = (t: any) => t.weight * idf(t.df, r.chunks);
  const cov = topicShare(r.terms, matched, weigh);
  const plain = topicShare(r.terms, matched, (t: any) => t.weight);
  // concepts as topicShare sees them
  const concepts = r.terms.filter((t: any) => !t.prefix && !t.filler && (t.weight >= 1 || (t.of.length === 1 && t.of[0] === t.lexeme)));
  const total = concepts.reduce((s: number, t: any) => s + weigh(t), 0) || 1;
  const unknown = concepts.filter((t: any) => t.df === 0).reduce((s: number, t: any) => s + weigh(t), 0) / total;
  // window coverage: heading words count everywhere
  const head = tokenize(`${p.title} ${p.section ?? ''}`);
  const body = tokenize(p.content);
  const lexemes = [...matched];
  const inHead = new Set(lexemes.filter((l) => head.some((tok: string) => hits(tok, l))));
  const pos: Array<[number, string]> = [];
  body.forEach((tok: string, i: number) => lexemes.forEach((l) => { if (!inHead.has(l) && hits(tok, l)) pos.push([i, l]); }));
  let bestWin = topicShare(r.terms, inHead, weigh);
  for (let s = 0; s < pos.length; s++) {
    const set = new Set(inHead);
    for (let e = s; e < pos.length && pos[e]![0] - pos[s]![0] < window; e++) set.add(pos[e]![1]);
    bestWin = Math.max(bestWin, topicShare(r.terms, set, weigh));
  }
  const headCov = topicShare(r.terms, new Set(p.head), weigh);
  const headApprox = topicShare(r.terms, inHead, weigh);
  const nMatched = concepts.filter((t: any) => matched.has(t.lexeme)).length;
  return { cov, plain, unknown, win: Math.min(bestWin, cov), headCov, nMatched, nConcepts: concepts.length, bm25: p.bm25 };
}
const out: string[] = ['set,q,rank,gold,cov,plain,unknown,win,headCov,nMatched,nConcepts,bm25'];
for (const [set, file] of [['uk', 'uk-train.json'], ['au', 'au-train.json'], ['ukoff', 'uk-off.json'], ['auoff', 'au-off.json']]) {
  load(file!).forEach((r: any, qi: number) => r.passages.slice(0, 5).forEach((p: any, i: number) => {
    const f = features(r, p);
    out.push([set, qi, i, p.pid === r.gold ? 1 : 0, f.cov, f.plain, f.unknown, f.win, f.headCov, f.nMatched, f.nConcepts, f.bm25].join(','));
  }));
}
writeFileSync(new URL('features.csv', import.meta.url), out.join('\n'));
console.log(out.length);
