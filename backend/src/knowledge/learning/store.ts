import type { Db } from '../../db/db.js';
import { newId } from '../../ids.js';

/** The only code that reads or writes learned_questions (migration 036); every query is scoped by tenant. */

export type LearnedSourceKind = 'rated_up' | 'marked_good' | 'solution' | 'eval_case';

/** What a question was learned from: removing it removes exactly what it taught. */
export interface LearnedSource {
  kind: LearnedSourceKind;
  /** The answer's message id (rated_up, marked_good), the solution's id, or the eval case's name. */
  id: string;
}

/** Where a question is attached: a cited chunk (with its document), or a document whose best chunk is picked. */
export interface LearnedTarget {
  documentId: string;
  chunkId?: string | undefined;
}

/** A learned question is cut here: a longer one is not made more precise by its tail. */
export const MAX_LEARNED_CHARS = 1000;

/**
 * Replaces what `source` taught with `question` attached to each target (one per document; a
 * target whose chunk is gone is anchored to its document's best-matching chunk, one whose document
 * is gone is skipped). Runs in one transaction: a search sees the old rows or the new ones.
 */
export async function replaceLearned(db: Db, tenantId: string, source: LearnedSource, question: string, targets: readonly LearnedTarget[]): Promise<number> {
  const text = question.replace(/\s+/g, ' ').trim().slice(0, MAX_LEARNED_CHARS);
  return db.transaction(async (tx) => {
    await forgetSource(tx, tenantId, source);
    if (text === '' || targets.length === 0) return 0;
    const rows = await tx.query<{ id: string }>(
      `insert into learned_questions (id, tenant_id, source_kind, source_id, message_id, solution_id, question, document_id, chunk_id, language)
       select distinct on (d.id) t.id, $1, $2, $3,
              case when $2 in ('rated_up', 'marked_good') then $3 end, case when $2 = 'solution' then $3 end,
              $4, d.id, c.id,
              coalesce(c.language, (select c2.language from chunks c2 where c2.tenant_id = $1 and c2.document_id = d.id order by c2.ordinal limit 1), 'english'::regconfig)
         from unnest($5::text[], $6::text[], $7::text[]) with ordinality as t(id, document_id, chunk_id, ord)
         join documents d on d.tenant_id = $1 and d.id = t.document_id
         left join chunks c on c.tenant_id = $1 and c.id = t.chunk_id and c.document_id = d.id
        order by d.id, (c.id is null), t.ord
       on conflict do nothing
       returning id`,
      [tenantId, source.kind, source.id, text, targets.map(() => newId('lq')), targets.map((t) => t.documentId), targets.map((t) => t.chunkId ?? null)],
    );
    await anchorLearnedQuestions(tx, tenantId);
    return rows.length;
  });
}

/** Removes what `source` taught. */
export async function forgetSource(db: Db, tenantId: string, source: LearnedSource): Promise<void> {
  await db.query('delete from learned_questions where tenant_id = $1 and source_kind = $2 and source_id = $3', [tenantId, source.kind, source.id]);
}

/** A learned question's lexemes as an OR tsquery (each quoted: a stored text never shapes the query). */
const QUESTION_QUERY = `(select string_agg('''' || replace(replace(x, '\\', '\\\\'), '''', '''''') || '''', ' | ')
                           from unnest(tsvector_to_array(l.tsv)) as u(x))::tsquery`;

/**
 * Attaches the learned questions that have no chunk (their chunk was replaced by a re-ingest of its
 * document, or the citation named none) to the chunk of their document that matches them best
 * (ties: the first). Call inside the transaction that wrote the chunks: `documentIds` limits it to
 * those documents.
 */
export async function anchorLearnedQuestions(tx: Db, tenantId: string, documentIds?: readonly string[]): Promise<void> {
  await tx.query(
    `update learned_questions l set chunk_id = (
        select c.id from chunks c where c.tenant_id = l.tenant_id and c.document_id = l.document_id
         order by ts_rank(c.tsv, coalesce(${QUESTION_QUERY}, ''::tsquery)) desc, c.ordinal limit 1)
      where l.tenant_id = $1 and l.chunk_id is null and ($2::text[] is null or l.document_id = any($2::text[]))`,
    [tenantId, documentIds ? [...documentIds] : null],
  );
}

export interface LearnedQuestion {
  question: string;
  source: LearnedSource;
  documentId: string;
  chunkId: string | null;
}

/** The tenant's learned questions, newest first (tests, admin). */
export async function listLearned(db: Db, tenantId: string, limit = 100): Promise<LearnedQuestion[]> {
  const rows = await db.query<{ question: string; source_kind: LearnedSourceKind; source_id: string; document_id: string; chunk_id: string | null }>(
    `select question, source_kind, source_id, document_id, chunk_id from learned_questions
      where tenant_id = $1 order by created_at desc, id limit $2`,
    [tenantId, limit],
  );
  return rows.map((r) => ({ question: r.question, source: { kind: r.source_kind, id: r.source_id }, documentId: r.document_id, chunkId: r.chunk_id }));
}
