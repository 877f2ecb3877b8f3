/**
 * Markdown → chunks for retrieval. Every parser (parse/) produces Markdown-ish text whose headings
 * carry the document's structure, so this is the one chunker for every format.
 *
 * 1. Structure first: a chunk never spans two sections, so each carries one heading path
 *    ("Billing › Refunds") that the search weights and the citation shows.
 * 2. Then size: inside a section, paragraphs are packed greedily up to a token budget counted with
 *    gpt-tokenizer's cl100k_base encoding (the one OpenAI's text-embedding-3 models use, so a chunk
 *    that fits the budget fits an embedding request). A paragraph over the budget is split on
 *    sentences, a sentence over it on token boundaries.
 * 3. When a section needs several chunks, each one after the first starts with the last sentences
 *    of the previous one (up to `overlapTokens`), so an answer that straddles the cut is whole in
 *    at least one chunk.
 *
 * The budget counts the chunk's content only; the heading path and the title are stored beside it.
 */
import { createRequire } from 'node:module';

type Cl100k = typeof import('gpt-tokenizer/encoding/cl100k_base');
let cl100k: Cl100k | undefined;
/**
 * The encoding's tables cost ~10 MB of heap and ~0.2 s to load: loaded on the first chunk (an
 * ingestion), not by every process that imports this module. require() keeps the chunker synchronous.
 */
const tokenizer = (): Cl100k => (cl100k ??= createRequire(import.meta.url)('gpt-tokenizer/encoding/cl100k_base') as Cl100k);

/**
 * Default token budget per chunk. The one constant to change; ingestion and the eval command take
 * it from here unless told otherwise. Measured with `prex eval retrieval` on the FeedbackQA train
 * splits (nDCG@10 Australia / UK): 128 → 0.593 / 0.624, 200 → 0.591 / 0.624, 300 → 0.582 / 0.625,
 * 512 → 0.581 / –. Help-center sections run ~160 words at the median: at 200 most stay whole and
 * long ones split into focused pieces; smaller gains nothing and gives the answerer less context.
 */
export const DEFAULT_CHUNK_TOKENS = 200;
/** Default overlap between consecutive chunks of one section, in tokens (about 10% of the budget). */
export const DEFAULT_CHUNK_OVERLAP_TOKENS = 20;
/** Accepted range for the budget: smaller chunks lose context, larger ones exceed embedding inputs. */
export const MIN_CHUNK_TOKENS = 32;
export const MAX_CHUNK_TOKENS = 8000;

export const SECTION_SEPARATOR = ' › ';

export interface ChunkOptions {
  /** Token budget per chunk (cl100k_base). Default DEFAULT_CHUNK_TOKENS. */
  maxTokens?: number | undefined;
  /** Tokens of the previous chunk repeated at the start of the next one in the same section. Default DEFAULT_CHUNK_OVERLAP_TOKENS. */
  overlapTokens?: number | undefined;
}

export interface Chunk {
  ordinal: number;
  /** Heading path, e.g. "Billing & refunds › Refund policy"; undefined before the first heading. */
  section: string | undefined;
  /** The same path as a list of headings, outermost first ([] before the first heading). */
  headings: string[];
  content: string;
  /** cl100k_base tokens in `content`. */
  tokens: number;
}

/** A run of paragraphs under one heading path. */
export interface Section {
  headings: string[];
  paragraphs: string[];
}

/**
 * Documents are text: a literal `<|im_start|>` in one is counted as ordinary characters, not
 * refused as a special token (gpt-tokenizer throws on them by default).
 */
const ALLOW_SPECIAL_TEXT = { disallowedSpecial: new Set<string>() };

/**
 * BPE's cost grows with the square of the length of a run without spaces: an 80,000-character
 * "word" took 7 s to count and 106 s to chunk, blocking the process. Runs longer than this are
 * counted, and cut, a slice at a time; no real word comes near it.
 */
const LONG_RUN = /\S{1000}/;
const SLICE_CHARS = 1000;

/** Tokens in `text` as the chunker counts them (cl100k_base); summed over slices when it holds a very long run (a slight overcount). */
export function countTokens(text: string): number {
  if (!LONG_RUN.test(text)) return tokenizer().countTokens(text, ALLOW_SPECIAL_TEXT);
  let total = 0;
  for (let i = 0; i < text.length; i += SLICE_CHARS) total += tokenizer().countTokens(text.slice(i, i + SLICE_CHARS), ALLOW_SPECIAL_TEXT);
  return total;
}

