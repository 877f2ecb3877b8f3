import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/**
 * The question sets `prex eval retrieval`, `answers` and `--learn` read: the FeedbackQA format
 * (passages, and questions that each point to one relevant passage), checked with messages that
 * name the file and each problem.
 */

const passageId = z.union([z.number(), z.string()], { error: 'must be a number or a string' });

const evalFileSchema = z.object({
  passages: z.array(
    z.object({
      passage_id: passageId,
      uri: z.string().optional().nullable(),
      reference: z.object({
        page_title: z.string().optional().nullable(),
        section_headers: z.array(z.string()).optional().nullable(),
        section_content: z.string(),
      }),
    }),
  ),
  examples: z.array(z.object({ question: z.string(), passage_id: passageId })),
});

export type EvalFile = z.infer<typeof evalFileSchema>;

/** A parsed question set (no file to name in errors: the bench's own reader). */
export function parseEvalFile(json: unknown): EvalFile {
  return evalFileSchema.parse(json);
}

/** Where the format is explained, for error messages. */
const FORMAT_HELP = 'see "Question sets for prex eval retrieval" in README.md';

/**
 * Reads a question set, or throws an error naming the file and each problem (the field's path, an
 * example pointing to a passage the file does not have) instead of a zod dump.
 */
export async function readEvalFile(file: string): Promise<EvalFile> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new Error(`${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not JSON (${(error as Error).message}); ${FORMAT_HELP}`);
  }
  const parsed = evalFileSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`)).join('').replace(/^\./, '')}: ${i.message}`);
    throw new Error(`${file} is not a FeedbackQA-format question set (${FORMAT_HELP}):\n${problems.join('\n')}`);
  }
  const known = new Set(parsed.data.passages.map((p) => String(p.passage_id)));
  const unknown = [...new Set(parsed.data.examples.map((e) => String(e.passage_id)).filter((id) => !known.has(id)))];
  if (unknown.length > 0) {
    throw new Error(`${file}: examples point to passage_id ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''}, not among its passages`);
  }
  return parsed.data;
}
