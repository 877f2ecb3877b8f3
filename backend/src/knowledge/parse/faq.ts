import { parse as parseCsvText } from 'csv-parse/sync';
import { decodeText, escapeLineStarts, headingText, ParseError, type ParserOutput } from './types.js';

export interface FaqEntry {
  question: string;
  answer: string;
}

/** Each question becomes a `##` section titled by it, with its answer as the section's text. */
function faqMarkdown(entries: FaqEntry[], what: string): string {
  const rows = entries.map((e) => ({ question: headingText(e.question), answer: e.answer.replace(/\r\n?/g, '\n').trim() })).filter((e) => e.question && e.answer);
  if (rows.length === 0) throw new ParseError('empty', `${what} has no question with an answer`);
  return rows.map((e) => `## ${e.question}\n\n${escapeLineStarts(e.answer)}`).join('\n\n');
}

const QUESTION_KEYS = ['question', 'q', 'title'];
const ANSWER_KEYS = ['answer', 'a', 'body', 'text'];

function pick(row: Record<string, unknown>, keys: string[]): unknown {
  for (const [k, v] of Object.entries(row)) if (keys.includes(k.trim().toLowerCase())) return v;
  return undefined;
}

/**
 * A JSON FAQ list: an array of `{ question, answer }` objects, or `{ title?, url?, faqs: [...] }`
 * (also `items` / `questions`). `q`/`a` are accepted for question/answer.
 */
export function parseFaqJson(bytes: Uint8Array, what: string): ParserOutput {
  let data: unknown;
  try {
    data = JSON.parse(decodeText(bytes, what));
  } catch (err) {
    if (err instanceof ParseError) throw err;
    throw new ParseError('unreadable', `${what} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  let title: string | undefined;
  let url: string | undefined;
  let list: unknown = data;
  if (data && typeof data === 'object' && !Array.isArray(data)) {
    const obj = data as Record<string, unknown>;
    if (typeof obj.title === 'string') title = obj.title;
    if (typeof obj.url === 'string' && /^https?:\/\//.test(obj.url)) url = obj.url;
    list = obj.faqs ?? obj.faq ?? obj.items ?? obj.questions;
  }
  if (!Array.isArray(list)) {
    throw new ParseError('invalid', `${what}: expected a JSON array of { "question", "answer" } objects, or an object with a "faqs" array`);
  }
  const entries = list.map((row, i) => {
    const q = row && typeof row === 'object' ? pick(row as Record<string, unknown>, QUESTION_KEYS) : undefined;
    const a = row && typeof row === 'object' ? pick(row as Record<string, unknown>, ANSWER_KEYS) : undefined;
    if (typeof q !== 'string' || typeof a !== 'string') {
      throw new ParseError('invalid', `${what}: entry ${i + 1} needs string "question" and "answer" fields`);
    }
    return { question: q, answer: a };
  });
  return { title, url, markdown: faqMarkdown(entries, what) };
}

/** A CSV FAQ list with a header row naming a question column and an answer column. */
export function parseFaqCsv(bytes: Uint8Array, what: string): ParserOutput {
  let rows: string[][];
  try {
    rows = parseCsvText(decodeText(bytes, what), { skip_empty_lines: true, relax_column_count: true, trim: true, bom: true }) as string[][];
  } catch (err) {
    if (err instanceof ParseError) throw err;
    throw new ParseError('unreadable', `${what} is not valid CSV: ${(err as Error).message}`, { cause: err });
  }
  const header = (rows[0] ?? []).map((h) => h.trim().toLowerCase());
  const qi = header.findIndex((h) => QUESTION_KEYS.includes(h));
  const ai = header.findIndex((h) => ANSWER_KEYS.includes(h));
  if (qi < 0 || ai < 0) {
    throw new ParseError('invalid', `${what}: the first row must name a "question" and an "answer" column (found: ${header.join(', ') || 'nothing'})`);
  }
  const entries = rows.slice(1).map((r) => ({ question: r[qi] ?? '', answer: r[ai] ?? '' }));
  return { markdown: faqMarkdown(entries, what) };
}
