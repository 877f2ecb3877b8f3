import type { Passage } from '../knowledge/passage.js';
import type { Logger } from '../logger.js';
import type { ModelGateway } from '../model/gateway.js';
import { ModelTimeoutError } from '../model/streamed-call.js';
import { AnswerStalledError, type Answer, type Answerer, type AnswerPart, type AnswerRequest } from './answerer.js';
import { CitationRenumberer } from './citations.js';
import { converse } from './conversation.js';
import { turnsWithinBudget } from './history.js';
import { buildPrompt } from './prompt.js';
import { groundingPassages } from './question-match.js';

/** Passages handed to the model: those the search decided answer the question, best first. */
const MAX_PROMPT_PASSAGES = 5;

export interface OpenAIAnswererOptions {
  gateway: ModelGateway;
  historyTokenBudget: number;
  /** Answers when nothing relevant was retrieved and the agent has no tools, or when the provider fails before any text. */
  fallback: Answerer;
  log: Logger;
}

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The parts already read, then the rest; stopping early closes the rest (and its provider connection). */
async function* replay(buffered: readonly AnswerPart[], rest: AsyncIterator<AnswerPart>): AsyncGenerator<AnswerPart> {
  yield* buffered;
  yield* { [Symbol.asyncIterator]: () => rest };
}

/** Tool calls that ran before the fallback took over still reach the stream (and the record). */
function withToolParts(answer: Answer, toolParts: readonly AnswerPart[]): Answer {
  if (toolParts.length === 0) return answer;
  return { ...answer, parts: replay(toolParts, answer.parts[Symbol.asyncIterator]()) };
}

/** An answer that produced nothing because the visitor stopped it before the model spoke. */
function stoppedBeforeText(toolParts: readonly AnswerPart[], grounded: boolean): Answer {
  return { answerer: 'llm', grounded, unanswered: () => false, parts: replay(toolParts, (async function* () {})()), citedPassages: () => [] };
}

/** True when a value carries information: a note alone, `false`, '' or an empty list say "nothing found". */
function hasSubstance(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasSubstance);
  if (value !== null && typeof value === 'object') return Object.entries(value).some(([key, v]) => key !== 'note' && hasSubstance(v));
  return value !== null && value !== undefined && value !== false && value !== '';
}

/** A tool call whose result can ground an answer: it ran and found something (not "no product matches"). */
function usefulToolResult(part: AnswerPart): boolean {
  return part.type === 'tool' && part.outcome.status === 'done' && hasSubstance(part.outcome.result);
}

/** Notes whether any part so far was a useful tool result, as the parts stream through. */
async function* noticingToolResults(parts: AsyncIterable<AnswerPart>, seen: { useful: boolean }): AsyncGenerator<AnswerPart> {
  for await (const part of parts) {
    if (usefulToolResult(part)) seen.useful = true;
    yield part;
  }
}

/** The model went silent mid-answer: the error names it, so the visitor is told more than "failed". */
async function* stallsAsErrors(parts: AsyncIterable<AnswerPart>): AsyncGenerator<AnswerPart> {
  try {
    yield* parts;
  } catch (error) {
    if (error instanceof ModelTimeoutError) throw new AnswerStalledError(error.message);
    throw error;
  }
}

/**
 * Answers with an OpenAI-compatible chat model, grounded in the retrieved passages — or, when
 * retrieval is off, as a plain chat (no passages, so every [n] marker is dropped). The agent's
 * persona, model and temperature, the customer profile, the history within its token budget and
 * the agent's tools shape the call (see prompt.ts and conversation.ts).
 *
 * When nothing relevant was retrieved, the model is still called if the agent has tools (a
 * product or the customer's own data may answer), told that no passages were found; without
 * tools it has nothing to go on, and the extractive answerer says so. Falls back to the
 * extractive answerer too when the provider fails, times out or says nothing before the first
 * text (tool calls that already ran are kept).
 *
 * An answer in retrieval mode that cites no passage and used no useful tool result is
 * `unanswered`: whatever the model wrote, it is not grounded, so a human is offered.
 */
export function createOpenAIAnswerer(options: OpenAIAnswererOptions): Answerer {
  const { gateway, fallback, log } = options;

  async function fallBack(request: AnswerRequest, passages: Passage[], toolParts: AnswerPart[], why: string, error?: unknown): Promise<Answer> {
    log.warn(`llm ${why}; answering extractively`, error === undefined ? {} : { error: errorText(error) });
    return withToolParts(await fallback.answer({ ...request, passages }), toolParts);
  }

  return {
    kind: 'llm',
    async answer(request) {
      const plain = request.retrieval === false;
      const passages = plain ? [] : groundingPassages(request.question, request.passages).slice(0, MAX_PROMPT_PASSAGES);
      const hasTools = (request.tools?.specs.length ?? 0) > 0;
      if (passages.length === 0 && !plain && !hasTools) return fallback.answer({ ...request, passages: [] });

      const prompt = buildPrompt({
        question: request.question,
        passages: plain ? null : passages,
        history: turnsWithinBudget(request.history, options.historyTokenBudget),
        agent: request.agent,
        customer: request.customer,
        draft: request.draft,
      });
      const renumberer = new CitationRenumberer(passages.length);
      const settings = { gateway, model: request.agent?.model ?? null, temperature: request.agent?.temperature ?? null };
      const toolResults = { useful: false };
      const parts = noticingToolResults(converse(settings, request, prompt, renumberer), toolResults);

      // Commit to the model once it has said something; tool calls before that are held.
      const held: AnswerPart[] = [];
      try {
        for (;;) {
          const next = await parts.next();
          if (next.done) break;
          held.push(next.value);
          if (next.value.type === 'text') break;
        }
      } catch (error) {
        if (request.signal.aborted) return stoppedBeforeText(held, !plain && (passages.length > 0 || toolResults.useful));
        return fallBack(request, passages, held, error instanceof ModelTimeoutError ? 'timed out before any text' : 'failed before any text', error);
      }
      const groundedSoFar = !plain && (passages.length > 0 || toolResults.useful);
      if (request.signal.aborted) return stoppedBeforeText(held, groundedSoFar);
      if (!held.some((p) => p.type === 'text')) return fallBack(request, passages, held, 'returned no text');

      return {
        answerer: 'llm',
        grounded: groundedSoFar,
        unanswered: () => !plain && renumberer.citedPassageIndexes().length === 0 && !toolResults.useful,
        parts: stallsAsErrors(replay(held, parts)),
        citedPassages: () => renumberer.citedPassageIndexes().map((i) => passages[i]!),
      };
    },
  };
}
