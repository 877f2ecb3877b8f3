import { useState } from 'preact/hooks';
import { SOLUTION_ROUTES } from '@prex/protocol/wire';
import type { AnalyticsResponse } from '@prex/protocol';
import { api } from '../api.js';
import { SolutionForm } from '../components/solution-form.js';

type Gap = AnalyticsResponse['contentGaps'][number];

/**
 * The questions the bot declined, each one click from being answered: a solution written here is
 * searched like the knowledge base, so the next visitor asking it gets this answer, cited. A
 * longer answer belongs in a document: the Knowledge page takes those.
 */
export function ContentGaps({ gaps }: { gaps: Gap[] }) {
  const [writing, setWriting] = useState<string | null>(null);
  const [saved, setSaved] = useState<Set<string>>(new Set());
  if (gaps.length === 0) return <p class="muted">None in this range.</p>;
  return (
    <>
      <p class="muted">
        Answer one with a solution, or <a href="/console/knowledge">add a document</a> that covers it.
      </p>
      <table data-testid="content-gaps">
        <caption class="visually-hidden">Declined questions, most asked first</caption>
        <thead>
          <tr>
            <th scope="col">Question</th>
            <th scope="col">Asked</th>
            <th scope="col">Last asked</th>
            <th scope="col">
              <span class="visually-hidden">Answer it</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {gaps.map((g) => (
            <GapRow
              key={g.question}
              gap={g}
              writing={writing === g.question}
              saved={saved.has(g.question)}
              onWrite={() => setWriting(writing === g.question ? null : g.question)}
              onSaved={() => {
                setWriting(null);
                setSaved(new Set(saved).add(g.question));
              }}
            />
          ))}
        </tbody>
      </table>
    </>
  );
}

function GapRow(props: { gap: Gap; writing: boolean; saved: boolean; onWrite(): void; onSaved(): void }) {
  const { gap } = props;
  return (
    <>
      <tr>
        <td>{gap.question}</td>
        <td>{gap.count}</td>
        <td>{new Date(gap.lastAskedAt).toLocaleString()}</td>
        <td>
          {props.saved ? (
            <span class="ok" role="status" data-testid="gap-solution-saved">
              Solution saved
            </span>
          ) : (
            <button type="button" aria-expanded={props.writing} onClick={props.onWrite}>
              Write a solution
            </button>
          )}
        </td>
      </tr>
      {props.writing && (
        <tr>
          <td colSpan={4} data-testid="gap-solution-form">
            <SolutionForm
              initial={{ question: gap.question, answer: '' }}
              submitLabel="Save solution"
              onCancel={props.onWrite}
              onSave={async (body) => {
                await api('POST', SOLUTION_ROUTES.solutions, body);
                props.onSaved();
              }}
            />
          </td>
        </tr>
      )}
    </>
  );
}
