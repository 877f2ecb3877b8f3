import { useState } from 'preact/hooks';
import { ANALYTICS_ROUTES } from '@prex/protocol/wire';
import type { AnalyticsResponse, AnalyticsUsageGroup } from '@prex/protocol';
import { api, messageOf } from '../api.js';
import { BarChart } from '../analytics/bar-chart.js';
import { ContentGaps } from '../analytics/content-gaps.js';
import { downloadCsv } from '../analytics/csv.js';
import { useAsync } from '../use-async.js';

const OUTCOMES = [
  { key: 'aiResolved', label: 'Resolved by the bot', color: 'var(--ok)' },
  { key: 'handedOver', label: 'Handed over', color: 'var(--accent)' },
  { key: 'unanswered', label: 'Unanswered', color: 'var(--danger)' },
];

const LABEL_NAMES: Record<string, string> = {
  question: 'Question',
  complaint: 'Complaint',
  human_request: 'Asked for a person',
  small_talk: 'Small talk',
  abuse: 'Abuse',
  other: 'Other',
};

const percent = (part: number, whole: number) => (whole ? `${Math.round((part / whole) * 100)}%` : '–');
const usd = (n: number) => `$${n < 1 && n > 0 ? n.toFixed(4) : n.toFixed(2)}`;

function duration(seconds: number | null): string {
  if (seconds === null) return '–';
  if (seconds < 90) return `${seconds} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/**
 * How support is going over a range of days: conversations by outcome, the wait for a person,
 * ratings, labels, the questions the knowledge base could not answer, and (owners and admins) cost.
 */
export default function AnalyticsPage() {
  const [range, setRange] = useState('');
  const [report, setReport] = useState<AnalyticsResponse | null>(null);
  const load = useAsync(async () => setReport(await api<AnalyticsResponse>('GET', `${ANALYTICS_ROUTES.analytics}${range}`)), [range]);

  function apply(event: Event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    setRange(`?${new URLSearchParams({ from: String(form.get('from')), to: String(form.get('to')) })}`);
  }

  return (
    <main class="page analytics">
      <h1>Analytics</h1>
      <form class="row" onSubmit={apply} aria-label="Date range">
        <label>
          From
          <input type="date" name="from" required key={`f${report?.from}`} defaultValue={report?.from} />
        </label>
        <label>
          To
          <input type="date" name="to" required key={`t${report?.to}`} defaultValue={report?.to} />
        </label>
        <button type="submit">Show</button>
        {report && (
          <button type="button" onClick={() => downloadCsv(report)}>
            Download CSV
          </button>
        )}
      </form>
      <p class="muted">Days are UTC. A conversation counts on the day of its first message.</p>
      {load.error ? <p role="alert">{messageOf(load.error)}</p> : null}
      {load.running && <p class="muted" role="status">Loading…</p>}
      {/* The figures of an earlier range are not shown under a refused one. */}
      {report && !load.error && <Report report={report} />}
    </main>
  );
}

function Report({ report }: { report: AnalyticsResponse }) {
  const { totals, firstStaffReply: reply, ratings, usage } = report;
  return (
    <>
      <dl class="figures" data-testid="figures">
        <Figure term="Conversations" value={totals.conversations} />
        <Figure term="Resolved by the bot" value={totals.aiResolved} note={percent(totals.aiResolved, totals.conversations)} />
        <Figure term="Handed over" value={totals.handedOver} note={percent(totals.handedOver, totals.conversations)} />
        <Figure term="Unanswered" value={totals.unanswered} note={percent(totals.unanswered, totals.conversations)} />
        <Figure term="First staff reply (median)" value={duration(reply.medianSeconds)} note={`${reply.replied} replied, ${reply.waiting} waiting`} />
        <Figure term="Ratings" value={`👍 ${ratings.up} · 👎 ${ratings.down}`} />
      </dl>
      <BarChart title="Conversations per day" rows={report.days} series={OUTCOMES} />
      <p class="muted">
        Handed over: a person was brought in. Unanswered: no person, and the bot declined at least one question (no grounded answer). Resolved by the
        bot: the rest.
      </p>

      <h2>Questions the knowledge base could not answer</h2>
      <ContentGaps gaps={report.contentGaps} />

      <h2>Recent comments</h2>
      {ratings.recentComments.length === 0 ? (
        <p class="muted">No comments in this range.</p>
      ) : (
        <ul class="comments">
          {ratings.recentComments.map((c) => (
            <li key={c.messageId}>
              <span aria-label={c.rating === 'up' ? 'Thumbs up' : 'Thumbs down'}>{c.rating === 'up' ? '👍' : '👎'}</span> {c.comment}{' '}
              <a class="muted" href={`/console/inbox/${c.sessionId}`}>
                {new Date(c.at).toLocaleString()}
              </a>
            </li>
          ))}
        </ul>
      )}

      <h2>Labels</h2>
      <table>
        <caption class="visually-hidden">Visitor messages by label</caption>
        <tbody>
          {report.labels.labels.map((label) => (
            <tr key={label}>
              <th scope="row">{LABEL_NAMES[label] ?? label}</th>
              <td>{report.labels.totals[label]}</td>
            </tr>
          ))}
        </tbody>
      </table>

      {usage && (
        <>
          <h2>Usage and cost</h2>
          <p>
            {usage.totals.calls} model calls, {usage.totals.promptTokens + usage.totals.completionTokens} tokens, {usd(usage.totals.costUsd)}
            {usage.totals.unpricedCalls > 0 && ` (${usage.totals.unpricedCalls} calls of models without a price are not in the cost)`}
          </p>
          <BarChart title="Cost per day (USD)" rows={usage.days} series={[{ key: 'costUsd', label: 'Cost', color: 'var(--accent)' }]} format={usd} />
          <UsageTable caption="By agent" keyName="Agent" rows={usage.agents} />
          <UsageTable caption="By model" keyName="Model" rows={usage.models} />
        </>
      )}
    </>
  );
}

/** Calls, tokens and cost of each agent (or model), most expensive first. */
function UsageTable({ caption, keyName, rows }: { caption: string; keyName: string; rows: AnalyticsUsageGroup[] }) {
  if (rows.length === 0) return null;
  return (
    <table>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{keyName}</th>
          <th scope="col">Calls</th>
          <th scope="col">Tokens</th>
          <th scope="col">Cost</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <th scope="row">{r.key}</th>
            <td>{r.calls}</td>
            <td>{r.promptTokens + r.completionTokens}</td>
            <td>{usd(r.costUsd)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Figure({ term, value, note }: { term: string; value: string | number; note?: string }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd>
        {value}
        {note && <span class="muted"> {note}</span>}
      </dd>
    </div>
  );
}
