import { useState } from 'preact/hooks';
import { STAFF_AGENT_ROUTES } from '@prex/protocol/wire';
import type { ImportResponse } from '@prex/protocol';
import { api, ApiError, messageOf } from '../api.js';

type Outcome = { result: ImportResponse } | { error: string; issues: { path: string; message: string }[] } | null;

const ACTION_WORDS = { create: 'new', update: 'changes', unchanged: 'unchanged' } as const;

/**
 * Every agent as one YAML document: download it, edit it, bring it back (a file or a paste).
 * Preview shows what would change without changing it; the server's errors name each bad field.
 */
export function YamlPanel({ canEdit, onImported }: { canEdit: boolean; onImported(): void }) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);

  async function upload(dryRun: boolean) {
    setBusy(true);
    setOutcome(null);
    try {
      const body = new Blob([text], { type: 'application/yaml' });
      const result = await api<ImportResponse>('POST', `${STAFF_AGENT_ROUTES.import}${dryRun ? '?dryRun=1' : ''}`, body);
      setOutcome({ result });
      if (!dryRun) onImported();
    } catch (error) {
      setOutcome({ error: error instanceof ApiError ? error.message : messageOf(error), issues: error instanceof ApiError ? error.issues : [] });
    } finally {
      setBusy(false);
    }
  }
  async function readFile(event: Event) {
    const file = (event.currentTarget as HTMLInputElement).files?.[0];
    if (file) setText(await file.text());
  }

  return (
    <section aria-labelledby="yaml-heading" class="stack">
      <h2 id="yaml-heading">YAML</h2>
      <p>
        <a href={STAFF_AGENT_ROUTES.export} download="agents.yaml">
          Export agents.yaml
        </a>
      </p>
      {canEdit && (
        <>
          <label>
            Import a file
            <input type="file" accept=".yaml,.yml,application/yaml,text/yaml,text/plain" onChange={readFile} />
          </label>
          <label>
            Or paste the YAML
            <textarea rows={8} value={text} onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)} spellcheck={false} class="code" />
          </label>
          <div class="row">
            <button type="button" class="secondary" disabled={busy || !text.trim()} onClick={() => upload(true)}>
              Preview changes
            </button>
            <button type="button" disabled={busy || !text.trim()} onClick={() => upload(false)}>
              Import
            </button>
          </div>
        </>
      )}
      {outcome && 'result' in outcome && (
        <div role="status" class="ok" data-testid="import-result">
          <p>{outcome.result.dryRun ? 'Nothing changed yet. Import would make:' : 'Imported:'}</p>
          <ul>
            {outcome.result.changes.map((c) => (
              <li key={c.name}>
                {c.name}: {ACTION_WORDS[c.action]}
                {c.action === 'update' && ` (${c.fields.join(', ')})`}
              </li>
            ))}
          </ul>
        </div>
      )}
      {outcome && 'error' in outcome && (
        <div role="alert" class="error" data-testid="import-error">
          <p>{outcome.error}</p>
          {outcome.issues.length > 1 && (
            <ul>
              {outcome.issues.map((issue) => (
                <li key={issue.path}>
                  {issue.path ? `${issue.path}: ` : ''}
                  {issue.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
