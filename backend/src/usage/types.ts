/** What a model call was for. */
export type LlmPurpose = 'answer' | 'classify' | 'persona' | 'summary' | 'eval' | 'draft' | 'try-it';
export type LlmOutcome = 'ok' | 'error' | 'aborted' | 'timeout';

/** One model call, as recorded in llm_calls (cost is computed from the price table on record). */
export interface LlmCallRecord {
  tenantId: string;
  agentId: string | null;
  sessionId: string | null;
  messageId: string | null;
  purpose: LlmPurpose;
  model: string;
  /** From the provider's usage data; null when it sent none. */
  promptTokens: number | null;
  completionTokens: number | null;
  latencyMs: number;
  /** Time to first token of a streamed call. */
  ttftMs: number | null;
  outcome: LlmOutcome;
  error?: string;
}

export interface UsageRecorder {
  /** Never throws: a failure to record is logged, not passed on to the user's answer. */
  record(call: LlmCallRecord): Promise<void>;
}
