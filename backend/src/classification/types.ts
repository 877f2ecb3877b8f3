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
  /** Takes the write of a model call's usage row, which the caller awaits later (see ModelGateway.complete). */
  recordLater?: (write: Promise<void>) => void;
}

/** Labels a user message. Never throws: a model failure falls back to the rules. */
export interface Classifier {
  classify(text: string, ctx: ClassifyContext): Promise<Classification>;
}
