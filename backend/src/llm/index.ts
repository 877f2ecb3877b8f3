import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Answerer } from './answerer.js';
import { createExtractiveAnswerer, type ExtractiveOptions } from './extractive.js';
import { createOpenAIAnswerer, createOpenAIClient } from './openai.js';

export type { Answer, Answerer, AnswerPart, AnswerRequest, ModelCallReport, PriorTurn, Toolbox } from './answerer.js';
export { AnswerStalledError } from './answerer.js';
export { createExtractiveAnswerer, NO_ANSWER_TEXT } from './extractive.js';
export { createOpenAIAnswerer, createOpenAIClient } from './openai.js';
export { passageToCitation } from './citations.js';

/** The model answerer when an OpenAI-compatible endpoint is configured, else the extractive one. */
export function createAnswerer(
  config: Pick<Config, 'llm' | 'extractiveDelayMs' | 'historyTokenBudget'>,
  log: Logger,
  extractive: ExtractiveOptions = { deltaDelayMs: config.extractiveDelayMs },
): Answerer {
  const fallback = createExtractiveAnswerer(extractive);
  if (!config.llm) {
    log.info('no language model configured; answers are extractive');
    return fallback;
  }
  log.info('answering with an OpenAI-compatible model', { model: config.llm.model, baseUrl: config.llm.baseUrl ?? 'https://api.openai.com/v1' });
  return createOpenAIAnswerer({ client: createOpenAIClient(config.llm), llm: config.llm, historyTokenBudget: config.historyTokenBudget, fallback, log });
}
