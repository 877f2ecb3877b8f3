import type { Solution, SolutionVersion } from '@prex/protocol';
import type { Db } from '../db/db.js';

/** The only code that reads or writes the solutions tables; every query is scoped by tenant. */

interface SolutionRow {
  id: string;
  question: string;
  answer: string;
  session_id: string | null;
  document_id: string;
  version: number;
  updated_by: string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

interface VersionRow {
  version: number;
  question: string;
  answer: string;
  created_by: string | null;
  created_at: Date | string;
}

const COLUMNS = 'id, question, answer, session_id, document_id, version, updated_by, created_at, updated_at';
const iso = (value: Date | string): string => new Date(value).toISOString();

function toSolution(row: SolutionRow): Solution {
  return {
    id: row.id,
    question: row.question,
    answer: row.answer,
    sessionId: row.session_id,
    version: row.version,
    documentId: row.document_id,
    updatedBy: row.updated_by,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export interface NewSolution {
  id: string;
  tenantId: string;
  question: string;
  answer: string;
  sessionId: string | null;
  documentId: string;
  staffId: string;
}

export async function insertSolution(db: Db, input: NewSolution): Promise<Solution> {
  const rows = await db.query<SolutionRow>(
    `insert into solutions (id, tenant_id, question, answer, session_id, document_id, updated_by)
     values ($1, $2, $3, $4, $5, $6, $7) returning ${COLUMNS}`,
    [input.id, input.tenantId, input.question, input.answer, input.sessionId, input.documentId, input.staffId],
  );
  const solution = toSolution(rows[0]!);
  await insertVersion(db, input.tenantId, solution, input.staffId);
  return solution;
}

/** Replaces the text with a new version (the earlier ones stay in solution_versions). */
export async function updateSolution(db: Db, scope: { tenantId: string; id: string; staffId: string }, text: { question: string; answer: string }): Promise<Solution | undefined> {
  const rows = await db.query<SolutionRow>(
    `update solutions set question = $3, answer = $4, version = version + 1, updated_by = $5, updated_at = now()
      where tenant_id = $1 and id = $2 returning ${COLUMNS}`,
    [scope.tenantId, scope.id, text.question, text.answer, scope.staffId],
  );
  const solution = rows[0] && toSolution(rows[0]);
  if (solution) await insertVersion(db, scope.tenantId, solution, scope.staffId);
  return solution;
}

async function insertVersion(db: Db, tenantId: string, solution: Solution, staffId: string): Promise<void> {
  await db.query(
    `insert into solution_versions (tenant_id, solution_id, version, question, answer, created_by)
     values ($1, $2, $3, $4, $5, $6)`,
    [tenantId, solution.id, solution.version, solution.question, solution.answer, staffId],
  );
}

/** The solution; `forUpdate` locks its row until the transaction ends (edits of one solution take turns). */
export async function findSolution(db: Db, tenantId: string, id: string, opts: { forUpdate?: boolean } = {}): Promise<Solution | undefined> {
  const rows = await db.query<SolutionRow>(`select ${COLUMNS} from solutions where tenant_id = $1 and id = $2${opts.forUpdate ? ' for update' : ''}`, [tenantId, id]);
  return rows[0] && toSolution(rows[0]);
}

/** Newest version first. */
export async function listVersions(db: Db, tenantId: string, id: string): Promise<SolutionVersion[]> {
  const rows = await db.query<VersionRow>(
    `select version, question, answer, created_by, created_at from solution_versions
      where tenant_id = $1 and solution_id = $2 order by version desc`,
    [tenantId, id],
  );
  return rows.map((r) => ({ version: r.version, question: r.question, answer: r.answer, createdBy: r.created_by, createdAt: iso(r.created_at) }));
}

/** Most recently changed first. */
export async function listSolutions(db: Db, tenantId: string, page: { limit: number; offset: number }): Promise<{ solutions: Solution[]; total: number }> {
  const [rows, count] = await Promise.all([
    db.query<SolutionRow>(`select ${COLUMNS} from solutions where tenant_id = $1 order by updated_at desc, id limit $2 offset $3`, [tenantId, page.limit, page.offset]),
    db.query<{ n: number | string }>('select count(*) as n from solutions where tenant_id = $1', [tenantId]),
  ]);
  return { solutions: rows.map(toSolution), total: Number(count[0]?.n ?? 0) };
}
