import type { LlmCallRecord, LlmOutcome } from './types.js';

/** What a call is, known before it starts. */
export type LlmCallIdentity = Pick<LlmCallRecord, 'tenantId' | 'agentId' | 'sessionId' | 'messageId' | 'purpose' | 'model'>;

/** The `usage` object of an OpenAI chat completion, or of the last chunk of a stream with include_usage. */
export interface ProviderUsage {
  prompt_tokens?: number | null;
  completion_tokens?: number | null;
}

export interface LlmCallMeter {
  /** Marks the first token of a streamed reply (only the first call counts). */
  firstToken(): void;
  /** Takes the provider's token counts; call it with every chunk's `usage` (it ignores null and undefined). */
  usage(usage: ProviderUsage | null | undefined): void;
  /** The record for UsageRecorder.record, timed from when the meter started. */
  finish(outcome: LlmOutcome, error?: unknown): LlmCallRecord;
}

/**
 * Times one model call and collects its token counts, so every caller records calls the same way:
 * `const meter = startLlmCall({...}); … meter.firstToken(); meter.usage(chunk.usage); …
 * await usage.record(meter.finish('ok'))`. Streamed calls need `stream_options: { include_usage: true }`
 * for the provider to send token counts.
 */
export function startLlmCall(identity: LlmCallIdentity, now: () => number = () => performance.now()): LlmCallMeter {
  const started = now();
  let ttftMs: number | null = null;
  let promptTokens: number | null = null;
  let completionTokens: number | null = null;
  return {
    firstToken() {
      ttftMs ??= now() - started;
    },
    usage(usage) {
      if (!usage) return;
      promptTokens = usage.prompt_tokens ?? promptTokens;
      completionTokens = usage.completion_tokens ?? completionTokens;
    },
    finish(outcome, error) {
      const message = error === undefined ? undefined : error instanceof Error ? error.message : String(error);
      return { ...identity, promptTokens, completionTokens, latencyMs: now() - started, ttftMs, outcome, ...(message ? { error: message } : {}) };
    },
  };
}