/** Chunk options with their defaults applied and checked (resolveChunkOptions). */
export type ResolvedChunkOptions = Required<{ maxTokens: number; overlapTokens: number }>;

/**
 * A document's chunks cut ahead of its upsert (in an ingestion thread, see parse/sandbox.ts), with
 * the options they were cut with: ingestion uses them only when its own options are the same.
 */
export interface CutChunks {
  options: ResolvedChunkOptions;
  chunks: Chunk[];
}

/**
 * Cuts several Markdown texts into chunks somewhere else than the calling thread (a ParseSandbox's
 * chunk), in the texts' order. chunkMarkdown is the same work in this thread.
 */
export type MarkdownChunker = (texts: readonly string[], options: ResolvedChunkOptions) => Promise<Chunk[][]>;

export function resolveChunkOptions(opts: ChunkOptions = {}): ResolvedChunkOptions {
  const maxTokens = Math.floor(opts.maxTokens ?? DEFAULT_CHUNK_TOKENS);
  if (!(maxTokens >= MIN_CHUNK_TOKENS && maxTokens <= MAX_CHUNK_TOKENS)) {
    throw new RangeError(`chunk token budget must be between ${MIN_CHUNK_TOKENS} and ${MAX_CHUNK_TOKENS} (got ${opts.maxTokens})`);
  }
  const overlap = Math.floor(opts.overlapTokens ?? Math.min(DEFAULT_CHUNK_OVERLAP_TOKENS, Math.floor(maxTokens / 10)));
  if (!(overlap >= 0 && overlap <= maxTokens / 2)) {
    throw new RangeError(`chunk overlap must be between 0 and half the budget (${maxTokens / 2}) tokens (got ${opts.overlapTokens})`);
  }
  return { maxTokens, overlapTokens: overlap };
}

export function chunkMarkdown(markdown: string, opts: ChunkOptions = {}): Chunk[] {
  const { maxTokens, overlapTokens } = resolveChunkOptions(opts);
  const chunks: Chunk[] = [];
  for (const section of markdownSections(markdown)) {
    const path = section.headings.length > 0 ? section.headings.join(SECTION_SEPARATOR) : undefined;
    for (const piece of packSection(section.paragraphs, maxTokens, overlapTokens)) {
      chunks.push({ ordinal: chunks.length, section: path, headings: section.headings, content: piece.text, tokens: piece.tokens });
    }
  }
  return chunks;
}

const HEADING = /^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$/;
const FENCE = /^[ \t]*(```|~~~)/;

/**
 * The sections of a Markdown text with their heading paths, empty ones dropped. Walks lines,
 * tracking the heading stack; headings inside code fences are text.
 */
export function markdownSections(markdown: string): Section[] {
  const sections: Section[] = [];
  const stack: { level: number; text: string }[] = [];
  let current: Section = { headings: [], paragraphs: [] };
  let paragraph: string[] = [];
  let inFence = false;

  const endParagraph = () => {
    const text = paragraph.join('\n').trim();
    if (text) current.paragraphs.push(text);
    paragraph = [];
  };

  for (const line of markdown.replace(/\r\n?/g, '\n').split('\n')) {
    if (FENCE.test(line)) inFence = !inFence;
    const heading = inFence ? null : HEADING.exec(line);
    if (heading) {
      endParagraph();
      sections.push(current);
      const level = heading[1]!.length;
      while (stack.length > 0 && stack.at(-1)!.level >= level) stack.pop();
      stack.push({ level, text: heading[2]!.replace(/\\([#*_`])/g, '$1') });
      current = { headings: stack.map((h) => h.text), paragraphs: [] };
    } else if (!inFence && line.trim() === '') {
      endParagraph();
    } else {
      paragraph.push(line);
    }
  }
  endParagraph();
  sections.push(current);
  return sections.filter((s) => s.paragraphs.length > 0);
}

interface Unit {
  text: string;
  tokens: number;
  /** Joined to the previous unit with a space (a sentence of the same paragraph) instead of a blank line. */
  inline: boolean;
}

interface Piece {
  text: string;
  tokens: number;
}

