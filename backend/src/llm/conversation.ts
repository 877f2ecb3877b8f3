import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { ModelGateway, StreamParams } from '../model/gateway.js';
import type { AnswerPart, AnswerRequest, ModelToolCall } from './answerer.js';
import type { CitationRenumberer } from './citations.js';
import { formatToolResult } from './prompt.js';

/** Model calls that may end in tool calls; the call after the last one must answer in text. */
export const MAX_TOOL_ROUNDS = 3;

export interface ConversationSettings {
  gateway: ModelGateway;
  /** The agent's model; null: the gateway's default. */
  model: string | null;
  temperature: number | null;
}

function callParams(settings: ConversationSettings, request: AnswerRequest, messages: ChatCompletionMessageParam[], round: number): StreamParams {
  const specs = request.tools?.specs ?? [];
  return {
    model: settings.model,
    messages,
    ...(settings.temperature !== null ? { temperature: settings.temperature } : {}),
    // The round after the last tool round still sees the tool schemas (the history mentions them) but may not call any.
    ...(specs.length ? { tools: specs, tool_choice: round > MAX_TOOL_ROUNDS ? ('none' as const) : ('auto' as const) } : {}),
  };
}

function assistantTurn(text: string, calls: readonly ModelToolCall[]): ChatCompletionMessageParam {
  return {
    role: 'assistant',
    content: text || null,
    tool_calls: calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })),
  };
}

/**
 * The model's answer with its tool rounds: each call streams text (citation markers renumbered)
 * and may end in tool calls; those are run through the toolbox (which refuses tools the agent
 * does not have and only proposes changes), their results go back as tool messages, and the
 * model is called again, at most MAX_TOOL_ROUNDS times with tools allowed. Ends quietly when the
 * visitor stops; rethrows a provider failure after the text held back so far.
 */
export async function* converse(
  settings: ConversationSettings,
  request: AnswerRequest,
  prompt: readonly ChatCompletionMessageParam[],
  renumberer: CitationRenumberer,
): AsyncGenerator<AnswerPart> {
  const messages = [...prompt];
  const report = request.onModelCall ?? (() => undefined);
  try {
    for (let round = 1; ; round++) {
      const call = settings.gateway.stream(callParams(settings, request, messages, round), request.signal, report);
      let text = '';
      for await (const delta of call.text()) {
        text += delta;
        const shown = renumberer.push(delta);
        if (shown) yield { type: 'text', delta: shown };
      }
      // A model that calls tools when none are allowed (or after the last round) is not obeyed.
      if (request.signal.aborted || !request.tools || call.toolCalls.length === 0 || round > MAX_TOOL_ROUNDS) break;
      messages.push(assistantTurn(text, call.toolCalls));
      for (const toolCall of call.toolCalls) {
        const { record, outcome } = await request.tools.run(toolCall);
        yield { type: 'tool', record, outcome };
        messages.push({ role: 'tool', tool_call_id: toolCall.id, content: formatToolResult(outcome) });
      }
      if (request.signal.aborted) break;
    }
  } catch (error) {
    if (request.signal.aborted) return;
    const tail = renumberer.flush();
    if (tail) yield { type: 'text', delta: tail };
    throw error;
  }
  const tail = renumberer.flush();
  if (tail) yield { type: 'text', delta: tail };
}
