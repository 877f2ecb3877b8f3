import type OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import type { LlmCallRecord, LlmOutcome } from '../usage/types.js';

/** How one model call went: the usage record without who it was for, which the caller knows. */
export type ModelCallReport = Pick<LlmCallRecord, 'model' | 'promptTokens' | 'completionTokens' | 'latencyMs' | 'ttftMs' | 'outcome' | 'error'>;

/** A function call the model made, assembled from its streamed fragments. */
export interface ModelToolCall {
  id: string;
  name: string;
  /** The arguments as the model wrote them: JSON text, not yet parsed or validated. */
  arguments: string;
}

export interface StreamLimits {
  /** No first token (text or tool call) within this → the call is abandoned as a timeout. */
  firstTokenTimeoutMs: number;
  /** Silence this long once tokens flow → the call is abandoned as a timeout. */
  idleTimeoutMs: number;
}

/** A model call abandoned by one of the stream limits. */
export class ModelTimeoutError extends Error {
  override name = 'ModelTimeoutError';
  constructor(
    readonly phase: 'first-token' | 'idle',
    ms: number,
  ) {
    super(phase === 'first-token' ? `no first token within ${ms} ms` : `the stream went silent for ${ms} ms`);
  }
}

type ToolCallDelta = NonNullable<ChatCompletionChunk['choices'][number]['delta']['tool_calls']>[number];

/** Assembles streamed tool calls from their fragments (keyed by the provider's index). */
class ToolCallAssembler {
  private readonly calls = new Map<number, ModelToolCall>();

  add(delta: ToolCallDelta): void {
    const call = this.calls.get(delta.index) ?? { id: '', name: '', arguments: '' };
    if (delta.id) call.id = delta.id;
    if (delta.function?.name) call.name += delta.function.name;
    if (delta.function?.arguments) call.arguments += delta.function.arguments;
    this.calls.set(delta.index, call);
  }

  /** The complete calls in index order; a call the provider sent without an id gets one. */
  done(): ModelToolCall[] {
    return [...this.calls.entries()].sort(([a], [b]) => a - b).map(([index, call]) => ({ ...call, id: call.id || `call_${index}` }));
  }
}

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * One streamed chat completion. `text()` yields its text as it arrives; once that is exhausted,
 * `toolCalls` holds the function calls it made. Never hangs: the first-token and idle limits
 * abort the request (closing the connection) and throw ModelTimeoutError. A stop by the visitor
 * ends the text quietly. Exactly one report per call, whatever happened.
 */
export class StreamedCall {
  toolCalls: ModelToolCall[] = [];

  constructor(
    private readonly client: OpenAI,
    private readonly params: ChatCompletionCreateParamsStreaming,
    private readonly limits: StreamLimits,
    private readonly signal: AbortSignal,
    private readonly report: (report: ModelCallReport) => void,
  ) {}

  async *text(): AsyncGenerator<string> {
    const controller = new AbortController();
    const started = performance.now();
    let ttftMs: number | null = null;
    let timeout: ModelTimeoutError | undefined;
    let timer: NodeJS.Timeout | undefined;
    const arm = (phase: ModelTimeoutError['phase'], ms: number) => {
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort((timeout = new ModelTimeoutError(phase, ms))), ms);
    };
    const assembler = new ToolCallAssembler();
    let usage: ChatCompletionChunk['usage'] = null;
    let outcome: LlmOutcome = 'aborted';
    let failure: string | undefined;
    arm('first-token', this.limits.firstTokenTimeoutMs);
    try {
      const stream = await this.client.chat.completions.create(this.params, { signal: AbortSignal.any([this.signal, controller.signal]) });
      for await (const chunk of stream) {
        if (chunk.usage) usage = chunk.usage;
        const delta = chunk.choices[0]?.delta;
        const content = delta?.content ?? '';
        for (const call of delta?.tool_calls ?? []) assembler.add(call);
        const spoke = content !== '' || (delta?.tool_calls?.length ?? 0) > 0;
        if (spoke && ttftMs === null) ttftMs = performance.now() - started;
        // Before the first token only a token counts; after it, any chunk shows the stream is alive.
        if (ttftMs !== null) arm('idle', this.limits.idleTimeoutMs);
        if (content) yield content;
      }
      // The client ends a stream quietly when its signal aborts: tell a limit from a stop here.
      if (timeout) throw timeout;
      if (this.signal.aborted) return;
      outcome = 'ok';
    } catch (error) {
      if (timeout) {
        outcome = 'timeout';
        failure = timeout.message;
        throw timeout;
      }
      if (this.signal.aborted) return;
      outcome = 'error';
      failure = errorText(error);
      throw error;
    } finally {
      clearTimeout(timer);
      // Closes the connection to the provider when the reader stopped early.
      controller.abort();
      this.toolCalls = assembler.done();
      this.report({
        model: this.params.model,
        promptTokens: usage?.prompt_tokens ?? null,
        completionTokens: usage?.completion_tokens ?? null,
        latencyMs: performance.now() - started,
        ttftMs,
        outcome,
        ...(failure ? { error: failure } : {}),
      });
    }
  }
}
