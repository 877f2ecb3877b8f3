import { checkDocumentChars, formatCount, MAX_PDF_OBJECT_DEPTH, type ParseLimits } from './limits.js';
import { pdfDepthOver } from './pdf-depth.js';
import { escapeLineStarts, headingText, ParseError, type ParserOutput } from './types.js';

type PdfDocument = Awaited<ReturnType<typeof import('unpdf')['getDocumentProxy']>>;

/**
 * PDF: the text of each page (unpdf, i.e. PDF.js). A PDF carries no reliable headings, so each page
 * becomes a section "Page n" and a citation can point to the page. The title is the PDF's Title
 * metadata when set. Limits: object nesting before PDF.js sees the file, the page count before any
 * page is read, and the characters read so far after each page.
 */
export async function parsePdf(bytes: Uint8Array, what: string, limits: ParseLimits): Promise<ParserOutput> {
  if (!startsWith(bytes, '%PDF-')) throw new ParseError('unreadable', `${what} is not a PDF (no %PDF- header)`);
  if (pdfDepthOver(bytes, MAX_PDF_OBJECT_DEPTH)) {
    throw new ParseError('limit', `${what} nests PDF arrays or dictionaries more than ${MAX_PDF_OBJECT_DEPTH} levels deep (the limit): it is not a document a PDF writer makes`);
  }
  const { getDocumentProxy, getMeta } = await loadUnpdf();
  let pages: string[];
  let title: string | undefined;
  try {
    // PDF.js takes ownership of (detaches) the buffer it is given: hand it a copy.
    const pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
    try {
      if (pdf.numPages > limits.maxPdfPages) {
        throw new ParseError('limit', `${what} has ${formatCount(pdf.numPages)} pages, over the limit of ${formatCount(limits.maxPdfPages)}: split it into several documents`);
      }
      pages = await pageTexts(pdf, what, limits);
      const meta = await getMeta(pdf).catch(() => undefined);
      const info = meta?.info as { Title?: unknown } | undefined;
      title = typeof info?.Title === 'string' ? headingText(info.Title) || undefined : undefined;
    } finally {
      await pdf.destroy().catch(() => undefined);
    }
  } catch (err) {
    if (err instanceof ParseError) throw err;
    throw new ParseError('unreadable', `${what} could not be read as a PDF: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const sections = pages
    .map((text, i) => ({ page: i + 1, text: cleanPageText(text) }))
    .filter((p) => p.text)
    .map((p) => `## Page ${p.page}\n\n${escapeLineStarts(p.text)}`);
  if (sections.length === 0) throw new ParseError('empty', `${what} has no extractable text (a scanned PDF needs OCR first)`);
  return { title, markdown: sections.join('\n\n') };
}

/**
 * Each page's text, one page at a time (unpdf's extractText reads all pages at once), so the
 * character limit stops a parse after the page that crosses it and each page's objects can go.
 */
async function pageTexts(pdf: PdfDocument, what: string, limits: ParseLimits): Promise<string[]> {
  const texts: string[] = [];
  let chars = 0;
  for (let n = 1; n <= pdf.numPages; n++) {
    const page = await pdf.getPage(n);
    const content = await page.getTextContent();
    // Text items carry str (marked-content items do not); hasEOL ends a line.
    const items = content.items as Array<{ str?: unknown; hasEOL?: unknown }>;
    const text = items.map((item) => (typeof item.str === 'string' ? item.str + (item.hasEOL ? '\n' : '') : '')).join('');
    page.cleanup();
    chars += text.length;
    checkDocumentChars(chars, limits, what);
    texts.push(text);
  }
  return texts;
}

/** Joins hyphenated line breaks and keeps blank lines as paragraph breaks. */
function cleanPageText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/(\w)-\n(\w)/g, '$1$2')
    .replace(/[ \t]+/g, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function startsWith(bytes: Uint8Array, magic: string): boolean {
  // A few bytes of junk before the header are tolerated by readers; look in the first kilobyte.
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 1024));
  return head.includes(magic);
}

let unpdf: Promise<typeof import('unpdf')> | undefined;

/**
 * unpdf (and PDF.js inside it) loaded on first use, so a server that never sees a PDF never loads
 * it. PDF.js prints "Warning: Please use the `legacy` build in Node.js environments." on stdout when
 * it loads (unpdf's serverless build works in Node); that line would land in the CLI's output, so it
 * is filtered while PDF.js loads.
 */
function loadUnpdf(): Promise<typeof import('unpdf')> {
  return (unpdf ??= (async () => {
    const log = console.log;
    console.log = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].includes('`legacy` build')) return;
      log(...args);
    };
    try {
      const mod = await import('unpdf');
      await mod.getResolvedPDFJS();
      return mod;
    } finally {
      console.log = log;
    }
  })());
}
