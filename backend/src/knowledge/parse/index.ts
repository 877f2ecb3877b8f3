import path from 'node:path';
import { markdownSections } from '../chunker.js';
import { checkDocumentChars, DEFAULT_PARSE_LIMITS, type ParseLimits } from './limits.js';
import { parseMarkdown } from './markdown.js';
import { parseText } from './text.js';
import { DOCUMENT_FORMATS, fileLabel, ParseError, type DocumentFormat, type ParsedDocument, type ParseInput, type ParserOutput } from './types.js';

export * from './types.js';
export { DEFAULT_PARSE_LIMITS, type ParseLimits } from './limits.js';

const BY_EXTENSION: Record<string, DocumentFormat> = {
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.mdx': 'markdown',
  '.txt': 'text',
  '.text': 'text',
  '.html': 'html',
  '.htm': 'html',
  '.xhtml': 'html',
  '.pdf': 'pdf',
  '.docx': 'docx',
  '.json': 'faq-json',
  '.csv': 'faq-csv',
};

const BY_MIME: Record<string, DocumentFormat> = {
  'text/markdown': 'markdown',
  'text/x-markdown': 'markdown',
  'text/plain': 'text',
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/json': 'faq-json',
  'text/csv': 'faq-csv',
};

export const SUPPORTED_EXTENSIONS = Object.keys(BY_EXTENSION);

/**
 * The format of a file: its extension first (what operators name files by), then its MIME type
 * (generic ones like application/octet-stream say nothing). Undefined when neither is known.
 */
export function detectFormat(input: { filename?: string | undefined; mimeType?: string | undefined; format?: DocumentFormat | undefined }): DocumentFormat | undefined {
  if (input.format) return input.format;
  const ext = input.filename ? path.extname(input.filename).toLowerCase() : '';
  if (ext && BY_EXTENSION[ext]) return BY_EXTENSION[ext];
  const mime = input.mimeType?.split(';')[0]?.trim().toLowerCase();
  if (mime && BY_MIME[mime]) return BY_MIME[mime];
  return undefined;
}

/** The reason a file would be refused, for a 415 before anything is queued. */
export function unsupportedReason(input: { filename?: string | undefined; mimeType?: string | undefined }): string {
  const ext = input.filename ? path.extname(input.filename).toLowerCase() : '';
  const what = ext ? `file type ${ext}` : input.mimeType ? `content type ${input.mimeType}` : 'a file without extension or content type';
  return `Unsupported ${what}: supported are ${SUPPORTED_EXTENSIONS.join(', ')}`;
}

type Parser = (bytes: Uint8Array, what: string, limits: ParseLimits) => ParserOutput | Promise<ParserOutput>;

/**
 * The HTML, PDF, DOCX and FAQ parsers (linkedom, Readability, htmlparser2, unpdf, mammoth,
 * csv-parse) load on the first file of their format: a process that never parses one (the API's
 * thread, whose uploads parse in the sandbox's thread) does not hold them. The first such file
 * pays the import once (tens to a few hundred ms).
 */
const PARSERS: Record<DocumentFormat, Parser> = {
  markdown: parseMarkdown,
  text: parseText,
  html: (...args) => import('./html.js').then((m) => m.parseHtml(...args)),
  pdf: (...args) => import('./pdf.js').then((m) => m.parsePdf(...args)),
  docx: (...args) => import('./docx.js').then((m) => m.parseDocx(...args)),
  'faq-json': (bytes, what) => import('./faq.js').then((m) => m.parseFaqJson(bytes, what)),
  'faq-csv': (bytes, what) => import('./faq.js').then((m) => m.parseFaqCsv(bytes, what)),
};

/**
 * Parses one document of any supported format into Markdown with its title, source URL and
 * sections. Throws ParseError (never anything else for bad input) with a reason a person can act on,
 * including ParseError('limit') for a file over `limits` (see limits.ts). This runs in the calling
 * thread: untrusted uploads go through the sandbox (sandbox.ts), which adds memory and time limits.
 */
export async function parseDocument(input: ParseInput, limits: ParseLimits = DEFAULT_PARSE_LIMITS): Promise<ParsedDocument> {
  const what = fileLabel(input);
  const format = detectFormat(input);
  if (!format || !DOCUMENT_FORMATS.includes(format)) throw new ParseError('unsupported', unsupportedReason(input));
  if (input.bytes.byteLength === 0) throw new ParseError('empty', `${what} is empty`);
  let out: ParserOutput;
  try {
    out = await PARSERS[format](input.bytes, what, limits);
  } catch (err) {
    if (err instanceof ParseError) throw err;
    throw new ParseError('unreadable', `${what} could not be read as ${format}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const markdown = out.markdown.replace(/\r\n?/g, '\n').trim();
  checkDocumentChars(markdown.length, limits, what);
  const sections = markdownSections(markdown);
  if (sections.length === 0) throw new ParseError('empty', `${what} has no text to index`);
  const title = clean(input.title) ?? clean(out.title) ?? (input.filename ? path.basename(input.filename, path.extname(input.filename)) : undefined) ?? 'Untitled';
  return { format, title: title.slice(0, 300), url: clean(input.url) ?? out.url, markdown, sections };
}

function clean(value: string | undefined): string | undefined {
  const v = value?.replace(/\s+/g, ' ').trim();
  return v ? v : undefined;
}
