import { z } from 'zod';
import { DEPENDENCY_NAMES, DEPENDENCY_STATES } from './operations-wire.js';

export { DEPENDENCY_NAMES, DEPENDENCY_STATES, OPERATIONS_LIMITS, OPERATIONS_ROUTES } from './operations-wire.js';

/** One dependency as checked just now. `reason` is words for a person, never a driver's message. */
export const dependencyHealthSchema = z.object({
  name: z.enum(DEPENDENCY_NAMES),
  state: z.enum(DEPENDENCY_STATES),
  reason: z.string(),
});
export type DependencyHealth = z.infer<typeof dependencyHealthSchema>;

/** GET /v1/staff/operations/health */
export const operationsHealthResponseSchema = z.object({
  checkedAt: z.iso.datetime(),
  checks: z.array(dependencyHealthSchema),
});
export type OperationsHealthResponse = z.infer<typeof operationsHealthResponseSchema>;

/** A setting as this instance runs with it; a secret's value is never sent (`redacted`, value says whether it is set). */
export const configEntrySchema = z.object({ name: z.string(), value: z.string(), redacted: z.boolean() });
export type ConfigEntry = z.infer<typeof configEntrySchema>;

/**
 * A log line of this instance: `scope` 'tenant' is about the viewer's workspace; 'instance' is about
 * the server itself and keeps only fields that name no workspace.
 */
export const operationsLogLineSchema = z.object({
  at: z.iso.datetime(),
  level: z.enum(['debug', 'info', 'warn', 'error']),
  message: z.string(),
  fields: z.record(z.string(), z.string()),
  scope: z.enum(['tenant', 'instance']),
});
export type OperationsLogLine = z.infer<typeof operationsLogLineSchema>;

/** An ingestion job of the workspace, with its items counted by state. */
export const operationsJobSchema = z.object({
  id: z.string(),
  origin: z.enum(['api', 'cli']),
  status: z.enum(['queued', 'running', 'done']),
  counts: z.object({ total: z.number(), queued: z.number(), indexing: z.number(), ready: z.number(), failed: z.number() }),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

/** GET /v1/staff/operations */
export const operationsOverviewResponseSchema = z.object({
  instance: z.object({ startedAt: z.iso.datetime(), uptimeSeconds: z.number(), node: z.string() }),
  runtime: z.array(configEntrySchema),
  config: z.array(configEntrySchema),
  logs: z.object({
    /** false: this instance keeps no lines in memory (started without the ring). */
    capturing: z.boolean(),
    /** Lines the instance keeps, for all workspaces together; the oldest go first. */
    capacity: z.number(),
    lines: z.array(operationsLogLineSchema),
    errors: z.array(operationsLogLineSchema),
  }),
  jobs: z.array(operationsJobSchema),
});
export type OperationsOverviewResponse = z.infer<typeof operationsOverviewResponseSchema>;
