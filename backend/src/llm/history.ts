import { createRequire } from 'node:module';
import type { PriorTurn } from './answerer.js';

type O200k = typeof import('gpt-tokenizer');
let o200k: O200k | undefined;
/**
 * o200k's tables cost ~20 MB of heap and ~0.3 s to load: loaded by the first model answer with a
 * history to fit, not by every start (the extractive default never needs them). require() keeps
 * counting synchronous.
 */
const tokenizer = (): O200k => (o200k ??= createRequire(import.meta.url)('gpt-tokenizer') as O200k);

// Conversation text may contain "<|endoftext|>" and the like; here they are just characters to count.
const COUNT_OPTIONS = { disallowedSpecial: new Set<string>() };
/** Role and message framing the provider adds around each turn. */
const TOKENS_PER_TURN = 4;

/** Tokens a turn costs in the prompt (o200k, the encoding of current OpenAI models; close enough for others). */
export function turnTokens(turn: PriorTurn): number {
  return tokenizer().countTokens(turn.text, COUNT_OPTIONS) + TOKENS_PER_TURN;
}

/**
 * The most recent turns that fit in `budget` tokens, oldest first. Counted from the newest back
 * and cut at the first turn that does not fit, so the model sees an unbroken tail of the
 * conversation (never a later answer without the question it answered). Empty turns are skipped.
 */
export function turnsWithinBudget(history: readonly PriorTurn[], budget: number): PriorTurn[] {
  const kept: PriorTurn[] = [];
  let used = 0;
  for (let i = history.length - 1; i >= 0; i--) {
    const turn = history[i]!;
    if (!turn.text.trim()) continue;
    used += turnTokens(turn);
    if (used > budget) break;
    kept.push(turn);
  }
  return kept.reverse();
}
