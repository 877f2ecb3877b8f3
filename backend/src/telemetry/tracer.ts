import { context, INVALID_SPAN_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';

/**
 * Prex's one way to make a span. Only @opentelemetry/api is imported here: with no collector
 * configured no SDK is loaded (start.ts), `on` stays false and every helper runs its work as is,
 * without so much as a no-op span. With one configured, sdk.ts registers the provider and turns
 * the helpers on.
 */

let on = false;

/** Set by sdk.ts when its provider is registered, and back when it shuts down. */
export function setTracing(active: boolean): void {
  on = active;
}

export function tracingOn(): boolean {
  return on;
}

/** The tracer of the provider registered now (looked up per span: a tracer kept across a restart would point at the old one). */
function tracer() {
  return trace.getTracer('prex');
}

/** A span that records nothing, handed to `work` when tracing is off. */
const NOT_RECORDING: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

export interface SpanOptions {
  kind?: SpanKind;
  /**
   * Only as part of a trace already under way (database statements): a statement outside a
   * turn (a background job, a staff page) would otherwise be a trace of its own.
   */
  onlyWithParent?: boolean;
}

/**
 * Marks a span as failed by the error's kind only. Not its message: a database error quotes the
 * values of a violated key (an email), a provider's error may quote the prompt.
 */
export function markFailed(span: Span, error: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR });
  span.setAttribute('error.type', error instanceof Error ? error.name : typeof error);
}

/** Runs `work` as the active span `name` (its spans are its children); ends it however work ends. */
export async function inSpan<T>(name: string, attributes: Attributes, work: (span: Span) => Promise<T>, options: SpanOptions = {}): Promise<T> {
  if (!on || (options.onlyWithParent && !trace.getActiveSpan())) return work(NOT_RECORDING);
  return tracer().startActiveSpan(name, { attributes, ...(options.kind !== undefined ? { kind: options.kind } : {}) }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      markFailed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * A span started now, ended by the caller: for work whose end is reported by a callback (a
 * streamed model call). Not made active: what runs meanwhile keeps its own parent.
 */
export function startSpan(name: string, attributes: Attributes, kind: SpanKind = SpanKind.INTERNAL): Span {
  return on ? tracer().startSpan(name, { attributes, kind }) : NOT_RECORDING;
}

/**
 * Runs `work` with `span` active: its spans, and those of whatever it starts in the background,
 * are the span's children. The caller ends the span (a turn ends with its answer, after the
 * request that opened it has moved on to streaming).
 */
export function withinSpan<T>(span: Span, work: () => T): T {
  return on ? context.with(trace.setSpan(context.active(), span), work) : work();
}
