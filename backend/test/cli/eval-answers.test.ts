import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerEvalAnswersCommand } from '../../src/cli/eval-answers.js';

const KB = fileURLToPath(new URL('../fixtures/eval-tiny.json', import.meta.url));
const OFFDOMAIN = fileURLToPath(new URL('../fixtures/offdomain-tiny.json', import.meta.url));

describe('prex eval answers', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it('asks both files through the chat route and prints answered, cited_gold and false_answers last', async () => {
    // The embedded default: no model configured, whatever the developer's shell has.
    vi.stubEnv('OPENAI_API_KEY', undefined);
    vi.stubEnv('OPENAI_BASE_URL', undefined);
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
    const program = new Command('prex').exitOverride();
    registerEvalAnswersCommand(program.command('eval'));
    await program.parseAsync(['node', 'prex', 'eval', 'answers', KB, '--unanswerable', OFFDOMAIN]);
    expect(lines.at(-1)).toMatch(/^answered=\d+\.\d% cited_gold=\d+\.\d% false_answers=\d+\.\d%$/);
    // The four answerable questions are answered from their own passage; "the capital of France"
    // (the file's deliberate miss) and the off-domain questions are declined.
    expect(lines.at(-1)).toBe('answered=80.0% cited_gold=80.0% false_answers=0.0%');
    expect(lines).toContain('5 answerable questions, 3 unanswerable');
    expect(lines[0]).toMatch(/answerer: extractive$/);
  }, 60_000);
});
