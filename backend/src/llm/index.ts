import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { ModelGateway } from '../model/gateway.js';
import type { Answerer } from './answerer.js';
import { createExtractiveAnswerer, type ExtractiveOptions } from './extractive.js';
import { createOpenAIAnswerer } from './openai.js';

export type { Answer, Answerer, AnswerPart, AnswerRequest, ModelCallReport, PriorTurn, Toolbox } from './answerer.js';
export { AnswerStalledError } from './answerer.js';
export { createExtractiveAnswerer, NO_ANSWER_TEXT } from './extractive.js';
export { createOpenAIAnswerer } from './openai.js';
export { passageToCitation } from './citations.js';

export interface AnswererDeps {
  config: Pick<Config, 'llm' | 'extractiveDelayMs' | 'historyTokenBudget'>;
  /** Null: no model configured. */
  gateway: ModelGateway | null;
  log: Logger;
  extractive?: ExtractiveOptions;
}

/** The model answerer when an OpenAI-compatible endpoint is configured, else the extractive one. */
export function createAnswerer(deps: AnswererDeps): Answerer {
  const { config, gateway, log } = deps;
  const fallback = createExtractiveAnswerer(deps.extractive ?? { deltaDelayMs: config.extractiveDelayMs });
  if (!gateway) {
    log.info('no language model configured; answers are extractive');
    return fallback;
  }
  log.info('answering with an OpenAI-compatible model', { model: gateway.defaultModel, baseUrl: config.llm?.baseUrl ?? 'https://api.openai.com/v1' });
  return createOpenAIAnswerer({ gateway, historyTokenBudget: config.historyTokenBudget, fallback, log });
}
