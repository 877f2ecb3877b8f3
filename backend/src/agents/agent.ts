import type { PersonaDraft } from '@prex/protocol';

/** An agent as the answering pipeline uses it (a row of `agents`, defaults applied). */
export interface Agent {
  id: string;
  tenantId: string;
  /** Slug the widget and the API pick it by, e.g. 'support'. */
  name: string;
  isDefault: boolean;
  persona: string;
  instructions: string;
  /** Null: the configured default model (OPENAI_MODEL). */
  model: string | null;
  /** Null: the provider's default. */
  temperature: number | null;
  retrieval: boolean;
  /** Only documents carrying one of these tags are searched; empty = the whole knowledge base. */
  knowledgeFilter: { tags: string[] };
  /** Tool names (tools/registry.ts) this agent may call. */
  tools: string[];
}

/** An agent with what only the admin routes show: the pending persona draft and timestamps. */
export interface AgentRecord extends Agent {
  personaDraft: PersonaDraft | null;
  createdAt: Date;
  updatedAt: Date;
}
