import { topicWords } from './question-words.js';
import { synonymsOf } from './wordnet.js';

/**
 * Query-side paraphrases: other words for what the question says, searched at a lower weight than
 * its own words (EXPANSION_WEIGHT) so they can find a passage worded differently ("money back" →
 * refund, "cost" → price) but never outrank one that uses the question's own words.
 *
 * Two sources: WordNet synonyms of each topic word (wordnet.ts) and a short list of everyday
 * support phrasings that WordNet, a dictionary of single senses, cannot know.
 */

/** How much a paraphrase counts against one of the question's own words (tuned on the train splits). */
export const EXPANSION_WEIGHT = 0.3;
/** An everyday phrasing below is a deliberate, curated equivalence: it counts nearly as the question's own word. */
export const PHRASE_WEIGHT = 0.8;

export interface Paraphrase {
  /** The other wording, searched for. */
  word: string;
  /** The question's word or phrase it stands for. */
  of: string;
  /** How much it counts against the question's own words (below 1). */
  weight: number;
  /**
   * Searched only when the knowledge base has no word for what it stands for: a dictionary synonym
   * of a word the knowledge base already uses mostly adds noise (measured: train nDCG@10 0.624 →
   * 0.620 on UK when every word was expanded).
   */
  onlyForUnknownWords: boolean;
}

/** Everyday phrasings of support topics: pattern in the question → words a help center uses. */
const EVERYDAY: ReadonlyArray<{ pattern: RegExp; of: string; words: string[] }> = [
  { pattern: /\bmoney back\b/, of: 'money back', words: ['refund'] },
  { pattern: /\bhow much\b/, of: 'how much', words: ['price', 'cost'] },
  { pattern: /\b(?:cost|costs|costing)\b/, of: 'cost', words: ['price', 'plan'] },
  { pattern: /\b(?:log ?in|sign ?in)\b/, of: 'log in', words: ['login', 'sign'] },
  { pattern: /\b(?:without|no) (?:an? |any )?(?:internet|wi-?fi|connection|network|signal)\b/, of: 'internet connection wifi network signal', words: ['offline'] },
];

/** Paraphrases of the question's words, de-duplicated, none equal to a word it already has. */
export async function paraphrasesOf(question: string): Promise<Paraphrase[]> {
  const text = question.toLowerCase().replace(/['’]/g, '');
  const own = new Set(topicWords(text));
  const found = new Map<string, Paraphrase>();
  const add = (word: string, of: string, weight: number, onlyForUnknownWords: boolean) => {
    if (!own.has(word) && !found.has(word)) found.set(word, { word, of, weight, onlyForUnknownWords });
  };
  for (const rule of EVERYDAY) if (rule.pattern.test(text)) rule.words.forEach((w) => add(w, rule.of, PHRASE_WEIGHT, false));
  for (const word of own) {
    if (word.length < 3 || !/^\p{L}+$/u.test(word)) continue;
    // One-word synonyms only: a compound's words are searched one by one, and "working capital"
    // for "capital" would find pages about working.
    for (const synonym of await synonymsOf(word)) if (/^\p{L}+$/u.test(synonym)) add(synonym, word, EXPANSION_WEIGHT, true);
  }
  return [...found.values()];
}
