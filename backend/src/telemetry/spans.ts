import { SpanKind, SpanStatusCode, type Span } from '@opentelemetry/api';
import { inSpan, markFailed, startSpan, tracingOn, withinSpan } from './tracer.js';

/**
 * The spans of a turn, one helper each, so their names and attributes live in one place
 * (docs/tracing.md lists them). Attributes carry ids, counts, models and outcomes, never
 * conversation content: no question or answer text, no email, no phone number, no SQL values.
 * Names follow OpenTelemetry's semantic conventions where one exists (GenAI, database).
 */
export const SPAN = {
  turn: 'prex.turn',
  retrieval: 'prex.retrieval',
  answerStream: 'prex.answer.stream',
  transaction: 'db.transaction',
} as const;

/** A turn as the trace sees it: named once its answer row exists, ended with the answer's run. */
export interface TurnTrace {
  answer(messageId: string): void;
  end(status: string): void;
  fail(error: unknown): void;
}

/**
 * One turn, from the question's rows and its retrieval (which start side by side) to the end of
 * the answer's run in the background: `work` runs with the turn active, so the run it starts is
 * part of it; the turn ends when the run reports its status (or fails before it starts).
 */
export function openTurn<T>(ids: { tenantId: string; agentId: string }, work: (turn: TurnTrace) => Promise<T>): Promise<T> {
  const span = startSpan(SPAN.turn, { 'prex.tenant.id': ids.tenantId, 'prex.agent.id': ids.agentId });
  const turn: TurnTrace = {
    answer: (messageId) => span.setAttribute('prex.message.id', messageId),
    end(status) {
      span.setAttribute('prex.answer.status', status);
      span.end();
    },
    fail(error) {
      markFailed(span, error);
      span.end();
    },
  };
  return withinSpan(span, () => work(turn));
}

/** Knowledge-base search for a question: how many passages came back. */
export function traceRetrieval<P>(tenantId: string, options: { limit: number; tags?: readonly string[]; context?: string }, search: () => Promise<P[]>): Promise<P[]> {
  const attributes = {
    'prex.tenant.id': tenantId,
    'prex.retrieval.limit': options.limit,
    'prex.retrieval.filtered': Boolean(options.tags?.length),
    'prex.retrieval.follow_up': Boolean(options.context),
  };
  return inSpan(SPAN.retrieval, attributes, async (span) => {
    const passages = await search();
    span.setAttribute('prex.retrieval.passages', passages.length);
    return passages;
  });
}

/**
 * The answer's stream, from its start chunk to its last part: classification, retrieval and the
 * model calls run inside it, as the visitor's stream is open meanwhile. `summary` is read when it
 * ends: who answered, how much text, how many tool calls (sizes, never the text).
 */
export function traceAnswerStream<T>(run: () => Promise<T>, summary: () => { answerer: string | null; textChars: number; toolCalls: number }): Promise<T> {
  return inSpan(SPAN.answerStream, {}, async (span) => {
    try {
      return await run();
    } finally {
      const { answerer, textChars, toolCalls } = summary();
      if (answerer) span.setAttribute('prex.answerer', answerer);
      span.setAttributes({ 'prex.answer.text_chars': textChars, 'prex.answer.tool_calls': toolCalls });
    }
  });
}

/** The figures a finished model call reports (usage/types.ts's LlmCallRecord has them). */
export interface ModelCallFigures {
  promptTokens: number | null;
  completionTokens: number | null;
  ttftMs: number | null;
  outcome: string;
}

/** GenAI conventions: `chat gpt-4o-mini`, a client span. */
function chatSpan(model: string, extra: Record<string, string | boolean>): Span {
  return startSpan(`chat ${model}`, { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': model, ...extra }, SpanKind.CLIENT);
}

function endModelSpan(span: Span, figures: ModelCallFigures): void {
  if (figures.promptTokens !== null) span.setAttribute('gen_ai.usage.input_tokens', figures.promptTokens);
  if (figures.completionTokens !== null) span.setAttribute('gen_ai.usage.output_tokens', figures.completionTokens);
  if (figures.ttftMs !== null) span.setAttribute('prex.model.first_token_ms', Math.round(figures.ttftMs));
  span.setAttribute('prex.model.outcome', figures.outcome);
  if (figures.outcome !== 'ok' && figures.outcome !== 'aborted') span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}

/**
 * A metered model call (usage/meter.ts) that is also a span: it starts with the meter and ends
 * when the meter's figures are taken.
 */
export function traceModelCall<M extends { finish(...args: never[]): F }, F extends ModelCallFigures>(meter: M, call: { model: string; purpose: string }): M {
  if (!tracingOn()) return meter;
  const span = chatSpan(call.model, { 'prex.model.purpose': call.purpose });
  const finish = meter.finish.bind(meter) as (...args: Parameters<M['finish']>) => F;
  return {
    ...meter,
    finish: (...args: Parameters<M['finish']>) => {
      const figures = finish(...args);
      endModelSpan(span, figures);
      return figures;
    },
  };
}

/** A streamed model call whose figures come through `report` once it ends: the span ends there. */
export function traceStreamedModelCall<F extends ModelCallFigures>(model: string, report: (figures: F) => void): (figures: F) => void {
  if (!tracingOn()) return report;
  const span = chatSpan(model, { 'prex.model.streamed': true });
  return (figures) => {
    endModelSpan(span, figures);
    report(figures);
  };
}

/** One embeddings request of the vector channel: how many texts. */
export function traceEmbeddings<T>(model: string, texts: number, request: () => Promise<T>): Promise<T> {
  const attributes = { 'gen_ai.operation.name': 'embeddings', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': model, 'prex.embeddings.texts': texts };
  return inSpan(`embeddings ${model}`, attributes, request, { kind: SpanKind.CLIENT });
}
