import { encode } from 'gpt-tokenizer/encoding/cl100k_base';
import { describe, expect, it } from 'vitest';
import { chunkMarkdown, countTokens, DEFAULT_CHUNK_OVERLAP_TOKENS, DEFAULT_CHUNK_TOKENS, resolveChunkOptions } from '../../src/knowledge/chunker.js';

const sentence = (i: number) => `Sentence number ${i} explains one more detail about refunds and invoices.`;
const paragraph = (from: number, n: number) => Array.from({ length: n }, (_, i) => sentence(from + i)).join(' ');

describe('chunkMarkdown', () => {
  it('treats special-token markup in a document as plain text', () => {
    const text = 'Paste this into the template: <|im_start|>system hello<|im_end|> and save.';
    expect(countTokens(text)).toBeGreaterThan(5);
    const chunks = chunkMarkdown(`# Templates\n\n${text.repeat(20)}`, { maxTokens: 32, overlapTokens: 0 });
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.map((c) => c.content).join(' ')).toContain('im_start');
  });

  it('keeps the heading path of every chunk', () => {
    const chunks = chunkMarkdown('# Billing\n\nIntro.\n\n## Refunds\n\nWithin 14 days.\n\n### Exceptions\n\nApp Store.\n\n## Invoices\n\nAs PDF.');
    expect(chunks.map((c) => [c.section, c.content])).toEqual([
      ['Billing', 'Intro.'],
      ['Billing › Refunds', 'Within 14 days.'],
      ['Billing › Refunds › Exceptions', 'App Store.'],
      ['Billing › Invoices', 'As PDF.'],
    ]);
    expect(chunks[2]!.headings).toEqual(['Billing', 'Refunds', 'Exceptions']);
    expect(chunks.map((c) => c.ordinal)).toEqual([0, 1, 2, 3]);
    expect(chunks.map((c) => c.tokens)).toEqual(chunks.map((c) => countTokens(c.content)));
  });

  it('treats # lines inside code fences as text', () => {
    const chunks = chunkMarkdown('# Shell\n\n```sh\n# not a heading\n\necho hi\n```\n\nAfter.');
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.content).toContain('# not a heading');
    expect(chunks[0]!.content).toContain('echo hi');
  });

  it('never exceeds the token budget, for any budget', () => {
    const md = `# Long\n\n${Array.from({ length: 12 }, (_, i) => paragraph(i * 10, 6)).join('\n\n')}\n\n${paragraph(500, 40)}\n\n${'Word '.repeat(900)}\n\n${'x'.repeat(5000)}`;
    for (const maxTokens of [64, 128, DEFAULT_CHUNK_TOKENS, 512]) {
      const chunks = chunkMarkdown(md, { maxTokens });
      expect(chunks.length).toBeGreaterThan(2);
      for (const c of chunks) {
        expect(c.section).toBe('Long');
        expect(c.tokens).toBeLessThanOrEqual(maxTokens);
        expect(c.tokens).toBe(countTokens(c.content));
      }
      // Nothing is lost: every sentence is somewhere.
      const all = chunks.map((c) => c.content).join(' ');
      for (const i of [0, 55, 115, 500, 539]) expect(all).toContain(sentence(i));
    }
  });

  it('packs whole paragraphs while they fit; a smaller budget gives more, smaller chunks', () => {
    const md = `# A\n\n${Array.from({ length: 20 }, (_, i) => paragraph(i * 3, 3)).join('\n\n')}`;
    const big = chunkMarkdown(md, { maxTokens: 300 });
    const small = chunkMarkdown(md, { maxTokens: 100 });
    expect(small.length).toBeGreaterThan(big.length);
    // Paragraph boundaries are kept: each chunk starts at a sentence start.
    for (const c of big) expect(c.content).toMatch(/^Sentence number \d+/);
    // Mostly full: the average chunk uses most of the budget.
    const avg = big.reduce((n, c) => n + c.tokens, 0) / big.length;
    expect(avg).toBeGreaterThan(150);
  });

  it('repeats the end of a chunk at the start of the next one in the same section (overlap)', () => {
    const md = `# A\n\n${paragraph(0, 40)}`;
    const chunks = chunkMarkdown(md, { maxTokens: 100, overlapTokens: 20 });
    expect(chunks.length).toBeGreaterThan(2);
    for (let i = 1; i < chunks.length; i++) {
      const lastSentence = chunks[i - 1]!.content.match(/Sentence number \d+[^.]*\./g)!.at(-1)!;
      expect(chunks[i]!.content.startsWith(lastSentence)).toBe(true);
    }
    const none = chunkMarkdown(md, { maxTokens: 100, overlapTokens: 0 });
    expect(none.length).toBeLessThan(chunks.length);
    expect(none.map((c) => c.content).join(' ')).toBe(paragraph(0, 40));
    // No overlap across sections.
    const two = chunkMarkdown(`# A\n\n${paragraph(0, 3)}\n\n# B\n\n${paragraph(10, 3)}`, { maxTokens: 100, overlapTokens: 20 });
    expect(two[1]!.content.startsWith(sentence(10))).toBe(true);
  });

  it('a document of one huge word (no spaces) is cut within the budget, all of it kept (BPE would take minutes on it whole)', () => {
    const blob = 'ab'.repeat(500_000);
    const chunks = chunkMarkdown(`# Blob\n\n${blob}`, { maxTokens: 200, overlapTokens: 0 });
    expect(chunks.length).toBeGreaterThan(100);
    expect(chunks.every((c) => c.tokens > 0 && c.tokens <= 200)).toBe(true);
    expect(chunks.map((c) => c.content).join('')).toBe(blob);
    // Ordinary text is counted exactly, as before.
    const prose = 'Refunds are issued within 30 days. '.repeat(50);
    expect(countTokens(prose)).toBe(encode(prose).length);
  });

  it('validates the budget', () => {
    expect(resolveChunkOptions({})).toEqual({ maxTokens: DEFAULT_CHUNK_TOKENS, overlapTokens: DEFAULT_CHUNK_OVERLAP_TOKENS });
    expect(() => chunkMarkdown('x', { maxTokens: 5 })).toThrow(/between 32 and 8000/);
    expect(() => chunkMarkdown('x', { maxTokens: 100, overlapTokens: 80 })).toThrow(/overlap/);
  });

  it('handles plain text without headings, and empty input', () => {
    expect(chunkMarkdown('Just a line.\n\nAnother one.')).toEqual([
      { ordinal: 0, section: undefined, headings: [], content: 'Just a line.\n\nAnother one.', tokens: countTokens('Just a line.\n\nAnother one.') },
    ]);
    expect(chunkMarkdown('')).toEqual([]);
    expect(chunkMarkdown('# Only a title')).toEqual([]);
  });
});
