import type { Passage } from '../knowledge/passage.js';
import { answeringPassages } from '../knowledge/search/decision.js';
import { STOPWORDS, tokenize } from '../knowledge/search/question-words.js';

export { tokenize } from '../knowledge/search/question-words.js';

/**
 * Which of the question's words a passage's text contains: what the extractive answer quotes
 * (the sentences naming them), which passage leads, and which further passages join (those naming
 * a word the first does not). Not whether to answer: that is the search's decision
 * (knowledge/search/decision.ts).
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

/** How many of the question's words a passage's own heading path names ("Refund policy", not its page's title). */
function wordsInSection(questionWords: readonly string[], passage: Passage): number {
  const stems = stemSet(passage.section ?? '');
  return questionWords.filter((w) => stemOccurs(w, stems)).length;
}

/**
 * The passages an answer draws on, once the search has decided there is an answer (a passage at or
 * above its threshold, knowledge/search/decision.ts); none when it has not. The answering passages
 * first, the most confident leading; between equally confident ones, the one whose own heading
 * names more of the question's words ("Refund policy" before "Failed payments", both on a page
 * titled "Billing and refunds"), otherwise the search's order. Then, for a question with two topics
 * ("a refund … and reset my password"), retrieved passages that cover a question word none of the
 * answering ones covers, since each half of such a question is only half of its information.
 */
export function groundingPassages(question: string, passages: readonly Passage[]): Passage[] {
  const answering = answeringPassages(passages);
  if (answering.length === 0) return [];
  const words = contentWords(question);
  const chosen = [...answering].sort((a, b) => b.score - a.score || wordsInSection(words, b) - wordsInSection(words, a));
  const covered = new Set(chosen.flatMap((p) => coveredWords(words, p)));
  for (const passage of passages) {
    if (answering.includes(passage)) continue;
    const adds = coveredWords(words, passage).filter((w) => !covered.has(w));
    if (adds.length === 0) continue;
    adds.forEach((w) => covered.add(w));
    chosen.push(passage);
  }
  return chosen;
}
