import { setTimeout as sleep } from 'node:timers/promises';
import type { Passage } from '../knowledge/passage.js';
import type { Answer, Answerer, AnswerPart, AnswerRequest } from './answerer.js';
import { ANSWER_THRESHOLD } from '../knowledge/search/decision.js';
import { followUpContext } from '../knowledge/search/follow-up.js';
import { passageImage } from './answer-image.js';
import { citedNumbers } from './citations.js';
import { contentWords, coveredWords, groundingPassages, stemOccurs, stemSet } from './question-match.js';

export interface ExtractiveOptions {
  /** Pause between deltas so the answer reads like typing; 0 for benches (still yields the event loop). */
  deltaDelayMs?: number;
  /** Words per delta. */
  wordsPerDelta?: number;
}

export const NO_ANSWER_TEXT =
  "I couldn't find that in our help center. Could you rephrase your question, or ask about something else? " +
  'If you need more help, our support team can take it from here.';

const MAX_SOURCES = 3;
/** A list (steps) up to this long (as plain text) is quoted whole: steps stay complete and in order. */
const WHOLE_PASSAGE_CHARS = 700;
const MAX_SENTENCES_TOP = 3;
const MAX_SENTENCES_OTHER = 2;

/** Inline Markdown → plain text: the answer is rendered as text, so markup would show as symbols. */
function inlinePlain(line: string): string {
  return line
    .replace(/!\[[^\]]*\]\([^)]*\)/g, ' ')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__|\*|`)(.+?)\1/g, '$2')
    .replace(/\|/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * A Markdown passage as plain lines: headings, code blocks and blank lines dropped, numbered steps
 * kept as "1. …", bullets as "• …", quotes unwrapped.
 */
export function plainLines(markdown: string): string[] {
  return markdown
    .replace(/```[\s\S]*?```/g, '')
    .split('\n')
    .filter((line) => !/^\s{0,3}#{1,6}\s/.test(line))
    .map((line) => line.replace(/^\s*>\s?/, '').replace(/^\s*[-*+]\s+/, '• '))
    .map(inlinePlain)
    .filter((line) => /\p{L}/u.test(line));
}

/** Sentences of a passage, list markers dropped: lines split at sentence ends. */
export function sentencesOf(content: string): string[] {
  return plainLines(content)
    .map((line) => line.replace(/^(?:•|\d+[.)])\s+/, ''))
    .flatMap((line) => line.split(/(?<=[.!?])\s+/))
    .filter((s) => s.length >= 12);
}

/**
 * What kind of answer a "how long" or "how much" question wants: a sentence that states a duration
 * or an amount answers it better than one that only names its topic ("refunds … within 5 to 10
 * business days" for "and how long does that take?").
 */
const ANSWER_SHAPES: ReadonlyArray<{ asks: RegExp; answer: RegExp }> = [
  { asks: /\bhow (?:long|soon|quickly|fast)\b|\bwhen will\b/i, answer: /\b\d+(?:\s*(?:to|-|–)\s*\d+)?\s+(?:business\s+|working\s+)?(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?)\b/i },
  { asks: /\bhow much\b|\b(?:cost|costs|fee|fees)\b|\bprices? (?:of|for)\b/i, answer: /[$€£¥]\s?\d|\b\d+(?:[.,]\d+)?\s?(?:usd|eur|gbp|dollars?|euros?|pounds?)\b/i },
];

/** The answer shape the question asks for (a regular expression a sentence should match), if any. */
export function answerShape(question: string): RegExp | undefined {
  return ANSWER_SHAPES.find((s) => s.asks.test(question))?.answer;
}

/**
 * The passage's sentences that mention the most question words, in their original order; a
 * sentence of the shape the question asks for (a duration, an amount) counts one word more.
 */
export function bestSentences(passage: Passage, questionWords: readonly string[], max: number, shape?: RegExp): string[] {
  const scored = sentencesOf(passage.content).map((sentence, index) => {
    const stems = stemSet(sentence);
    const hits = questionWords.filter((w) => stemOccurs(w, stems)).length + (shape?.test(sentence) ? 1 : 0);
    return { sentence, index, hits };
  });
  const picked = scored
    .filter((s) => s.hits > 0)
    .sort((a, b) => b.hits - a.hits || a.index - b.index)
    .slice(0, max);
  // A passage whose match is only in its title/heading: its opening sentence is the best summary.
  if (picked.length === 0 && scored[0]) picked.push(scored[0]);
  return picked.sort((a, b) => a.index - b.index).map((s) => s.sentence);
}

/** Numbered steps or bullets: a list only makes sense whole and in order. */
function isList(lines: readonly string[]): boolean {
  return lines.some((line) => /^(?:•|\d+[.)])\s/.test(line));
}

/**
 * What to quote from the best passage: a short list (steps) whole, otherwise the sentences that
 * match the question, so the answer opens with the answer rather than with the page's preamble.
 */
function topExcerpt(passage: Passage, questionWords: readonly string[], shape: RegExp | undefined): string {
  const lines = plainLines(passage.content);
  const whole = lines.join('\n');
  if (isList(lines) && whole.length <= WHOLE_PASSAGE_CHARS) return whole;
  return bestSentences(passage, questionWords, MAX_SENTENCES_TOP, shape).join(' ');
}

/** True when the passage's heading or text states what the question asks for (a duration, an amount). */
function hasShape(passage: Passage, shape: RegExp): boolean {
  return shape.test(passage.section ?? '') || shape.test(passage.content);
}

/**
 * The answering passages that state a duration or amount ahead of those that do not (for "how
 * much does it cost", the plan with its price before the plans overview), otherwise in the
 * search's order; passages joined for a second topic stay behind.
 */
function byShape(relevant: readonly Passage[], shape: RegExp): Passage[] {
  const answering = relevant.filter((p) => p.score >= ANSWER_THRESHOLD);
  const rest = relevant.filter((p) => p.score < ANSWER_THRESHOLD);
  return [...answering.filter((p) => hasShape(p, shape)), ...answering.filter((p) => !hasShape(p, shape)), ...rest];
}

/** A section whose heading states the answer ("Plus — $6 per month") is quoted under it. */
function withHeading(passage: Passage, excerpt: string, shape: RegExp | undefined): string {
  const heading = passage.section?.split(' › ').at(-1);
  return heading && shape?.test(heading) && !shape.test(excerpt) ? `${heading}: ${excerpt}` : excerpt;
}

/** Ends the excerpt with the citation marker before its final punctuation: "… confirm [1]." */
function withMarker(excerpt: string, marker: number): string {
  const body = excerpt.replace(/[\s:;,]+$/, '');
  const ended = /[.!?]$/.test(body) ? body.slice(0, -1) : body;
  const stop = /[!?]$/.test(body) ? body.slice(-1) : '.';
  return `${ended} [${marker}]${stop}`;
}

/**
 * The grounded answer's full text and the passages its markers refer to ([1] = first).
 * The best passage answers the question; up to MAX_SOURCES - 1 further passages join: those the
 * search also found answering it (a visitor's question often matches several sections, and the
 * search's first is not always the one they meant), each with its sentence or two that name the
 * question's words, and those that cover a part of the question the others do not (a two-topic
 * question). The same sentences are never quoted twice.
 */
export function composeAnswer(question: string, relevant: readonly Passage[], extraWords: readonly string[] = []): { text: string; cited: Passage[] } {
  const words = [...new Set([...contentWords(question), ...extraWords])];
  const shape = answerShape(question);
  const [top, ...others] = shape ? byShape(relevant, shape) : relevant;
  if (!top) return { text: NO_ANSWER_TEXT, cited: [] };
  const cited: Passage[] = [top];
  const first = topExcerpt(top, words, shape);
  const paragraphs = [withMarker(withHeading(top, first, shape), 1)];
  const quoted = new Set([first]);
  const covered = new Set(coveredWords(words, top));
  for (const passage of others) {
    if (cited.length >= MAX_SOURCES) break;
    const adds = coveredWords(words, passage).filter((w) => !covered.has(w));
    if (adds.length === 0 && passage.score < ANSWER_THRESHOLD) continue;
    const excerpt = bestSentences(passage, adds.length > 0 ? adds : words, MAX_SENTENCES_OTHER, shape).join(' ');
    if (!excerpt || quoted.has(excerpt)) continue;
    quoted.add(excerpt);
    adds.forEach((w) => covered.add(w));
    cited.push(passage);
    paragraphs.push(withMarker(withHeading(passage, excerpt, shape), cited.length));
  }
  // No canned preamble ("Here's what our help center says…"): the quoted sentences are the
  // answer, and the numbered source under the answer says where they come from.
  return { text: paragraphs.join('\n\n'), cited };
}

/** Splits text into deltas of a few words, keeping every character (whitespace included). */
export function splitIntoDeltas(text: string, wordsPerDelta: number): string[] {
  const words = text.match(/\S+\s*/g) ?? [];
  const leading = text.match(/^\s+/)?.[0] ?? '';
  const deltas: string[] = [];
  for (let i = 0; i < words.length; i += wordsPerDelta) deltas.push(words.slice(i, i + wordsPerDelta).join(''));
  if (leading && deltas.length) deltas[0] = leading + deltas[0];
  return deltas;
}

/** Streams a fixed text in word groups, pausing between them, until done or aborted. */
export async function* paced(text: string, signal: AbortSignal, options: Required<ExtractiveOptions>): AsyncGenerator<string> {
  for (const delta of splitIntoDeltas(text, options.wordsPerDelta)) {
    if (signal.aborted) return;
    yield delta;
    // Even at 0 ms, give other requests (and a stop) a turn between deltas.
    if (options.deltaDelayMs > 0) await sleep(options.deltaDelayMs).catch(() => undefined);
    else await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/**
 * Streams a fixed, fully known answer. `citedPassages()` only reports passages whose marker has
 * been streamed, so an answer stopped half-way cites what the user actually saw.
 */
export function streamComposedAnswer(
  composed: { text: string; cited: Passage[] },
  request: AnswerRequest,
  options: Required<ExtractiveOptions>,
): Answer {
  let streamed = '';
  const source = paced(composed.text, request.signal, options);
  async function* parts(): AsyncGenerator<AnswerPart> {
    for await (const delta of source) {
      streamed += delta;
      yield { type: 'text', delta };
    }
  }
  const grounded = composed.cited.length > 0;
  return {
    answerer: 'extractive',
    grounded,
    unanswered: () => !grounded,
    parts: parts(),
    citedPassages: () => citedNumbers(streamed).map((n) => composed.cited[n - 1]).filter((p): p is Passage => !!p),
  };
}

/** Answers without a model: the most relevant sentences of the best passages, cited. */
export function createExtractiveAnswerer(options: ExtractiveOptions = {}): Answerer {
  const settings: Required<ExtractiveOptions> = { deltaDelayMs: options.deltaDelayMs ?? 4, wordsPerDelta: options.wordsPerDelta ?? 3 };
  return {
    kind: 'extractive',
    async answer(request) {
      // Whether to answer is the search's decision (a passage at or above its threshold).
      // A follow-up ("and how long does that take?") quotes the sentences about the earlier topic.
      const context = followUpContext(request.question, request.history);
      const composed = composeAnswer(request.question, groundingPassages(request.question, request.passages), context ? contentWords(context) : []);
      const image = composed.cited[0] && passageImage(composed.cited[0].content, request.imageHosts);
      return streamComposedAnswer(image ? { ...composed, text: `${composed.text}\n\n${image}` } : composed, request, settings);
    },
  };
}
