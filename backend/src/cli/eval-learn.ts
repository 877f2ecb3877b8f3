// `prex eval … --learn TRAIN.json`: TRAIN's questions go through the product's learning path, as a
// visitor would teach them: each is asked in a conversation, answered with its relevant passage
// cited, and the answer is rated up (feedback/rate-answer.ts, the feedback route's own use case).
import type { Db } from '../db/db.js';
import { createSession } from '../conversations/sessions.js';
import { finishAssistantMessage, insertAssistantMessage, insertUserMessage } from '../conversations/messages.js';
import { rateAnswer } from '../feedback/rate-answer.js';
import { chunkIdsOf } from '../knowledge/repository.js';
import { MAX_SEARCH_LIMIT, type Retrieval } from '../knowledge/search/index.js';
import { passageToCitation } from '../llm/citations.js';
import type { Passage } from '../knowledge/passage.js';
import type { EvalFile } from './eval-file.js';

export interface LearnedFromTrain {
  /** TRAIN's questions learned. */
  learned: number;
  /** TRAIN's questions whose passage is not among FILE's (skipped). */
  skipped: number;
  seconds: number;
}

/**
 * The passage an answer to `question` would cite from `documentId`: the document's chunk that the
 * search ranks best for it, else its first chunk (as a staff member picking the page would).
 */
async function citedChunk(db: Db, retrieval: Retrieval, tenantId: string, question: string, documentId: string): Promise<Passage | undefined> {
  const ids = await chunkIdsOf(db, tenantId, documentId);
  if (ids.length === 1) return chunkPassage(db, tenantId, documentId, ids[0]!);
  const found = await retrieval.search(db, tenantId, question, { limit: MAX_SEARCH_LIMIT });
  const best = found.find((p) => p.documentId === documentId);
  if (best) return best;
  return ids[0] === undefined ? undefined : chunkPassage(db, tenantId, documentId, ids[0]);
}

async function chunkPassage(db: Db, tenantId: string, documentId: string, first: string): Promise<Passage> {
  const rows = await db.query<{ title: string; content: string; section: string | null; external_id: string }>(
    `select c.title, c.content, c.section, d.external_id from chunks c join documents d on d.tenant_id = c.tenant_id and d.id = c.document_id
      where c.tenant_id = $1 and c.id = $2`,
    [tenantId, first],
  );
  const r = rows[0]!;
  return { chunkId: first, documentId, externalId: r.external_id, title: r.title, section: r.section ?? undefined, content: r.content, snippet: r.content.slice(0, 240), score: 1 };
}

/** Teaches every TRAIN question whose passage FILE has, as a rated-up answer citing that passage. */
export async function learnFromTrain(db: Db, retrieval: Retrieval, tenantId: string, train: Pick<EvalFile, 'examples'>, documentOfPassage: ReadonlyMap<string, string>): Promise<LearnedFromTrain> {
  const started = performance.now();
  let learned = 0;
  let skipped = 0;
  for (const example of train.examples) {
    const documentId = documentOfPassage.get(String(example.passage_id));
    const passage = documentId && (await citedChunk(db, retrieval, tenantId, example.question, documentId));
    if (!passage) {
      skipped += 1;
      continue;
    }
    const session = await createSession(db, tenantId);
    await insertUserMessage(db, { tenantId, sessionId: session.id, text: example.question });
    const answer = await insertAssistantMessage(db, { tenantId, sessionId: session.id });
    await finishAssistantMessage(db, { tenantId, messageId: answer.id, text: passage.snippet, sources: [passageToCitation(passage)], status: 'complete', events: [], answerer: 'extractive' });
    const rated = await rateAnswer(db, { tenantId, sessionId: session.id, messageId: answer.id, rating: 'up', comment: null });
    if (typeof rated !== 'object') throw new Error(`could not rate answer ${answer.id}: ${rated}`);
    learned += 1;
  }
  return { learned, skipped, seconds: (performance.now() - started) / 1000 };
}
