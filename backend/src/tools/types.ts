import type { z } from 'zod';
import type { Db } from '../db/db.js';
import type { Logger } from '../logger.js';

/** Who a tool runs for. Every tool scopes what it reads and writes to exactly this. */
export interface ToolContext {
  db: Db;
  log: Logger;
  tenantId: string;
  sessionId: string;
  /** The verified customer linked to the session, or null (anonymous). */
  customerId: string | null;
  agentId: string;
  /** The user message being answered. */
  userMessageId: string;
}

/**
 * What a tool returns to the model. `needsConfirmation` is for tools that change something: they
 * never act on the model's word alone; they record a proposal the visitor must confirm in the widget.
 */
export type ToolOutcome =
  | { status: 'done'; result: unknown }
  | { status: 'failed'; error: string }
  | { status: 'needs-confirmation'; result: unknown; handoff?: { escalationId: string; reason: string } };

export interface ToolDefinition<Args = unknown> {
  name: string;
  /** Shown to the model. */
  description: string;
  /** Validates the model's arguments; converted to JSON Schema for the provider (z.toJSONSchema). */
  parameters: z.ZodType<Args>;
  /** 'read' tools run when the model calls them; 'write' tools only propose (needs-confirmation). */
  effect: 'read' | 'write';
  run(args: Args, ctx: ToolContext): Promise<ToolOutcome>;
}

/** A tool call as persisted with the answer (messages.tool_calls) and shown to the tenant. */
export interface ToolCallRecord {
  id: string;
  name: string;
  /** The arguments as the model sent them (parsed JSON, or the raw string when unparseable). */
  arguments: unknown;
  status: ToolOutcome['status'];
  result?: unknown;
  error?: string;
  at: string;
}
