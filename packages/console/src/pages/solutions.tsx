import { useState } from 'preact/hooks';
import { SOLUTION_ROUTES } from '@prex/protocol/wire';
import type { Solution, SolutionDetailResponse, SolutionListResponse } from '@prex/protocol';
import { api, messageOf, path } from '../api.js';
import { SolutionForm } from '../components/solution-form.js';
import { useAsync } from '../use-async.js';

/**
 * Solutions: questions and the team's answers to them, searched alongside the knowledge base so
 * the bot answers the next visitor with them (and cites them). Editable; every edit keeps a version.
 */
export default function SolutionsPage() {
  const [solutions, setSolutions] = useState<Solution[]>([]);
  const [version, setVersion] = useState(0);
  const load = useAsync(async () => setSolutions((await api<SolutionListResponse>('GET', `${SOLUTION_ROUTES.solutions}?limit=200`)).solutions), [version]);
  const reload = () => setVersion((v) => v + 1);
  return (
    <main class="page">
      <h1>Solutions</h1>
      <p class="muted">The bot answers with these when a visitor asks the same, and cites them. Save one from a resolved conversation, or write one here.</p>
      {load.error ? <p role="alert">{messageOf(load.error)}</p> : null}
      {!load.running && solutions.length === 0 && <p class="muted">No solutions yet.</p>}
      <ul class="solutions">
        {solutions.map((s) => (
          <SolutionItem key={s.id} solution={s} onChanged={reload} />
        ))}
      </ul>
      <h2>New solution</h2>
      <SolutionForm submitLabel="Save solution" onSave={async (body) => void (await api('POST', SOLUTION_ROUTES.solutions, body), reload())} />
    </main>
  );
}

function SolutionItem({ solution, onChanged }: { solution: Solution; onChanged(): void }) {
  const [editing, setEditing] = useState(false);
  const [history, setHistory] = useState<SolutionDetailResponse['versions'] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const url = path(SOLUTION_ROUTES.solution, { solutionId: solution.id });
  const run = (work: () => Promise<void>) => work().catch((err: unknown) => setError(messageOf(err)));

  return (
    <li class="solution" data-testid="solution">
      {editing ? (
        <SolutionForm
          initial={solution}
          submitLabel="Save changes"
          onCancel={() => setEditing(false)}
          onSave={async (body) => {
            await api('PATCH', url, { question: body.question, answer: body.answer });
            setEditing(false);
            onChanged();
          }}
        />
      ) : (
        <>
          <h3>{solution.question}</h3>
          <p class="text">{solution.answer}</p>
          <p class="muted">
            Version {solution.version} · {new Date(solution.updatedAt).toLocaleString()}
            {solution.sessionId && (
              <>
                {' · '}
                <a href={`/console/inbox/${solution.sessionId}`}>from a conversation</a>
              </>
            )}
          </p>
          <div class="row">
            <button type="button" onClick={() => setEditing(true)}>
              Edit
            </button>
            <button type="button" onClick={() => run(async () => setHistory(history ? null : (await api<SolutionDetailResponse>('GET', url)).versions))} aria-expanded={history !== null}>
              {history ? 'Hide versions' : 'Versions'}
            </button>
            <button
              type="button"
              onClick={() =>
                confirm(`Delete the solution “${solution.question}”? The bot stops using it at once.`) &&
                run(async () => {
                  await api('DELETE', url);
                  onChanged();
                })
              }
            >
              Delete
            </button>
          </div>
        </>
      )}
      {history && (
        <ol class="versions" aria-label="Versions, newest first">
          {history.map((v) => (
            <li key={v.version}>
              <strong>Version {v.version}</strong> · {new Date(v.createdAt).toLocaleString()}
              <p class="text">
                <em>{v.question}</em> — {v.answer}
              </p>
            </li>
          ))}
        </ol>
      )}
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
    </li>
  );
}
