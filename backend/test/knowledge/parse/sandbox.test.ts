import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_PARSE_LIMITS, parseDocument, ParseError, type ParseInput } from '../../../src/knowledge/parse/index.js';
import { chunkMarkdown, resolveChunkOptions } from '../../../src/knowledge/chunker.js';
import { SandboxPool } from '../../../src/knowledge/parse/pool.js';
import { ParseSandbox, type SandboxLimits } from '../../../src/knowledge/parse/sandbox.js';
import { makeDocx, makePdf } from '../../fixtures/documents.js';
import { wideHtml, zipBombDocx } from '../../fixtures/hostile.js';

const utf8 = (s: string) => new TextEncoder().encode(s);
const LIMITS: SandboxLimits = { ...DEFAULT_PARSE_LIMITS, memoryMb: 256, timeoutMs: 120_000 };

const sandboxes: ParseSandbox[] = [];
function sandbox(limits: Partial<SandboxLimits> = {}): ParseSandbox {
  const s = new ParseSandbox({ ...LIMITS, ...limits });
  sandboxes.push(s);
  return s;
}
const pools: SandboxPool[] = [];
function pool(limits: Partial<SandboxLimits> & { threads: number }): SandboxPool {
  const p = new SandboxPool({ ...LIMITS, ...limits });
  pools.push(p);
  return p;
}
afterAll(() => Promise.all([...sandboxes, ...pools].map((s) => s.close())));

async function refusal(parse: Promise<unknown>): Promise<ParseError> {
  const err = await parse.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ParseError);
  expect((err as ParseError).reason).toBe('limit');
  return err as ParseError;
}

const GOOD: ParseInput[] = [
  { bytes: utf8('# Returns\n\nReturn any item within 30 days.'), filename: 'returns.md' },
  { bytes: utf8('<h1>Team</h1><p>Five people.</p>'), filename: 'team.html' },
  { bytes: makePdf([['Every device has a two year warranty.']], 'Warranty'), filename: 'warranty.pdf' },
  { bytes: makeDocx([{ heading: 1, text: 'Handbook' }, { text: 'You get 25 days of leave.' }]), filename: 'handbook.docx' },
];

describe('ParseSandbox (parsing in a worker thread)', () => {
  it('parses every format in its thread exactly as parseDocument does in this one', async () => {
    const s = sandbox();
    for (const input of GOOD) expect(await s.parse(input)).toEqual(await parseDocument(input));
  });

  it('format limits hit inside the thread come back as ParseError("limit") with their reason', async () => {
    const err = await refusal(sandbox().parse({ bytes: zipBombDocx({ inflatedMb: 400 }), filename: 'bomb.docx' }));
    expect(err.message).toContain('refused as a possible zip bomb');
  });

  it('a file that needs more heap than the cap ends only the thread; the next file gets a fresh one', async () => {
    const s = sandbox({ memoryMb: 128 });
    // Within every format limit (12 MB, 300,000 elements of text), but its DOM needs far more than 128 MB.
    const big = utf8(wideHtml(300_000));
    const err = await refusal(s.parse({ bytes: big, filename: 'big.html' }));
    expect(err.message).toBe('"big.html" needed more than 128 MB of memory to parse (the limit per file) and was stopped');
    expect((await s.parse(GOOD[0]!)).title).toBe('Returns');
  });

  it('a file that takes longer than the time limit is stopped with that reason', async () => {
    // No parse finishes in a millisecond (starting the thread alone takes longer): the outcome is certain.
    const err = await refusal(sandbox({ timeoutMs: 1 }).parse(GOOD[0]!));
    expect(err.message).toBe('"returns.md" took longer than 1 ms to parse (the limit per file) and was stopped');
  });

  it('parses one file at a time, in order; a closed sandbox refuses work', async () => {
    const s = sandbox();
    const titles = await Promise.all(GOOD.map((input) => s.parse(input).then((d) => d.title)));
    expect(titles).toEqual(['Returns', 'team', 'Warranty', 'Handbook']);
    await s.close();
    await expect(s.parse(GOOD[0]!)).rejects.toThrow('the parse sandbox is closed');
  });
});

describe('SandboxPool (parsing and chunking in ingestion threads)', () => {
  const options = resolveChunkOptions({ maxTokens: 64 });
  const sections = Array.from({ length: 12 }, (_, i) => `## Topic ${i}\n\n${'Every order ships within two days of payment. '.repeat(20 + i)}`);
  const manual = `# Manual\n\n${sections.join('\n\n')}`;

  it('cuts a parsed file and plain texts into exactly the chunks chunkMarkdown cuts in this thread', async () => {
    const p = pool({ threads: 2 });
    const parsed = await p.parse({ bytes: utf8(manual), filename: 'manual.md' }, options);
    expect(parsed.cut).toEqual({ options, chunks: chunkMarkdown(parsed.markdown, options) });
    expect(parsed.cut!.chunks.length).toBeGreaterThan(12);
    const texts = [manual, '# Returns\n\nReturn any item within 30 days.'];
    expect(await p.chunk(texts, options)).toEqual(texts.map((text) => chunkMarkdown(text, options)));
    // Without chunk options a parse is a parse only.
    expect((await p.parse(GOOD[0]!)).cut).toBeUndefined();
  });

  it('a file that kills its thread fails alone with its reason; the tasks after it, on any thread, still work', async () => {
    const p = pool({ threads: 2, memoryMb: 128 });
    const crash = p.parse({ bytes: utf8(wideHtml(300_000)), filename: 'big.html' }, options);
    const err = await refusal(crash);
    expect(err.message).toBe('"big.html" needed more than 128 MB of memory to parse (the limit per file) and was stopped');
    // Enough tasks to reach both threads, including the one that was ended and started again.
    const after = await Promise.all([1, 2, 3, 4].map(() => p.parse({ bytes: utf8(manual), filename: 'manual.md' }, options)));
    for (const doc of after) expect(doc.cut!.chunks).toEqual(chunkMarkdown(manual, options));
    expect(await p.chunk([manual], options)).toEqual([chunkMarkdown(manual, options)]);
  });
});
