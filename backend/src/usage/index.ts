export { createUsageRecorder } from './recorder.js';
export { startLlmCall, type LlmCallIdentity, type LlmCallMeter, type ProviderUsage } from './meter.js';
export { BUILT_IN_PRICES, costOf, priceOf } from './prices.js';
export type { LlmCallRecord, LlmOutcome, LlmPurpose, UsageRecorder } from './types.js';
