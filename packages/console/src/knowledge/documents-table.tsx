import { useState } from 'preact/hooks';
import { STAFF_KNOWLEDGE_ROUTES } from '@prex/protocol/wire';
import type { DocumentSummaryInfo } from '@prex/protocol';
import { api, messageOf, path } from '../api.js';
import { DocumentVersions } from './document-versions.js';

/** The documents with their status, tags and versions; owners and admins retag and delete them. */
export function DocumentsTable({ documents, canManage, onChanged }: { documents: DocumentSummaryInfo[]; canManage: boolean; onChanged(): void }) {
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Document</th>
          <th scope="col">Status</th>
          <th scope="col">Tags</th>
          <th scope="col">Versions</th>
          {canManage && <th scope="col">Actions</th>}
        </tr>
      </thead>
      <tbody>
        {documents.map((d) => (
          <DocumentRow key={d.documentId} document={d} canManage={canManage} onChanged={onChanged} />
        ))}
      </tbody>
    </table>
  );
}

function DocumentRow({ document: d, canManage, onChanged }: { document: DocumentSummaryInfo; canManage: boolean; onChanged(): void }) {
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const url = path(STAFF_KNOWLEDGE_ROUTES.document, { documentId: d.documentId });
  const run = (work: Promise<unknown>) => work.then(onChanged, (e: unknown) => setError(messageOf(e)));
  return (
    <>
      <tr data-testid="document" data-external-id={d.externalId}>
        <td>
          <strong>{d.title}</strong>
          <div class="muted">{d.externalId}</div>
        </td>
        <td>
          <span class="status" data-testid="document-status">{d.status}</span>
          {d.error && <div class="error">{d.error}</div>}
        </td>
        <td>{canManage ? <TagsEditor document={d} onSave={(tags) => run(api('PATCH', url, { tags }))} /> : d.tags.join(', ') || '—'}</td>
        <td>
          <button type="button" class="link" aria-expanded={open} onClick={() => setOpen(!open)}>
            {d.version} {d.version === 1 ? 'version' : 'versions'}
          </button>
        </td>
        {canManage && (
          <td>
            <button type="button" onClick={() => confirm(`Delete “${d.title}”? The bot stops using it at once.`) && run(api('DELETE', url))}>
              Delete
            </button>
          </td>
        )}
      </tr>
      {(open || error) && (
        <tr>
          <td colSpan={5}>
            {error && <p role="alert" class="error">{error}</p>}
            {open && <DocumentVersions documentId={d.documentId} />}
          </td>
        </tr>
      )}
    </>
  );
}

function TagsEditor({ document: d, onSave }: { document: DocumentSummaryInfo; onSave(tags: string[]): void }) {
  const [text, setText] = useState(d.tags.join(', '));
  const changed = text !== d.tags.join(', ');
  return (
    <form class="row" onSubmit={(e) => (e.preventDefault(), onSave(text.split(',').map((t) => t.trim()).filter(Boolean)))}>
      <label>
        <span class="visually-hidden">Tags of {d.title} (comma-separated)</span>
        <input value={text} size={16} onInput={(e) => setText(e.currentTarget.value)} />
      </label>
      {changed && <button type="submit">Save tags</button>}
    </form>
  );
}
