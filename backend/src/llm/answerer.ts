import type { Answerer as AnswererKind } from '@prex/protocol';
import type { ChatCompletionTool } from 'openai/resources/chat/completions';
import type { Agent } from '../agents/agent.js';
import type { CustomerProfile } from '../customers/profile.js';
import type { Passage } from '../knowledge/passage.js';
import type { ToolCallRecord, ToolOutcome } from '../tools/types.js';
import type { ModelCallReport, ModelToolCall } from '../model/streamed-call.js';

/** One earlier message of the conversation, oldest first. */
export interface PriorTurn {
  role: 'user' | 'assistant';
  text: string;
}

/** What of the agent shapes the prompt and the model call. */
export type AgentProfile = Pick<Agent, 'name' | 'persona' | 'instructions' | 'model' | 'temperature'>;

/** What of the customer the prompt may mention (never ids, emails or notes). */
export type CustomerFacts = Pick<CustomerProfile, 'name' | 'interests' | 'preferences'>;


/** The agent's tools, bound to the conversation they run for (tenant, session, customer). */
export interface Toolbox {
  /** The schemas offered to the model. */
  specs: ChatCompletionTool[];
  /** Runs (or, for a tool that changes something, only proposes) one call; never throws. */
  run(call: ModelToolCall): Promise<{ record: ToolCallRecord; outcome: ToolOutcome }>;
}


export interface AnswerRequest {
  question: string;
  /** Retrieved passages, best first; the answerer decides which are relevant enough to use. */
  passages: Passage[];
  history: PriorTurn[];
  /**
   * False when retrieval is off (agent or tenant): a plain chat with the model, no passages and
   * no citations. Default true (answers grounded in the knowledge base).
   */
  retrieval?: boolean;
  /** Aborted when the user stops the answer (or the server shuts down). */
  signal: AbortSignal;
  /** The agent answering; absent = no persona, the configured model. */
  agent?: AgentProfile;
  /** What is known of a verified customer; null or absent for an anonymous visitor. */
  customer?: CustomerFacts | null;
  /** Tools the model may call; absent = none. */
  tools?: Toolbox;
  /** Hosts whose Markdown images the answer may carry (the tenant's setting); absent: none. */
  imageHosts?: readonly string[];
  /** Called once per model call, whatever its outcome (usage accounting). */
  onModelCall?: (report: ModelCallReport) => void;
  /** The answer is a draft for the support team to edit and send (the console's copilot), not sent to the visitor as is. */
  draft?: DraftRequest;
}

/** What a draft for staff adds to an answer: the staff member's wish for it ("shorter"). */
export interface DraftRequest {
  instruction?: string | undefined;
}

/** A piece of the answer, in the order it happened. */
export type AnswerPart =
  | { type: 'text'; delta: string }
  | { type: 'tool'; record: ToolCallRecord; outcome: ToolOutcome };

/** An answer that has committed to a strategy and is ready to stream. */
export interface Answer {
  answerer: AnswererKind;
  /**
   * Whether the answer is drawn from the knowledge base or a tool's result, as known when the
   * answer commits (before its text): false with nothing relevant and no useful tool result yet,
   * or with retrieval off.
   */
  grounded: boolean;
  /**
   * True when the answer cited no passage and used no tool result, so it can only be "I couldn't
   * find that" (a human is offered). Complete once `parts` is exhausted.
   */
  unanswered(): boolean;
  /**
   * Text and tool calls, in order. Ends early (without throwing) when the signal aborts; throws
   * when the provider fails after text has started.
   */
  parts: AsyncIterable<AnswerPart>;
  /**
   * Passages cited by the text streamed so far, in marker order: the n-th passage is what `[n]`
   * in the text refers to. Complete once `parts` is exhausted.
   */
  citedPassages(): Passage[];
}

/**
 * Turns a question and retrieved passages into a streamed, cited answer. `answer` resolves once
 * the strategy is settled (e.g. the model produced its first token, or we fell back), so the
 * caller can announce which answerer is speaking before any text.
 */
export interface Answerer {
  readonly kind: AnswererKind;
  answer(request: AnswerRequest): Promise<Answer>;
}

/** Thrown when a model stream goes silent mid-answer; its message is safe to show the visitor. */
export class AnswerStalledError extends Error {
  override name = 'AnswerStalledError';
  readonly userMessage = 'Sorry, the answer stopped arriving and was cut short. Please try again.';
}

export type { ModelCallReport, ModelToolCall } from '../model/streamed-call.js';
