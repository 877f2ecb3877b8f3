import type { Config } from '../config.js';
import type { Db } from '../db/db.js';
import { newId } from '../ids.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics/metrics.js';
import { costOf, priceOf } from './prices.js';
import type { LlmCallRecord, UsageRecorder } from './types.js';

/** Longest provider error message kept on a row. */
const MAX_ERROR_CHARS = 1000;

/** A count the provider reported, or null when it is missing or nonsense (never a reason to lose the row). */
function tokenCount(value: number | null): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.round(value) : null;
}

function milliseconds(value: number | null): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? Math.max(0, Math.round(value)) : null;
}

/**
 * Records every model call as an llm_calls row with its cost from the price table
 * (config.modelPrices over the built-in prices). Recording never fails the caller: a database
 * error is logged and swallowed, because a lost usage row must not cost the user their answer.
 */
export function createUsageRecorder(db: Db, config: Pick<Config, 'modelPrices'>, log: Logger, metrics?: Metrics): UsageRecorder {
  const unpricedWarned = new Set<string>();

  function priceFor(model: string) {
    const price = priceOf(model, config.modelPrices);
    if (!price && !unpricedWarned.has(model)) {
      unpricedWarned.add(model);
      log.warn('no price for model; its calls are recorded without a cost (set PREX_MODEL_PRICES)', { model });
    }
    return price;
  }

  return {
    async record(call: LlmCallRecord): Promise<void> {
      try {
        const promptTokens = tokenCount(call.promptTokens);
        const completionTokens = tokenCount(call.completionTokens);
        const cost = costOf(priceFor(call.model), promptTokens, completionTokens);
        if (metrics) countCall(metrics, call, { promptTokens, completionTokens, cost });
        await db.query(
          `insert into llm_calls (id, tenant_id, agent_id, session_id, message_id, purpose, model, prompt_tokens,
             completion_tokens, cost_usd, latency_ms, ttft_ms, outcome, error)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::numeric, $11, $12, $13, $14)`,
          [
            newId('llm'),
            call.tenantId,
            call.agentId,
            call.sessionId,
            call.messageId,
            call.purpose,
            call.model,
            promptTokens,
            completionTokens,
            cost,
            milliseconds(call.latencyMs) ?? 0,
            milliseconds(call.ttftMs),
            call.outcome,
            call.error ? call.error.slice(0, MAX_ERROR_CHARS) : null,
          ],
        );
      } catch (error) {
        log.error('could not record a model call', {
          tenantId: call.tenantId,
          model: call.model,
          purpose: call.purpose,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    },
  };
}

/** The call in the metrics: by model and purpose, never by tenant (the usage API has those figures). */
function countCall(metrics: Metrics, call: LlmCallRecord, counted: { promptTokens: number | null; completionTokens: number | null; cost: string | null }): void {
  const { model, purpose } = call;
  metrics.modelCalls.inc({ model, purpose, outcome: call.outcome });
  if (counted.promptTokens) metrics.modelTokens.inc({ model, purpose, kind: 'prompt' }, counted.promptTokens);
  if (counted.completionTokens) metrics.modelTokens.inc({ model, purpose, kind: 'completion' }, counted.completionTokens);
  if (counted.cost !== null) metrics.modelCostUsd.inc({ model, purpose }, Number(counted.cost));
}
