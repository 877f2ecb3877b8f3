import { describe, expect, it } from 'vitest';
import { detectFormat, parseDocument, ParseError, type ParsedDocument } from '../../../src/knowledge/parse/index.js';
import { makeDocx, makePdf } from '../../fixtures/documents.js';

const utf8 = (s: string) => new TextEncoder().encode(s);
const paths = (doc: ParsedDocument) => doc.sections.map((s) => s.headings.join(' › '));

async function parseError(input: Parameters<typeof parseDocument>[0]): Promise<ParseError> {
  const err = await parseDocument(input).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ParseError);
  return err as ParseError;
}

const HTML = `<!doctype html><html><head><title>Refunds | Northwind Help</title>
<link rel="canonical" href="https://help.example/refunds"><style>.x{color:red}</style><script>var tracking = 'SECRET_SCRIPT';</script></head>
<body><header><nav><a href="/">Home</a> <a href="/pricing">NAV_PRICING</a></nav></header>
<main><article><h1>Refunds</h1><p>You can ask for a refund within 14 days of your purchase. We process refunds in five business days, and you get an email when it is done.</p>
<h2>Annual plans</h2><p>Annual plans are refunded pro rata after the first month, minus any discounts you received when you subscribed.</p>
<ul><li>Open Settings</li><li>Choose <b>Billing</b></li></ul>
<h2>App Store purchases</h2><p>Purchases made through the App Store are refunded by Apple, not by us. Contact Apple support for those.</p></article></main>
<footer>FOOTER_COPYRIGHT 2024 Northwind</footer><script>console.log('x')</script></body></html>`;

