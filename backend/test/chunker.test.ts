import { describe, expect, it } from 'vitest';
import { CHUNK_MAX_CHARS, chunkMarkdown } from '../src/knowledge/chunker.js';

describe('chunkMarkdown', () => {
  it('keeps the heading path of every chunk', () => {
    const chunks = chunkMarkdown('# Billing\n\nIntro.\n\n## Refunds\n\nWithin 14 days.\n\n### Exceptions\n\nApp Store.\n\n## Invoices\n\nAs PDF.');
    expect(chunks.map((c) => [c.section, c.content])).toEqual([
      ['Billing', 'Intro.'],
      ['Billing › Refunds', 'Within 14 days.'],
      ['Billing › Refunds › Exceptions', 'App Store.'],
      ['Billing › Invoices', 'As PDF.'],
    ]);
    expect(chunks.map((c) => c.ordinal)).toEqual([0, 1, 2, 3]);
  });

  it('treats # lines inside code fences as text', () => {
    const chunks = chunkMarkdown('# Shell\n\n```sh\n# not a heading\n\necho hi\n```\n\nAfter.');
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.content).toContain('# not a heading');
    expect(chunks[0]!.content).toContain('echo hi');
  });

  it('packs paragraphs up to the size limit and splits long ones on sentences', () => {
    const paragraph = 'This sentence is about forty characters. '.repeat(10).trim();
    const chunks = chunkMarkdown(`# Long\n\n${Array.from({ length: 12 }, () => paragraph).join('\n\n')}\n\n${'Word '.repeat(600)}`);
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) {
      expect(c.section).toBe('Long');
      expect(c.content.length).toBeLessThanOrEqual(CHUNK_MAX_CHARS * 1.25);
      expect(c.content.length).toBeGreaterThan(200);
    }
  });

  it('handles plain text without headings, and empty input', () => {
    expect(chunkMarkdown('Just a line.\n\nAnother one.')).toEqual([{ ordinal: 0, section: undefined, content: 'Just a line.\n\nAnother one.' }]);
    expect(chunkMarkdown('')).toEqual([]);
    expect(chunkMarkdown('# Only a title')).toEqual([]);
  });
});
