import OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import type { LlmConfig } from '../config.js';
import { startLlmCall, type LlmCallIdentity } from '../usage/meter.js';
import type { LlmCallRecord, LlmOutcome, UsageRecorder } from '../usage/types.js';
import { StreamedCall, type ModelCallReport, type StreamLimits } from './streamed-call.js';
import { traceModelCall, traceStreamedModelCall } from '../telemetry/spans.js';

/**
 * The one way Prex calls a language model. Built once (app.ts) from the configured
 * OpenAI-compatible endpoint and passed to every feature that needs a model — answers, persona
 * drafts, conversation summaries, message labels — so there is one client, one set of limits and
 * one way every call is measured and recorded as usage.
 */

/** An OpenAI-compatible endpoint, chat or embeddings. Retries (429, 5xx, network errors) are the client's own, with its backoff. */
export interface ModelEndpoint {
  apiKey: string;
  baseUrl?: string | undefined;
  timeoutMs: number;
  maxRetries: number;
}

/** The one place an `openai` client is made from Prex's configuration. */
export function openAIClient(endpoint: ModelEndpoint): OpenAI {
  return new OpenAI({ apiKey: endpoint.apiKey, baseURL: endpoint.baseUrl, timeout: endpoint.timeoutMs, maxRetries: endpoint.maxRetries });
}

/** Who a call is for and why; the model is the gateway's default unless the params name another. */
export type ModelCallPurpose = Omit<LlmCallIdentity, 'model'>;

export interface CompletionOptions<T> {
  /**
   * Reads what the caller needs from the reply; a reply it cannot use (it throws: no JSON, an
   * empty text) is recorded as a failed call, as it cost tokens and gave nothing.
   */
  read: (completion: ChatCompletion) => T;
  /** The whole call, overriding the endpoint's timeout (a label is worth little once the answer waited for it). */
  timeoutMs?: number;
  maxRetries?: number;
  signal?: AbortSignal | undefined;
  /**
   * Takes the usage row's write instead of the call awaiting it: the caller awaits it later (an
   * answer, before its [DONE]), so the reply is not kept waiting for a database round trip.
   */
  recordLater?: ((write: Promise<void>) => void) | undefined;
}

/** Chat params without the model: it is the gateway's default unless given. */
export type CompletionParams = Omit<ChatCompletionCreateParamsNonStreaming, 'model'> & { model?: string | null | undefined };
export type StreamParams = Omit<ChatCompletionCreateParamsStreaming, 'model' | 'stream' | 'stream_options'> & { model?: string | null | undefined };

export interface ModelGateway {
  /** The configured chat model; an agent may name another. */
  readonly defaultModel: string;
  /** One chat completion, read by `options.read` and recorded as usage exactly once whatever happens; a failure is rethrown after it is recorded. */
  complete<T>(purpose: ModelCallPurpose, params: CompletionParams, options: CompletionOptions<T>): Promise<T>;
  /**
   * One streamed chat completion with token counts. `report` receives its figures once when it
   * ends: the caller records them, since only it knows which answer they belong to and when the
   * row must be written.
   */
  stream(params: StreamParams, signal: AbortSignal, report: (report: ModelCallReport) => void): StreamedCall;
}

export interface ModelGatewayDeps {
  llm: LlmConfig;
  usage: UsageRecorder;
  /** A client to use instead of one made from `llm` (tests that inspect requests). */
  client?: OpenAI;
}

function outcomeOf(error: unknown, signal: AbortSignal | undefined): LlmOutcome {
  if (signal?.aborted) return 'aborted';
  if (error instanceof OpenAI.APIConnectionTimeoutError) return 'timeout';
  return 'error';
}

/** The gateway to the configured endpoint; null when none is configured (callers answer without a model). */
export function createModelGateway(deps: { llm: LlmConfig | null; usage: UsageRecorder; client?: OpenAI }): ModelGateway | null {
  return deps.llm ? modelGateway({ ...deps, llm: deps.llm }) : null;
}

function modelGateway(deps: ModelGatewayDeps): ModelGateway {
  const { llm, usage } = deps;
  const client = deps.client ?? openAIClient(llm);
  const limits: StreamLimits = { firstTokenTimeoutMs: llm.firstTokenTimeoutMs, idleTimeoutMs: llm.idleTimeoutMs };
  return {
    defaultModel: llm.model,

    async complete(purpose, params, options) {
      const model = params.model ?? llm.model;
      const meter = traceModelCall(startLlmCall({ ...purpose, model }), { model, purpose: purpose.purpose });
      const requestOptions = {
        ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs } : {}),
        ...(options.maxRetries !== undefined ? { maxRetries: options.maxRetries } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      };
      const record = async (call: LlmCallRecord): Promise<void> => {
        const write = usage.record(call);
        if (options.recordLater) options.recordLater(write);
        else await write;
      };
      try {
        const completion = await client.chat.completions.create({ ...params, model, stream: false }, requestOptions);
        meter.usage(completion.usage);
        const result = options.read(completion);
        await record(meter.finish('ok'));
        return result;
      } catch (error) {
        await record(meter.finish(outcomeOf(error, options.signal), error));
        throw error;
      }
    },

    stream(params, signal, report) {
      const streaming: ChatCompletionCreateParamsStreaming = { ...params, model: params.model ?? llm.model, stream: true, stream_options: { include_usage: true } };
      return new StreamedCall(client, streaming, limits, signal, traceStreamedModelCall(streaming.model, report));
    },
  };
}
