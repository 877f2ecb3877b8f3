import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Latency buckets of an answer, in seconds: a first text under a second is the goal; a model
 * answer with tools may take half a minute; the model's own timeouts are 20 and 60 s.
 */
const ANSWER_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120];

/**
 * Every instrument Prex exposes, on one registry of its own (never prom-client's global one, so
 * two apps in one process — tests, benches — count apart). Labels are what an operator slices by:
 * route patterns, statuses, models, outcomes. Never a tenant, session or message id: those are
 * unbounded and would identify visitors; the usage API has per-tenant figures.
 */
export interface Metrics {
  readonly registry: Registry;
  /** Responses by method, route pattern (`/v1/chat/:messageId/stream`) and status. */
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  /** From the answer run's start (question stored) to its first text-delta. */
  readonly answerFirstText: Histogram<'answerer'>;
  /** From the answer run's start to its last chunk (finish, abort or error). */
  readonly answerDuration: Histogram<'status'>;
  readonly modelCalls: Counter<'model' | 'purpose' | 'outcome'>;
  readonly modelTokens: Counter<'model' | 'purpose' | 'kind'>;
  /** Cost from the price table; calls of a model without a price add nothing. */
  readonly modelCostUsd: Counter<'model' | 'purpose'>;
  /** Requests refused with 429 by the public rate limit. */
  readonly rateLimited: Counter;
  /** Answer streams (SSE responses) open on this instance now. */
  readonly openStreams: Gauge;
  readonly ingestionJobs: Counter<'origin'>;
  /** Ingestion items by outcome: ready, retry (will be tried again), failed. */
  readonly ingestionItems: Counter<'outcome'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    httpRequests: new Counter({ name: 'prex_http_requests_total', help: 'HTTP responses by method, route pattern and status', labelNames: ['method', 'route', 'status'], registers }),
    answerFirstText: new Histogram({
      name: 'prex_answer_first_text_seconds',
      help: 'Seconds from the start of an answer run to its first streamed text',
      labelNames: ['answerer'],
      buckets: ANSWER_SECONDS,
      registers,
    }),
    answerDuration: new Histogram({
      name: 'prex_answer_duration_seconds',
      help: 'Seconds from the start of an answer run to its end, by final status',
      labelNames: ['status'],
      buckets: ANSWER_SECONDS,
      registers,
    }),
    modelCalls: new Counter({ name: 'prex_model_calls_total', help: 'Model calls by model, purpose and outcome', labelNames: ['model', 'purpose', 'outcome'], registers }),
    modelTokens: new Counter({ name: 'prex_model_tokens_total', help: 'Tokens reported by the model provider, by kind (prompt, completion)', labelNames: ['model', 'purpose', 'kind'], registers }),
    modelCostUsd: new Counter({ name: 'prex_model_cost_usd_total', help: 'Cost of model calls in USD from the price table', labelNames: ['model', 'purpose'], registers }),
    rateLimited: new Counter({ name: 'prex_rate_limited_total', help: 'Public requests refused by the per-address rate limit', registers }),
    openStreams: new Gauge({ name: 'prex_sse_streams_open', help: 'Answer streams (SSE) open on this instance', registers }),
    ingestionJobs: new Counter({ name: 'prex_ingestion_jobs_total', help: 'Ingestion jobs queued, by origin', labelNames: ['origin'], registers }),
    ingestionItems: new Counter({ name: 'prex_ingestion_items_total', help: 'Ingestion items processed, by outcome (ready, retry, failed)', labelNames: ['outcome'], registers }),
  };
}

/** Adds the Node process metrics (memory, CPU, event-loop lag, GC): only for a served registry. */
export function collectProcessMetrics(metrics: Metrics): void {
  collectDefaultMetrics({ register: metrics.registry, prefix: 'prex_' });
}
