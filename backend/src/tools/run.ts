import type { ToolCallRecord, ToolContext, ToolDefinition, ToolOutcome } from './types.js';

/** A call as the model made it: arguments are the provider's JSON text. */
export interface ToolCallRequest {
  id: string;
  name: string;
  arguments: string;
}

/** Tool results go back into the prompt and into messages.tool_calls: keep both small. */
export const MAX_RESULT_CHARS = 8000;
const MAX_RAW_ARGUMENT_CHARS = 2000;
/** A tool that takes longer is reported as failed, so the answer is not held up. */
export const TOOL_TIMEOUT_MS = 10_000;

export interface ToolCallRun {
  record: ToolCallRecord;
  outcome: ToolOutcome;
}

/**
 * Runs one tool call from the model. Never throws: an unknown or not-allowed tool, arguments that
 * are not JSON or not valid, a tool that fails or hangs all become a failed outcome whose error
 * tells the model what went wrong (and nothing of our internals).
 */
export async function runToolCall(defs: readonly ToolDefinition[], call: ToolCallRequest, ctx: ToolContext): Promise<ToolCallRun> {
  const parsed = parseArguments(call.arguments);
  const finish = (outcome: ToolOutcome): ToolCallRun => ({ record: toRecord(call, parsed.ok ? parsed.value : clipRaw(call.arguments), outcome), outcome });

  const def = defs.find((d) => d.name === call.name);
  if (!def) {
    const allowed = defs.map((d) => d.name).join(', ') || 'none';
    return finish({ status: 'failed', error: `Unknown tool "${call.name}". Tools available: ${allowed}.` });
  }
  if (!parsed.ok) return finish({ status: 'failed', error: `The arguments are not valid JSON: ${parsed.error}` });

  const args = def.parameters.safeParse(parsed.value);
  if (!args.success) {
    const problems = args.error.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; ');
    return finish({ status: 'failed', error: `Invalid arguments for ${def.name}: ${problems}` });
  }
  return finish(bounded(await runGuarded(def, args.data, ctx)));
}

type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

/** Providers send "" for a call without arguments. */
function parseArguments(text: string): Parsed {
  if (text.trim() === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

async function runGuarded(def: ToolDefinition, args: unknown, ctx: ToolContext): Promise<ToolOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ToolOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ status: 'failed', error: `${def.name} took too long; try again later.` }), TOOL_TIMEOUT_MS);
  });
  try {
    return await Promise.race([def.run(args, ctx), timeout]);
  } catch (err) {
    ctx.log.error('tool failed', { tool: def.name, tenantId: ctx.tenantId, error: err instanceof Error ? err.stack : String(err) });
    return { status: 'failed', error: `${def.name} failed because of an internal error; do not retry it now.` };
  } finally {
    clearTimeout(timer);
  }
}

/** Replaces a result too large for the prompt with a marked, cut preview of it. */
function bounded(outcome: ToolOutcome): ToolOutcome {
  if (outcome.status === 'failed') return outcome;
  const text = JSON.stringify(outcome.result) ?? 'null';
  if (text.length <= MAX_RESULT_CHARS) return outcome;
  return { ...outcome, result: { truncated: true, preview: text.slice(0, MAX_RESULT_CHARS) } };
}

function clipRaw(text: string): string {
  return text.length <= MAX_RAW_ARGUMENT_CHARS ? text : `${text.slice(0, MAX_RAW_ARGUMENT_CHARS)}…`;
}

function toRecord(call: ToolCallRequest, args: unknown, outcome: ToolOutcome): ToolCallRecord {
  return {
    id: call.id,
    name: call.name,
    arguments: args,
    status: outcome.status,
    ...(outcome.status === 'failed' ? { error: outcome.error } : { result: outcome.result }),
    at: new Date().toISOString(),
  };
}

/** The `content` of the tool message sent back to the model for this outcome. */
export function toolResultContent(outcome: ToolOutcome): string {
  if (outcome.status === 'failed') return JSON.stringify({ status: 'failed', error: outcome.error });
  return JSON.stringify({ status: outcome.status, result: outcome.result });
}
