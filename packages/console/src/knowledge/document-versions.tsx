import { useState } from 'preact/hooks';
import { STAFF_KNOWLEDGE_ROUTES } from '@prex/protocol/wire';
import type { DocumentDetailResponse, StaffDocumentDiffResponse } from '@prex/protocol';
import { api, messageOf, path } from '../api.js';
import { useAsync } from '../use-async.js';

/** A document's versions, newest first, each with what changed since the one before it. */
export function DocumentVersions({ documentId }: { documentId: string }) {
  const [detail, setDetail] = useState<DocumentDetailResponse | null>(null);
  const load = useAsync(async () => setDetail(await api<DocumentDetailResponse>('GET', path(STAFF_KNOWLEDGE_ROUTES.document, { documentId }))), [documentId]);
  if (load.error) return <p role="alert" class="error">{messageOf(load.error)}</p>;
  if (!detail) return <p class="muted">Loading…</p>;
  return (
    <ol class="versions" aria-label="Versions, newest first">
      {detail.versions.map((v) => (
        <li key={v.version}>
          <strong>Version {v.version}</strong> · {new Date(v.createdAt).toLocaleString()} · {v.chunkCount} passages · {v.byteSize} bytes
          {v.version > 1 && <Changes documentId={documentId} to={v.version} />}
        </li>
      ))}
    </ol>
  );
}

const MARK = { add: '+ ', del: '− ', same: '  ' } as const;

function Changes({ documentId, to }: { documentId: string; to: number }) {
  const [diff, setDiff] = useState<StaffDocumentDiffResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const toggle = () =>
    diff
      ? setDiff(null)
      : api<StaffDocumentDiffResponse>('GET', `${path(STAFF_KNOWLEDGE_ROUTES.diff, { documentId })}?from=${to - 1}&to=${to}`).then(setDiff, (e: unknown) => setError(messageOf(e)));
  return (
    <>
      {' '}
      <button type="button" class="link" aria-expanded={diff !== null} onClick={toggle}>
        Changes from version {to - 1}
      </button>
      {error && <p role="alert" class="error">{error}</p>}
      {diff && (
        <div data-testid="diff">
          <p class="muted">
            {diff.added} lines added, {diff.removed} removed{diff.truncated ? ' (the diff is cut short)' : ''}
          </p>
          <pre class="diff">
            {diff.changes.map((c, i) =>
              c.op === 'skip' ? (
                <span key={i} class="muted">⋯ {c.count} unchanged lines{'\n'}</span>
              ) : (
                <span key={i}>
                  {c.op === 'add' ? <ins>{MARK.add + c.text}</ins> : c.op === 'del' ? <del>{MARK.del + c.text}</del> : MARK.same + c.text}
                  {'\n'}
                </span>
              ),
            )}
          </pre>
        </div>
      )}
    </>
  );
}
