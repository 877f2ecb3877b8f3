import { decodeText, escapeLineStarts, type ParserOutput } from './types.js';

/** Plain text: paragraphs only (nothing in it is read as Markdown structure). */
export function parseText(bytes: Uint8Array, what: string): ParserOutput {
  const text = decodeText(bytes, what).replace(/\r\n?/g, '\n');
  return { markdown: escapeLineStarts(text) };
}
