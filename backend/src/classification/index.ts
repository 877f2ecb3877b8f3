import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { ModelGateway } from '../model/gateway.js';
import { createModelClassifier } from './model.js';
import { classifyByRules } from './rules.js';
import type { Classifier } from './types.js';

export { classifyByRules } from './rules.js';
export { labelCounts } from './label-counts.js';
export type { Classification, Classifier, ClassifyContext } from './types.js';

/** A label is worth little once the answer had to wait for it: past this, the rules decide. */
export const CLASSIFY_TIMEOUT_MS = 4000;

export interface ClassifierDeps {
  config: Pick<Config, 'classifier'>;
  /** Null: no model configured, the rules label. */
  gateway: ModelGateway | null;
  log: Logger;
  timeoutMs?: number;
}

/** Labels by rules only: no model configured, or PREX_CLASSIFIER=rules. */
const rulesClassifier: Classifier = {
  classify: async (text) => ({ label: classifyByRules(text), source: 'rules' }),
};

/**
 * The classifier for user messages: the configured model when there is one and PREX_CLASSIFIER is
 * 'auto' (falling back to the rules on any failure), otherwise the rules. Never throws.
 */
export function createClassifier(deps: ClassifierDeps): Classifier {
  const { config, gateway, log } = deps;
  if (!gateway || config.classifier === 'rules') return rulesClassifier;
  return createModelClassifier({ gateway, log, timeoutMs: deps.timeoutMs ?? CLASSIFY_TIMEOUT_MS });
}
