import { describe, expect, it } from 'vitest';
import { testConfig } from '../../helpers/app.js';
import { DEFAULT_PARSE_LIMITS, parseDocument, ParseError, type ParseInput } from '../../../src/knowledge/parse/index.js';
import { MAX_HTML_DEPTH, MAX_PDF_OBJECT_DEPTH, MAX_ZIP_ENTRIES } from '../../../src/knowledge/parse/limits.js';
import { makeDocx, makePdf } from '../../fixtures/documents.js';
import { deepHtml, deepPdf, longText, manyEntriesDocx, manyPagesPdf, zipBombDocx } from '../../fixtures/hostile.js';

const utf8 = (s: string) => new TextEncoder().encode(s);

async function refusal(input: ParseInput, limits = DEFAULT_PARSE_LIMITS): Promise<ParseError> {
  const err = await parseDocument(input, limits).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ParseError);
  expect((err as ParseError).reason).toBe('limit');
  return err as ParseError;
}

describe('format limits (checked before and while parsing)', () => {
  it('a zip bomb DOCX (400 MB of XML in 0.4 MB) is refused from its declared size', async () => {
    const bomb = zipBombDocx({ inflatedMb: 400 });
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const err = await refusal({ bytes: bomb, filename: 'bomb.docx' });
    expect(err.message).toBe('"bomb.docx" declares 400 MB once unpacked, over the 100 MB limit for a DOCX: refused as a possible zip bomb');
  });

  it('a zip bomb that declares a small size is caught by counting what actually inflates', async () => {
    const liar = zipBombDocx({ inflatedMb: 400, declaredMb: 0.01 });
    const err = await refusal({ bytes: liar, filename: 'liar.docx' });
    expect(err.message).toMatch(/^"liar.docx" is refused as a possible zip bomb: "word\/document.xml" declares 10,485 bytes but inflates to more$/);
  });

  it('a DOCX with more zip entries than the limit is refused', async () => {
    const err = await refusal({ bytes: manyEntriesDocx(MAX_ZIP_ENTRIES + 10), filename: 'parts.docx' });
    expect(err.message).toContain(`holds more than 1,000 zip entries`);
  });

  it('a DOCX that inflates within the limits parses (the limits leave room for real documents)', async () => {
    const doc = await parseDocument({ bytes: zipBombDocx({ inflatedMb: 5 }), filename: 'padded.docx' });
    expect(doc.markdown).toBe('placeholder');
    const handbook = await parseDocument({ bytes: makeDocx([{ heading: 1, text: 'Handbook' }, { text: 'Leave is 25 days.' }]), filename: 'h.docx' });
    expect(handbook.markdown).toBe('# Handbook\n\nLeave is 25 days.');
  });

  it('HTML nested deeper than browsers nest is refused; as deep as they go still parses', async () => {
    const err = await refusal({ bytes: utf8(deepHtml(100_000)), filename: 'deep.html' });
    expect(err.message).toBe('"deep.html" nests HTML elements more than 512 levels deep (the limit; browsers stop nesting there too)');
    const doc = await parseDocument({ bytes: utf8(deepHtml(MAX_HTML_DEPTH - 10)), filename: 'ok.html' });
    expect(doc.markdown).toBe('Deep down there is text.');
  });

  it('a PDF nesting arrays past the object depth limit is refused before PDF.js reads it', async () => {
    const err = await refusal({ bytes: deepPdf(50_000), filename: 'deep.pdf' });
    expect(err.message).toContain('nests PDF arrays or dictionaries more than 100 levels deep');
    // Brackets inside strings and streams are not structure: a page that prints them is fine.
    const brackets = '['.repeat(50);
    const lines = Array.from({ length: (MAX_PDF_OBJECT_DEPTH * 2) / 50 }, () => brackets);
    const doc = await parseDocument({ bytes: makePdf([lines]), filename: 'brackets.pdf' });
    expect(doc.markdown).toContain(brackets);
  });

  it('a PDF with more pages than the limit is refused before any page is read', async () => {
    const err = await refusal({ bytes: manyPagesPdf(DEFAULT_PARSE_LIMITS.maxPdfPages + 1), filename: 'manual.pdf' });
    expect(err.message).toBe('"manual.pdf" has 2,001 pages, over the limit of 2,000: split it into several documents');
    const doc = await parseDocument({ bytes: manyPagesPdf(3), filename: 'short.pdf' }, { ...DEFAULT_PARSE_LIMITS, maxPdfPages: 3 });
    expect(doc.sections).toHaveLength(3);
  });

  it('more characters than the limit per document is refused, for every format', async () => {
    const limits = { ...DEFAULT_PARSE_LIMITS, maxDocumentChars: 10_000 };
    const text = longText(20_000);
    for (const filename of ['long.txt', 'long.md']) {
      const err = await refusal({ bytes: utf8(text), filename }, limits);
      expect(err.message).toBe(`"${filename}" has more than 10,000 characters of text (the limit per document): split it into several documents`);
    }
    await refusal({ bytes: utf8(`<p>${text}</p>`), filename: 'long.html' }, limits);
    await refusal({ bytes: makeDocx([{ text }]), filename: 'long.docx' }, limits);
    // PDF: stopped at the page that crosses the limit.
    const pages = Array.from({ length: 40 }, () => Array.from({ length: 10 }, () => text.slice(0, 80)));
    await refusal({ bytes: makePdf(pages), filename: 'long.pdf' }, limits);
    // The default limit is the one an over-long upload meets.
    await refusal({ bytes: utf8(longText(DEFAULT_PARSE_LIMITS.maxDocumentChars + 1)), filename: 'huge.txt' });
  });

  it('the configured defaults are the parse defaults', () => {
    const { ingestion } = testConfig();
    expect({ maxDocumentChars: ingestion.maxDocumentChars, maxPdfPages: ingestion.maxPdfPages }).toEqual(DEFAULT_PARSE_LIMITS);
  });
});
