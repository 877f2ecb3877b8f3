import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { formatMetrics, passageMarkdown, registerEvalCommands, retrievalMetrics } from '../../src/cli/eval.js';
import { readEvalFile } from '../../src/cli/eval-file.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/eval-tiny.json', import.meta.url));
const LEARN_FIXTURE = fileURLToPath(new URL('../fixtures/eval-learn-tiny.json', import.meta.url));
const LEARN_TRAIN = fileURLToPath(new URL('../fixtures/eval-learn-tiny-train.json', import.meta.url));

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

  it('with --learn, learns the train questions as rated-up answers and prints the figures without, then with learning last', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
    const program = new Command('prex').exitOverride();
    registerEvalCommands(program);
    await program.parseAsync(['node', 'prex', 'eval', 'retrieval', LEARN_FIXTURE, '--learn', LEARN_TRAIN]);
    // Visitors' wording the passages do not use: found only once a question worded like it was learned.
    expect(lines.find((l) => l.startsWith('without learning: '))).toBe('without learning: recall@5=0.333 mrr@10=0.333 ndcg@10=0.333');
    expect(lines.some((l) => l.startsWith('learned 2 questions as rated-up answers'))).toBe(true);
    expect(lines.at(-1)).toBe('recall@5=1.000 mrr@10=1.000 ndcg@10=1.000');
  }, 60_000);
});

describe('a question set that is not in the format', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'prex-eval-file-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const fileWith = async (name: string, text: string) => {
    const file = path.join(dir, name);
    await writeFile(file, text);
    return file;
  };

  it('names the file and each wrong field by its path', async () => {
    const file = await fileWith('fields.json', JSON.stringify({ passages: [{ passage_id: 1, reference: {} }], examples: [{ question: 'q' }] }));
    const error = await readEvalFile(file).catch((e: Error) => e);
    expect((error as Error).message.startsWith(`${file} is not a FeedbackQA-format question set (see "Question sets for prex eval retrieval" in README.md):\n`)).toBe(true);
    expect((error as Error).message).toContain('  passages[0].reference.section_content: Invalid input: expected string, received undefined');
    expect((error as Error).message).toContain('  examples[0].passage_id: must be a number or a string');
  });

  it('names examples that point to a passage the file does not have, and a file that is not JSON', async () => {
    const orphan = await fileWith('orphan.json', JSON.stringify({ passages: [{ passage_id: 1, reference: { section_content: 'x' } }], examples: [{ question: 'q', passage_id: 7 }] }));
    await expect(readEvalFile(orphan)).rejects.toThrow(`${orphan}: examples point to passage_id 7, not among its passages`);
    const notJson = await fileWith('not.json', 'nope');
    await expect(readEvalFile(notJson)).rejects.toThrow(/not\.json is not JSON \(.*\); see "Question sets for prex eval retrieval" in README\.md$/);
    await expect(readEvalFile(path.join(dir, 'missing.json'))).rejects.toThrow(/missing\.json: no such file$/);
  });

  it('accepts the README example', async () => {
    const readme = await readFile(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8');
    const example = /### Question sets for `prex eval retrieval`[\s\S]*?```json\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example, 'README has a JSON example under its question-set heading').toBeDefined();
    const data = await readEvalFile(await fileWith('readme.json', example!));
    expect(data.examples.length).toBeGreaterThan(0);
  });
});