describe('parseDocument', () => {
  it('Markdown: front matter gives title and url; headings give sections', async () => {
    const doc = await parseDocument({
      bytes: utf8('---\ntitle: "Billing help"\nurl: https://help.example/billing\n---\n# Billing\n\nIntro.\n\n## Refunds\n\nWithin 14 days.'),
      filename: 'billing.md',
    });
    expect(doc).toMatchObject({ format: 'markdown', title: 'Billing help', url: 'https://help.example/billing' });
    expect(paths(doc)).toEqual(['Billing', 'Billing › Refunds']);
    expect(doc.markdown).not.toContain('title:');
  });

  it('Markdown without front matter: the first # heading is the title; the caller’s title and url win', async () => {
    expect((await parseDocument({ bytes: utf8('# Shipping\n\nWe ship worldwide.'), filename: 'a.md' })).title).toBe('Shipping');
    const doc = await parseDocument({ bytes: utf8('# Shipping\n\nWe ship.'), filename: 'a.md', title: 'Given', url: 'https://x.example/s' });
    expect(doc).toMatchObject({ title: 'Given', url: 'https://x.example/s' });
  });

  it('plain text: paragraphs, title from the file name, # lines are not headings', async () => {
    const doc = await parseDocument({ bytes: utf8('First paragraph.\n\n# not a heading\n\nThird.'), filename: 'notes/opening-hours.txt' });
    expect(doc).toMatchObject({ format: 'text', title: 'opening-hours' });
    expect(doc.sections).toHaveLength(1);
    expect(doc.sections[0]!.headings).toEqual([]);
    expect(doc.sections[0]!.paragraphs).toHaveLength(3);
  });

  it('HTML: main content only, headings kept, nav/scripts/styles/footer dropped, canonical url', async () => {
    const doc = await parseDocument({ bytes: utf8(HTML), filename: 'refunds.html' });
    expect(doc.format).toBe('html');
    expect(doc.title).toBe('Refunds | Northwind Help');
    expect(doc.url).toBe('https://help.example/refunds');
    expect(paths(doc)).toEqual(['Refunds', 'Refunds › Annual plans', 'Refunds › App Store purchases']);
    expect(doc.markdown).toContain('- Open Settings\n- Choose Billing');
    for (const noise of ['SECRET_SCRIPT', 'NAV_PRICING', 'FOOTER_COPYRIGHT', 'color:red', "console.log"]) expect(doc.markdown).not.toContain(noise);
  });

  it('HTML fragment without an article still gives its text', async () => {
    const doc = await parseDocument({ bytes: utf8('<h2>Hours</h2><p>Open 9 to 5.</p>'), mimeType: 'text/html' });
    expect(doc.markdown).toBe('## Hours\n\nOpen 9 to 5.');
    expect(doc.title).toBe('Untitled');
  });

  it('PDF: text per page, pages as sections, Title metadata', async () => {
    const pdf = makePdf([['Warranty terms', 'Every device has a two year warranty.'], ['Claims are made in the app (Settings > Warranty).']], 'Warranty booklet');
    const doc = await parseDocument({ bytes: pdf, filename: 'warranty.pdf' });
    expect(doc).toMatchObject({ format: 'pdf', title: 'Warranty booklet' });
    expect(paths(doc)).toEqual(['Page 1', 'Page 2']);
    expect(doc.sections[0]!.paragraphs.join(' ')).toContain('two year warranty');
    expect(doc.sections[1]!.paragraphs.join(' ')).toContain('Claims are made in the app (Settings > Warranty).');
  });

  it('DOCX: headings survive through mammoth → HTML', async () => {
    const docx = makeDocx([
      { heading: 1, text: 'Employee handbook' },
      { text: 'Welcome to the team.' },
      { heading: 2, text: 'Holidays' },
      { text: 'You get 25 days of paid leave & public holidays.' },
    ]);
    const doc = await parseDocument({ bytes: docx, filename: 'handbook.docx' });
    expect(doc).toMatchObject({ format: 'docx', title: 'Employee handbook' });
    expect(paths(doc)).toEqual(['Employee handbook', 'Employee handbook › Holidays']);
    expect(doc.sections[1]!.paragraphs).toEqual(['You get 25 days of paid leave & public holidays.']);
  });

  it('JSON FAQ: each question is a section holding its answer', async () => {
    const json = JSON.stringify({ title: 'Shop FAQ', url: 'https://shop.example/faq', faqs: [{ question: 'Do you ship abroad?', answer: 'Yes, to 40 countries.' }, { q: 'Can I pay by invoice?', a: 'Only business accounts.' }] });
    const doc = await parseDocument({ bytes: utf8(json), filename: 'faq.json' });
    expect(doc).toMatchObject({ format: 'faq-json', title: 'Shop FAQ', url: 'https://shop.example/faq' });
    expect(doc.sections.map((s) => [s.headings, s.paragraphs])).toEqual([
      [['Do you ship abroad?'], ['Yes, to 40 countries.']],
      [['Can I pay by invoice?'], ['Only business accounts.']],
    ]);
    const array = await parseDocument({ bytes: utf8('[{"question":"Q?","answer":"A."}]'), filename: 'x.json' });
    expect(paths(array)).toEqual(['Q?']);
  });

  it('CSV FAQ: header names the columns; quoted answers with commas and newlines', async () => {
    const csv = 'Question,Answer,Notes\n"Do you ship abroad?","Yes, to 40 countries.\nCustoms may apply.",x\nCan I return it?,Within 30 days,\n';
    const doc = await parseDocument({ bytes: utf8(csv), filename: 'faq.csv' });
    expect(doc.format).toBe('faq-csv');
    expect(paths(doc)).toEqual(['Do you ship abroad?', 'Can I return it?']);
    expect(doc.sections[0]!.paragraphs[0]).toBe('Yes, to 40 countries.\nCustoms may apply.');
  });

  it('picks the format by extension, then MIME type', () => {
    expect(detectFormat({ filename: 'a.HTM' })).toBe('html');
    expect(detectFormat({ filename: 'upload', mimeType: 'application/pdf' })).toBe('pdf');
    expect(detectFormat({ filename: 'a.md', mimeType: 'application/octet-stream' })).toBe('markdown');
    expect(detectFormat({ filename: 'a.exe', mimeType: 'application/octet-stream' })).toBeUndefined();
  });

  it('bad input is a ParseError with a reason, never another error', async () => {
    expect(await parseError({ bytes: utf8('x'), filename: 'setup.exe' })).toMatchObject({ reason: 'unsupported', message: expect.stringMatching(/Unsupported file type \.exe: supported are .*\.md/) });
    expect(await parseError({ bytes: utf8('not a pdf at all'), filename: 'a.pdf' })).toMatchObject({ reason: 'unreadable', message: expect.stringContaining('is not a PDF') });
    expect(await parseError({ bytes: Buffer.from('%PDF-1.4\ngarbage garbage'), filename: 'broken.pdf' })).toMatchObject({ reason: 'unreadable' });
    expect(await parseError({ bytes: utf8('plain words'), filename: 'a.docx' })).toMatchObject({ reason: 'unreadable', message: expect.stringContaining('not a DOCX') });
    expect(await parseError({ bytes: Buffer.from([0x50, 0x4b, 3, 4, 0, 0, 0]), filename: 'a.docx' })).toMatchObject({ reason: 'unreadable' });
    expect(await parseError({ bytes: Buffer.from([0xff, 0xfe, 0x00, 0x41]), filename: 'a.txt' })).toMatchObject({ reason: 'unreadable', message: expect.stringContaining('UTF-8') });
    expect(await parseError({ bytes: new Uint8Array(), filename: 'a.md' })).toMatchObject({ reason: 'empty' });
    expect(await parseError({ bytes: utf8('\n\n  \n'), filename: 'a.md' })).toMatchObject({ reason: 'empty' });
    expect(await parseError({ bytes: utf8('{"faqs": 3}'), filename: 'a.json' })).toMatchObject({ reason: 'invalid' });
    expect(await parseError({ bytes: utf8('{oops'), filename: 'a.json' })).toMatchObject({ reason: 'unreadable', message: expect.stringContaining('not valid JSON') });
    expect(await parseError({ bytes: utf8('a,b\n1,2'), filename: 'a.csv' })).toMatchObject({ reason: 'invalid', message: expect.stringContaining('"question" and an "answer" column') });
    expect(await parseError({ bytes: makePdf([[]]), filename: 'scan.pdf' })).toMatchObject({ reason: 'empty', message: expect.stringContaining('OCR') });
  });
});
