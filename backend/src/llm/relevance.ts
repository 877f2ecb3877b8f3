import type { Passage } from '../knowledge/passage.js';
import { RELEVANCE_FLOOR } from '../knowledge/search/index.js';
import { STOPWORDS, tokenize } from '../knowledge/search/question-words.js';

export { tokenize } from '../knowledge/search/question-words.js';

/**
 * The relevance floor. Full-text search ranks whatever matched, and a match on one generic word
 * ("account", "days") is enough to rank a passage. On top of the search's own score floor, a
 * passage only counts when it actually contains enough of the question's content words (see
 * requiredMatches), so an off-topic question gets an honest "I couldn't find that" instead of a
 * confident answer stitched from an unrelated page. Lexical, so paraphrases with no shared word
 * ("get my money back" vs "refund") are missed: the honest answer is the safe failure.
 */

const VOWEL = /[aeiouy]/;

/**
 * A light suffix stripper, enough to match "refunds"/"refunded"/"refunding" with "refund" and
 * "shipping" with "ship". Prefix matching (stemOccurs) absorbs what it leaves uneven.
 */
export function stem(word: string): string {
  if (word.length <= 3) return word;
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
  if (word.endsWith('sses')) return word.slice(0, -2);
  if (/(?:x|z|ch|sh|ss)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us') && !word.endsWith('is')) word = word.slice(0, -1);
  for (const suffix of ['ing', 'ed']) {
    const base = word.slice(0, -suffix.length);
    if (word.endsWith(suffix) && base.length >= 3 && VOWEL.test(base)) return undouble(base);
  }
  return word;
}

/** "shipp" → "ship", "stopp" → "stop"; but "fall", "pass", "buzz" keep their double letter. */
function undouble(base: string): string {
  return /([^aeiouslz])\1$/.test(base) ? base.slice(0, -1) : base;
}

/** The question's distinctive words, stemmed and de-duplicated. */
export function contentWords(text: string): string[] {
  // Bare numbers ("30", "2024") are too common in help articles to tell topics apart.
  const words = tokenize(text).filter((w) => !STOPWORDS.has(w) && w.length > 1 && !/^\d+$/.test(w));
  return [...new Set(words.map(stem))];
}

/** Stems of a text, for matching question words against it. */
export function stemSet(text: string): Set<string> {
  return new Set(tokenize(text).map(stem));
}

/**
 * True when a question word occurs in the text's stems. Prefixes count both ways for words of
 * 4+ letters, so "cancel" matches "cancellation" and "billing" matches "bill".
 */
export function stemOccurs(word: string, stems: Set<string>): boolean {
  if (stems.has(word)) return true;
  if (word.length < 4) return false;
  for (const s of stems) {
    if (s.length >= 4 && (s.startsWith(word) || word.startsWith(s))) return true;
  }
  return false;
}

/** The question words that occur in the passage (title and section included). */
export function coveredWords(questionWords: readonly string[], passage: Passage): string[] {
  const stems = stemSet(`${passage.title} ${passage.section ?? ''} ${passage.content}`);
  return questionWords.filter((w) => stemOccurs(w, stems));
}

/**
 * The question words a passage names itself, in its heading path or text. The document title is
 * shared by every section of the document: "Failed payments" in "Billing and refunds" is not about
 * refunds, while "Refund policy" is.
 */
export function wordsInOwnText(questionWords: readonly string[], passage: Passage): number {
  const stems = stemSet(`${passage.section ?? ''} ${passage.content}`);
  return questionWords.filter((w) => stemOccurs(w, stems)).length;
}

/**
 * How many of the question's content words a passage must contain to answer it: half of them,
 * and at least two when the question has two or more, so one generic word ("account", "days")
 * shared with a page never makes it an answer.
 */
export function requiredMatches(wordCount: number): number {
  return Math.max(Math.min(2, wordCount), Math.ceil(wordCount / 2));
}

/**
 * The passages worth answering from: above the search's own score floor and, on top of it, the
 * content-word check. First those that clear the floor on their own (most words
 * covered first, then most words named by the section itself rather than only by its document's
 * title, then the search's rank); then, for a question with two topics ("refund … and
 * reset my password"), passages that cover a question word none of the chosen ones covers.
 * Empty when the question has no content words ("hi!") or no passage clears the floor.
 */
export function relevantPassages(question: string, passages: readonly Passage[]): Passage[] {
  const words = contentWords(question);
  if (words.length === 0) return [];
  const scored = passages
    .map((passage, rank) => ({ passage, rank, covered: coveredWords(words, passage), own: wordsInOwnText(words, passage) }))
    .filter((p) => p.passage.score >= RELEVANCE_FLOOR);
  const primary = scored
    .filter((p) => p.covered.length >= requiredMatches(words.length))
    .sort((a, b) => b.covered.length - a.covered.length || b.own - a.own || a.rank - b.rank);
  if (primary.length === 0) return [];
  const covered = new Set(primary.flatMap((p) => p.covered));
  const complementary = scored.filter((p) => !primary.includes(p) && p.covered.some((w) => !covered.has(w)));
  const chosen = [...primary];
  for (const candidate of complementary) {
    if (!candidate.covered.some((w) => !covered.has(w))) continue;
    candidate.covered.forEach((w) => covered.add(w));
    chosen.push(candidate);
  }
  return chosen.map((p) => p.passage);
}
