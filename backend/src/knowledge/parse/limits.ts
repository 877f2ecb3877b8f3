import { ParseError } from './types.js';

/**
 * What one file may cost to parse, checked before and while each format is read (the parsers), on
 * top of the memory and time the sandbox (sandbox.ts) gives a whole parse. The two an operator may
 * want to move are here; the structural ones below are constants, since no real document comes near them.
 */
export interface ParseLimits {
  /** Characters of text one document may yield (PREX_INGEST_MAX_CHARS). */
  maxDocumentChars: number;
  /** Pages of one PDF (PREX_INGEST_MAX_PDF_PAGES). */
  maxPdfPages: number;
}

/**
 * The defaults, also config.ts's (a test keeps the two equal). 2,000,000 characters is about 800
 * printed pages: a whole product manual, and about 2,000 chunks. 2,000 pages covers the longest
 * manuals seen in support knowledge bases; PDF.js reads roughly 20-50 pages a second on one core,
 * so a longer PDF would not finish inside the default time limit anyway.
 */
export const DEFAULT_PARSE_LIMITS: ParseLimits = { maxDocumentChars: 2_000_000, maxPdfPages: 2_000 };

/**
 * Entries in a DOCX (zip) archive. A Word document has 10-30 parts plus one per embedded image or
 * font; a thousand leaves room for an image-heavy manual. Archives built to wear out the reader hold
 * tens of thousands of entries.
 */
export const MAX_ZIP_ENTRIES = 1_000;

/**
 * Bytes of all a DOCX's entries together once inflated. The character limit is 10-20 MB of
 * WordprocessingML (its markup is 5-10 times the text); embedded media are stored compressed and
 * inflate about 1:1, so 100 MB holds any 20 MB upload that is a real document. The reported zip bomb
 * (1.16 MB on disk) inflates to 400 MB.
 */
export const MAX_ZIP_INFLATED_BYTES = 100 * 1024 * 1024;

/**
 * Nesting depth of HTML elements. Browsers' HTML parsers stop nesting at 512 (Blink's
 * kMaximumHTMLParserDOMTreeDepth), so no page that renders as its author meant is deeper; the
 * converters here walk the tree recursively, so depth is stack.
 */
export const MAX_HTML_DEPTH = 512;

/**
 * Nesting depth of arrays and dictionaries in a PDF. Real files nest a handful of levels (page tree,
 * resources, annotations); PDF.js parses nested objects recursively, so depth is stack.
 */
export const MAX_PDF_OBJECT_DEPTH = 100;

/** A ParseError('limit') when `chars` is over the document limit. */
export function checkDocumentChars(chars: number, limits: ParseLimits, what: string): void {
  if (chars > limits.maxDocumentChars) {
    throw new ParseError('limit', `${what} has more than ${formatCount(limits.maxDocumentChars)} characters of text (the limit per document): split it into several documents`);
  }
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${formatCount(Math.round(n / (1024 * 1024)))} MB` : `${formatCount(n)} bytes`;
}
