import { SOLUTION_EXTERNAL_ID_PREFIX } from '@prex/protocol';
import type { DocumentInput } from '../knowledge/ingest.js';

/** The knowledge-base document a solution is searched and cited as. */
export function solutionExternalId(solutionId: string): string {
  return `${SOLUTION_EXTERNAL_ID_PREFIX}${solutionId}`;
}

/**
 * A solution as a document: titled with the question (what a citation shows, and a field the
 * search weighs), its content the question as a heading then the answer. The heading keeps the
 * question's words in the chunk for search while the extractive answerer, which skips headings,
 * quotes only the answer. No url: the citation points at nothing a visitor could open.
 */
export function solutionDocument(solutionId: string, text: { question: string; answer: string }): DocumentInput {
  const heading = text.question.replace(/\s+/g, ' ').trim();
  return { externalId: solutionExternalId(solutionId), title: heading, content: `# ${heading}\n\n${text.answer.trim()}\n` };
}
