import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatMetrics, passageMarkdown, registerEvalCommands, retrievalMetrics } from '../../src/cli/eval.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/eval-tiny.json', import.meta.url));

describe('retrieval metrics', () => {
  it('computes recall@5, MRR@10 and nDCG@10 for one relevant item per question', () => {
    const m = retrievalMetrics([1, 2, 6, undefined]);
    expect(m.questions).toBe(4);
    expect(m.recallAt5).toBeCloseTo(2 / 4);
    expect(m.mrrAt10).toBeCloseTo((1 + 1 / 2 + 1 / 6) / 4);
    expect(m.ndcgAt10).toBeCloseTo((1 + 1 / Math.log2(3) + 1 / Math.log2(7)) / 4);
    // Ranks past 10 count for nothing.
    expect(retrievalMetrics([11])).toMatchObject({ recallAt5: 0, mrrAt10: 0, ndcgAt10: 0 });
    expect(retrievalMetrics([])).toMatchObject({ questions: 0, recallAt5: 0 });
  });

  it('prints the summary line with three decimals', () => {
    expect(formatMetrics({ questions: 3, recallAt5: 2 / 3, mrrAt10: 0.5, ndcgAt10: 1 })).toBe('recall@5=0.667 mrr@10=0.500 ndcg@10=1.000');
  });

  it('turns section headers into headings so chunks keep the heading path', () => {
    const md = passageMarkdown({ passage_id: 1, uri: null, reference: { page_title: 'T', section_headers: ['A', ' B '], section_content: 'Body.' } });
    expect(md).toBe('## A\n\n### B\n\nBody.');
  });
});

describe('prex eval retrieval', () => {
  afterEach(() => vi.restoreAllMocks());

  it('ingests the passages, asks every question and prints the metrics last', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
    const program = new Command('prex').exitOverride();
    registerEvalCommands(program);
    await program.parseAsync(['node', 'prex', 'eval', 'retrieval', FIXTURE, '--limit', '10']);
    expect(lines.at(-1)).toMatch(/^recall@5=\d\.\d{3} mrr@10=\d\.\d{3} ndcg@10=\d\.\d{3}$/);
    // Four answerable questions found first; the off-topic one is a miss.
    expect(lines.at(-1)).toBe('recall@5=0.800 mrr@10=0.800 ndcg@10=0.800');
    expect(lines.some((l) => l.startsWith('5 questions, 4 passages'))).toBe(true);
  }, 60_000);
});
