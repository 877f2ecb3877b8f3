/**
 * Markdown → chunks for retrieval. A chunk never spans two sections, so each carries one heading
 * path ("Billing › Refunds") that the search weights and the citation shows. Inside a section,
 * paragraphs are packed up to MAX_CHARS so a passage is big enough to answer from and small
 * enough to cite. Plain text (no headings) is just paragraphs.
 */

export interface Chunk {
  ordinal: number;
  /** Heading path, e.g. "Billing & refunds › Refund policy"; undefined before the first heading. */
  section: string | undefined;
  content: string;
}

export const CHUNK_MAX_CHARS = 1200;
/** A section's last piece shorter than this is merged into the previous one when it fits. */
const CHUNK_MIN_CHARS = 300;
export const SECTION_SEPARATOR = ' › ';

interface Section {
  path: string | undefined;
  paragraphs: string[];
}

export function chunkMarkdown(markdown: string): Chunk[] {
  const chunks: Chunk[] = [];
  for (const section of splitSections(markdown)) {
    for (const content of packParagraphs(section.paragraphs)) {
      chunks.push({ ordinal: chunks.length, section: section.path, content });
    }
  }
  return chunks;
}

const HEADING = /^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$/;
const FENCE = /^[ \t]*(```|~~~)/;

/** Walks lines, tracking the heading stack; headings inside code fences are text. */
function splitSections(markdown: string): Section[] {
  const sections: Section[] = [];
  const headings: { level: number; text: string }[] = [];
  let current: Section = { path: undefined, paragraphs: [] };
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
      while (headings.length > 0 && headings.at(-1)!.level >= level) headings.pop();
      headings.push({ level, text: heading[2]! });
      current = { path: headings.map((h) => h.text).join(SECTION_SEPARATOR), paragraphs: [] };
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

/** Greedy packing on paragraph boundaries; an oversized paragraph is split on sentences. */
function packParagraphs(paragraphs: string[]): string[] {
  const pieces = paragraphs.flatMap((p) => (p.length > CHUNK_MAX_CHARS ? splitLong(p) : [p]));
  const out: string[] = [];
  let buffer = '';
  for (const piece of pieces) {
    if (buffer && buffer.length + 2 + piece.length > CHUNK_MAX_CHARS) {
      out.push(buffer);
      buffer = piece;
    } else {
      buffer = buffer ? `${buffer}\n\n${piece}` : piece;
    }
  }
  if (buffer) out.push(buffer);
  return mergeShortTail(out);
}

function mergeShortTail(out: string[]): string[] {
  const last = out.at(-1);
  const previous = out.at(-2);
  if (last !== undefined && previous !== undefined && last.length < CHUNK_MIN_CHARS && previous.length + 2 + last.length <= CHUNK_MAX_CHARS * 1.25) {
    return [...out.slice(0, -2), `${previous}\n\n${last}`];
  }
  return out;
}

/** Sentence boundaries first; a single sentence longer than the limit is cut at a space (or hard). */
function splitLong(text: string): string[] {
  const sentences = text.match(/[^.!?\n]+(?:[.!?]+|\n|$)\s*/g) ?? [text];
  const out: string[] = [];
  let buffer = '';
  for (const sentence of sentences.flatMap(hardSplit)) {
    if (buffer && buffer.length + sentence.length > CHUNK_MAX_CHARS) {
      out.push(buffer.trim());
      buffer = '';
    }
    buffer += sentence;
  }
  if (buffer.trim()) out.push(buffer.trim());
  return out;
}

function hardSplit(sentence: string): string[] {
  const out: string[] = [];
  let rest = sentence;
  while (rest.length > CHUNK_MAX_CHARS) {
    const cut = rest.lastIndexOf(' ', CHUNK_MAX_CHARS);
    const at = cut > CHUNK_MAX_CHARS / 2 ? cut + 1 : CHUNK_MAX_CHARS;
    out.push(rest.slice(0, at));
    rest = rest.slice(at);
  }
  if (rest) out.push(rest);
  return out;
}
