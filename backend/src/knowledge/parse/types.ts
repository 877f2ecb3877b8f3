import type { Section } from '../chunker.js';

export const DOCUMENT_FORMATS = ['markdown', 'text', 'html', 'pdf', 'docx', 'faq-json', 'faq-csv'] as const;
export type DocumentFormat = (typeof DOCUMENT_FORMATS)[number];

/** What a parser is given: the raw bytes and what the uploader said about them. */
export interface ParseInput {
  bytes: Uint8Array;
  /** The file's name; its extension picks the parser (before the MIME type). */
  filename?: string | undefined;
  mimeType?: string | undefined;
  /** Forces a format (a JSON body that says what its text is). */
  format?: DocumentFormat | undefined;
  /** Overrides the title the parser finds. */
  title?: string | undefined;
  /** The public URL to cite; overrides one found in the document (front matter, canonical link). */
  url?: string | undefined;
}

/**
 * A document as every format ends up: Markdown-ish text whose headings carry its structure (the
 * chunker splits on them), plus a title and the source URL for citations.
 */
export interface ParsedDocument {
  format: DocumentFormat;
  title: string;
  url: string | undefined;
  /** The text to chunk and store: Markdown, with `#` headings for the sections. */
  markdown: string;
  /** The section structure of `markdown` (heading paths and paragraphs). */
  sections: Section[];
}

/** What a format parser returns before defaults (title from the file name) are applied. */
export interface ParserOutput {
  title?: string | undefined;
  url?: string | undefined;
  markdown: string;
}

/** 'limit': the file is over one of the parse limits (limits.ts), e.g. a zip bomb or a 100,000-page PDF. */
export type ParseErrorReason = 'unsupported' | 'unreadable' | 'empty' | 'invalid' | 'limit';

/**
 * The document cannot be ingested as given: an unsupported type, bytes that are not what they claim,
 * no text, a FAQ list without its columns, or a file over a parse limit. Not worth retrying; the
 * message says what to fix.
 */
export class ParseError extends Error {
  override name = 'ParseError';
  constructor(
    readonly reason: ParseErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** How messages name the file: its quoted name, or "the document". */
export function fileLabel(input: Pick<ParseInput, 'filename'>): string {
  return input.filename ? `"${input.filename}"` : 'the document';
}

/** Bytes as UTF-8 text (BOM dropped); binary or invalid UTF-8 is a ParseError. */
export function decodeText(bytes: Uint8Array, what: string): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (err) {
    throw new ParseError('unreadable', `${what} is not valid UTF-8 text`, { cause: err });
  }
  if (text.includes('\u0000')) throw new ParseError('unreadable', `${what} contains NUL bytes: it looks like a binary file, not text`);
  return text.replace(/^\uFEFF/, '');
}

/** One line of text without Markdown heading/emphasis meaning, for use inside a `#` heading. */
export function headingText(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Escapes a paragraph that would otherwise read as a heading or a fence in Markdown. */
export function escapeLineStarts(text: string): string {
  return text.replace(/^([ \t]*)(#{1,6}[ \t]|```|~~~)/gm, '$1\\$2');
}
