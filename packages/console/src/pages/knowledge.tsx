import { useState } from 'preact/hooks';
import { SOLUTION_ROUTES, STAFF_KNOWLEDGE_ROUTES } from '@prex/protocol/wire';
import type { DocumentListResponse, Solution, SolutionListResponse } from '@prex/protocol';
import { api, messageOf } from '../api.js';
import { session } from '../auth.js';
import { DocumentsTable } from '../knowledge/documents-table.js';
import { TestSearch } from '../knowledge/test-search.js';
import { Uploads } from '../knowledge/uploads.js';
import { useAsync } from '../use-async.js';

/**
 * The knowledge base the bot answers from: its documents (status, tags, versions and what changed),
 * uploads, a test search, and the team's solutions beside them. Everyone reads and searches;
 * owners and admins upload, retag and delete.
 */
export default function KnowledgePage() {
  const canManage = session.value?.account.role !== 'agent';
  const [documents, setDocuments] = useState<DocumentListResponse['documents'] | null>(null);
  const [solutions, setSolutions] = useState<Solution[]>([]);
  const [version, setVersion] = useState(0);
  const reload = () => setVersion((v) => v + 1);
  const load = useAsync(async () => {
    const [docs, sols] = await Promise.all([
      api<DocumentListResponse>('GET', STAFF_KNOWLEDGE_ROUTES.documents),
      api<SolutionListResponse>('GET', `${SOLUTION_ROUTES.solutions}?limit=50`),
    ]);
    setDocuments(docs.documents);
    setSolutions(sols.solutions);
  }, [version]);

  return (
    <main class="page knowledge">
      <h1>Knowledge base</h1>
      <p class="muted">What the bot answers from. A document’s status is “ready” once it is searchable.</p>
      {load.error ? <p role="alert">{messageOf(load.error)}</p> : null}
      <div class="knowledge-grid">
        <section aria-labelledby="documents-title">
          <h2 id="documents-title">Documents</h2>
          {documents?.length === 0 && <p class="muted">No documents yet.</p>}
          {documents && documents.length > 0 && <DocumentsTable documents={documents} canManage={canManage} onChanged={reload} />}
        </section>
        <aside aria-labelledby="solutions-title">
          <h2 id="solutions-title">Solutions</h2>
          {solutions.length === 0 ? <p class="muted">No solutions yet.</p> : null}
          <ul>
            {solutions.map((s) => (
              <li key={s.id}>{s.question}</li>
            ))}
          </ul>
          <a href="/console/solutions">Edit solutions</a>
        </aside>
      </div>
      {canManage && <Uploads onIndexed={reload} />}
      <TestSearch />
    </main>
  );
}
