import { useState } from 'preact/hooks';
import { STAFF_KNOWLEDGE_ROUTES } from '@prex/protocol/wire';
import type { StaffKnowledgeSearchResponse, StaffSearchPassage } from '@prex/protocol';
import { api } from '../api.js';
import { useAction } from '../use-action.js';
import { Highlighted } from './highlight.js';

/** Ask what a visitor would ask: the passages the bot would draw on, best first, with their scores. */
export function TestSearch() {
  const [q, setQ] = useState('');
  const [passages, setPassages] = useState<StaffSearchPassage[] | null>(null);
  const action = useAction();
  const search = (e: Event) => {
    e.preventDefault();
    void action.run(async () => setPassages((await api<StaffKnowledgeSearchResponse>('GET', `${STAFF_KNOWLEDGE_ROUTES.search}?q=${encodeURIComponent(q)}&limit=10`)).passages));
  };
  return (
    <section aria-labelledby="search-title">
      <h2 id="search-title">Test search</h2>
      <form class="row" role="search" onSubmit={search}>
        <label>
          Question
          <input type="search" value={q} maxLength={1000} required onInput={(e) => setQ(e.currentTarget.value)} />
        </label>
        <button type="submit" disabled={action.busy}>
          Search
        </button>
      </form>
      {action.error && <p role="alert" class="error">{action.error}</p>}
      {passages?.length === 0 && <p class="muted">Nothing in the knowledge base matches.</p>}
      {passages && passages.length > 0 && (
        <ol class="passages" aria-label="Passages, best first">
          {passages.map((p) => (
            <li key={p.chunkId} data-testid="passage">
              <strong>
                <Highlighted text={p.title} words={p.matchedWords} />
              </strong>
              {p.section && <span class="muted"> · {p.section}</span>}
              <span class="badge" data-testid="score" title="Confidence that the passage answers the question; answers need 0.5 or more">
                score {p.score.toFixed(2)}
              </span>
              <p class="text">
                <Highlighted text={p.snippet} words={p.matchedWords} />
              </p>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
