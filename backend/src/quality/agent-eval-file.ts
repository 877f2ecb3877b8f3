import { parseDocument } from 'yaml';
import { z } from 'zod';
import { agentNameSchema, handoffStatusSchema, messageTextSchema } from '@prex/protocol';

/**
 * The agent regression-test file (`prex eval agent FILE`): YAML, validated here, with errors that
 * name the case (number and name) and the field, so a tenant can fix the file without guessing.
 *
 *   agent: support            # optional; --agent overrides it
 *   cases:
 *     - name: refund window
 *       turns: [How long do refunds take?]   # or {text, expect} per turn
 *       expect: {cites: [refunds], mentions: [five business days, /\d+ days/i], handoff: false}
 */

/** A text or `/regex/flags` expectation, compiled once. Plain text matches case- and spacing-insensitively. */
export interface Matcher {
  /** As written in the file, for reports. */
  label: string;
  pattern: RegExp;
}

const REGEX_LITERAL = /^\/(.+)\/([a-z]*)$/s;

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const matcherSchema = z
  .string({ error: 'must be a text or a /regular expression/' })
  .trim()
  .min(1, 'is empty')
  .transform((label, ctx): Matcher => {
    const literal = REGEX_LITERAL.exec(label);
    if (!literal) return { label, pattern: new RegExp(label.split(/\s+/).map(escapeRegExp).join('\\s+'), 'iu') };
    try {
      return { label, pattern: new RegExp(literal[1]!, literal[2]) };
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `is not a valid regular expression: ${(error as Error).message}` });
      return z.NEVER;
    }
  });

const handoffExpectationSchema = z.union([z.boolean(), handoffStatusSchema], {
  error: 'handoff must be true, false, or one of offered, proposed, open',
});

export const expectationsSchema = z
  .strictObject({
    /** Documents the answer must cite: external id, title, document id or URL. */
    cites: z.array(z.string().trim().min(1, 'is empty'), { error: 'cites must be a list of documents' }).optional(),
    mentions: z.array(matcherSchema, { error: 'mentions must be a list of texts or /regexes/' }).optional(),
    notMentions: z.array(matcherSchema, { error: 'notMentions must be a list of texts or /regexes/' }).optional(),
    /** true: the agent handed off (proposed or open); false: it did not; a status: exactly that. */
    handoff: handoffExpectationSchema.optional(),
    /** Whether the answer was grounded in the knowledge base. */
    grounded: z.boolean({ error: 'grounded must be true or false' }).optional(),
  })
  .refine((e) => Object.values(e).some((v) => v !== undefined), 'expect is empty: give cites, mentions, notMentions, handoff or grounded');
export type Expectations = z.output<typeof expectationsSchema>;
export type HandoffStatus = z.infer<typeof handoffStatusSchema>;
export type HandoffExpectation = boolean | HandoffStatus;

/** A turn is a message text, or {text, expect} when that turn is judged too. */
const turnSchema = z.preprocess(
  (turn) => (typeof turn === 'string' ? { text: turn } : turn),
  z.strictObject({ text: messageTextSchema, expect: expectationsSchema.optional() }, { error: 'each turn must be a message text or {text, expect}' }),
);

const caseSchema = z
  .strictObject({
    name: z.string({ error: 'name is required' }).trim().min(1, 'name is empty').max(200, 'name is longer than 200 characters'),
    turns: z.array(turnSchema, { error: 'turns must be a list of user messages' }).min(1, 'turns is empty').max(50, 'at most 50 turns per case'),
    /** The expectations of the last turn. */
    expect: expectationsSchema.optional(),
  })
  .transform((c, ctx) => {
    const turns = c.turns.map((t) => ({ text: t.text, expect: t.expect }));
    const last = turns.at(-1)!;
    if (c.expect && last.expect) {
      ctx.addIssue({ code: 'custom', path: ['expect'], message: 'the last turn has its own expect: put its expectations in one place' });
      return z.NEVER;
    }
    if (c.expect) last.expect = c.expect;
    if (!turns.some((t) => t.expect)) {
      ctx.addIssue({ code: 'custom', path: ['expect'], message: 'no expectations: add expect to the case or to a turn' });
      return z.NEVER;
    }
    return { name: c.name, turns };
  });

export const agentEvalFileSchema = z
  .strictObject(
    {
      agent: agentNameSchema.optional(),
      cases: z.array(caseSchema, { error: 'cases must be a list' }).min(1, 'cases is empty').max(1000, 'at most 1000 cases per file'),
    },
    { error: (issue) => (issue.code === 'invalid_type' ? 'the file must be a YAML mapping with cases (and optionally agent)' : undefined) },
  )
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.cases.forEach((c, i) => {
      if (seen.has(c.name)) ctx.addIssue({ code: 'custom', path: ['cases', i, 'name'], message: `another case is already named "${c.name}"` });
      seen.add(c.name);
    });
  });
export type AgentEvalFile = z.output<typeof agentEvalFileSchema>;
export type EvalCase = AgentEvalFile['cases'][number];

/** The file is not usable; `problems` are one line each, naming where. */
export class EvalFileError extends Error {
  override name = 'EvalFileError';
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.join('; ')}`);
  }
}

/** "case 3 (refund window), expect.mentions[0]" for a zod path inside cases. */
function describePath(path: ReadonlyArray<PropertyKey>, raw: unknown): string {
  const [root, index, ...rest] = path;
  const field = (keys: ReadonlyArray<PropertyKey>) => keys.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i ? '.' : ''}${String(k)}`)).join('');
  if (root !== 'cases' || typeof index !== 'number') return field(path) || '(top level)';
  const name = (raw as { cases?: Array<{ name?: unknown }> })?.cases?.[index]?.name;
  const label = `case ${index + 1}${typeof name === 'string' && name.trim() ? ` (${name.trim()})` : ''}`;
  return rest.length ? `${label}, ${field(rest)}` : label;
}

/** Parses and validates a case file's text; throws EvalFileError listing every problem. */
export function parseAgentEvalFile(text: string, file: string): AgentEvalFile {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    // Keep the first line of yaml's message; say where ourselves, in the same words as the other errors.
    const what = (e: (typeof doc.errors)[number]) => e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new EvalFileError(file, doc.errors.map((e) => `YAML syntax error${e.linePos ? ` at line ${e.linePos[0].line}, column ${e.linePos[0].col}` : ''}: ${what(e)}`));
  }
  const raw: unknown = doc.toJS();
  const parsed = agentEvalFileSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new EvalFileError(file, parsed.error.issues.map((issue) => `${describePath(issue.path, raw)}: ${issue.message}`));
}
