import type { LabelSource, MessageLabel } from '@prex/protocol';

export interface Classification {
  label: MessageLabel;
  source: LabelSource;
}

export interface ClassifyContext {
  tenantId: string;
  agentId: string | null;
  sessionId: string;
  messageId: string;
  signal?: AbortSignal;
}

/** Labels a user message. Never throws: a model failure falls back to the rules. */
export interface Classifier {
  classify(text: string, ctx: ClassifyContext): Promise<Classification>;
}
