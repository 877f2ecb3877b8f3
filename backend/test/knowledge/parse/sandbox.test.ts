import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_PARSE_LIMITS, parseDocument, ParseError, type ParseInput } from '../../../src/knowledge/parse/index.js';
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
afterAll(() => Promise.all(sandboxes.map((s) => s.close())));

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
