import type { Agent } from '../agents/agent.js';
import { resolveAgent } from '../agents/repository.js';
import { createClassifier, type Classifier } from '../classification/index.js';
import type { Config } from '../config.js';
import type { CustomerProfile } from '../customers/profile.js';
import { customerOfSession } from '../customers/repository.js';
import type { Db } from '../db/db.js';
import { createEscalation, type NewEscalation, type StoredEscalation } from '../handoff/repository.js';
import type { Logger } from '../logger.js';
import type { ModelGateway } from '../model/gateway.js';
import { runToolCall, toOpenAITools, toolsFor } from '../tools/registry.js';
import { createUsageRecorder, type UsageRecorder } from '../usage/index.js';

/**
 * The other features the answer run composes (see docs/design/agent-and-customers.md, "Backend
 * seams"). Injectable so a test or bench can swap one; the defaults are the real implementations.
 */
export interface AnsweringSeams {
  resolveAgent(db: Db, tenantId: string, name?: string): Promise<Agent>;
  customerOfSession(db: Db, tenantId: string, sessionId: string): Promise<CustomerProfile | null>;
  createEscalation(db: Db, input: NewEscalation): Promise<StoredEscalation>;
  tools: { toolsFor: typeof toolsFor; toOpenAITools: typeof toOpenAITools; runToolCall: typeof runToolCall };
  classifier: Classifier;
  usage: UsageRecorder;
}

/** The real seams, with any given ones in their place. */
export function defaultSeams(deps: { config: Config; db: Db; log: Logger; gateway: ModelGateway | null }, given: Partial<AnsweringSeams> = {}): AnsweringSeams {
  const usage = given.usage ?? createUsageRecorder(deps.db, deps.config, deps.log);
  return {
    resolveAgent,
    customerOfSession,
    createEscalation,
    tools: { toolsFor, toOpenAITools, runToolCall },
    classifier: given.classifier ?? createClassifier({ config: deps.config, gateway: deps.gateway, log: deps.log }),
    usage,
    ...given,
  };
}