/** Greedy packing of a section's paragraphs (or their sentences) into pieces within the budget. */
function packSection(paragraphs: string[], maxTokens: number, overlapTokens: number): Piece[] {
  const units = paragraphs.flatMap((p) => toUnits(p, maxTokens));
  const out: Piece[] = [];
  let buffer: Unit[] = [];
  let bufferTokens = 0;
  let hasNew = false;

  const flush = () => {
    if (!hasNew) return;
    const text = joinUnits(buffer);
    // A piece of one unit is that unit's text, already counted: BPE is the chunker's main cost.
    out.push({ text, tokens: buffer.length === 1 ? buffer[0]!.tokens : countTokens(text) });
    const seed = overlapTokens > 0 ? overlapOf(buffer, overlapTokens) : [];
    buffer = seed;
    bufferTokens = seed.reduce((n, u) => n + u.tokens + 1, 0);
    hasNew = false;
  };

  for (const unit of units) {
    if (hasNew && bufferTokens + unit.tokens + 1 > maxTokens) flush();
    // The overlap must never push a chunk over the budget: drop it when the next unit needs the room.
    if (!hasNew && bufferTokens + unit.tokens + 1 > maxTokens) {
      buffer = [];
      bufferTokens = 0;
    }
    buffer.push(buffer.length === 0 ? { ...unit, inline: false } : unit);
    bufferTokens += unit.tokens + 1;
    hasNew = true;
  }
  flush();
  return out.flatMap((piece) => (piece.tokens > maxTokens ? hardSplit(piece.text, maxTokens) : [piece]));
}

function joinUnits(units: Unit[]): string {
  return units.map((u, i) => (i === 0 ? u.text : u.inline ? ` ${u.text}` : `\n\n${u.text}`)).join('');
}

/** The trailing sentences of a chunk, up to `budget` tokens, as the start of the next one. */
function overlapOf(units: Unit[], budget: number): Unit[] {
  const last = units.at(-1);
  if (!last) return [];
  const sentences = splitSentences(last.text);
  const seed: Unit[] = [];
  let used = 0;
  for (let i = sentences.length - 1; i >= 0; i--) {
    const tokens = countTokens(sentences[i]!);
    if (used + tokens > budget) break;
    seed.unshift({ text: sentences[i]!, tokens, inline: true });
    used += tokens + 1;
  }
  // The whole chunk repeated is no overlap but a duplicate.
  if (seed.length === sentences.length && units.length === 1) return [];
  return seed;
}

/** A paragraph as packing units: itself when it fits, else its sentences (hard-split when one is too long). */
function toUnits(paragraph: string, maxTokens: number): Unit[] {
  const tokens = countTokens(paragraph);
  if (tokens <= maxTokens) return [{ text: paragraph, tokens, inline: false }];
  return splitSentences(paragraph).flatMap((sentence, i) => {
    const t = countTokens(sentence);
    const pieces = t <= maxTokens ? [{ text: sentence, tokens: t }] : hardSplit(sentence, maxTokens);
    return pieces.map((p, j) => ({ text: p.text, tokens: p.tokens, inline: i + j > 0 }));
  });
}

function splitSentences(text: string): string[] {
  const sentences = text.match(/[^.!?\n]+(?:[.!?]+["')\]]*|\n|$)/g) ?? [text];
  return sentences.map((s) => s.trim()).filter(Boolean);
}

/** Cuts text on token boundaries, preferring the last space of each window. */
function hardSplit(text: string, maxTokens: number): Piece[] {
  const out: Piece[] = [];
  let rest = text.trim();
  // Each window is cut from a bounded head of the rest, never by encoding all of it again (see LONG_RUN).
  const headChars = maxTokens * 12;
  while (rest) {
    const head = rest.slice(0, headChars);
    const tokens = tokenizer().encode(head, ALLOW_SPECIAL_TEXT);
    if (tokens.length <= maxTokens && head.length === rest.length) {
      out.push({ text: rest, tokens: tokens.length });
      break;
    }
    let window = tokens.length <= maxTokens ? head : tokenizer().decode(tokens.slice(0, maxTokens));
    // A window may end inside a multi-byte character: back off to what the text really starts with.
    while (window && !rest.startsWith(window)) window = window.slice(0, -1);
    const space = window.lastIndexOf(' ');
    if (space > window.length / 2) window = window.slice(0, space);
    if (!window) window = rest.slice(0, 1);
    const piece = window.trim();
    if (piece) out.push({ text: piece, tokens: countTokens(piece) });
    rest = rest.slice(window.length).trim();
  }
  return out;
}
