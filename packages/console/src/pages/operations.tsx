import { useState } from 'preact/hooks';
import { OPERATIONS_ROUTES } from '@prex/protocol/wire';
import type { ConfigEntry, OperationsHealthResponse, OperationsLogLine, OperationsOverviewResponse } from '@prex/protocol';
import { api, messageOf } from '../api.js';
import { useAsync } from '../use-async.js';

const STATE_WORDS = { ok: 'OK', degraded: 'Degraded', off: 'Off' } as const;
const DEPENDENCY_WORDS = { database: 'Database', mail: 'Mail (SMTP)', model: 'Model (LLM endpoint)', embeddings: 'Embeddings' } as const;

const when = (iso: string) => new Date(iso).toLocaleString();

/**
 * How the Prex instance serving this page is doing (owners and admins): its dependencies checked
 * now, this workspace's ingestion jobs, its recent log lines, and the configuration it runs with
 * (secrets never leave the server). The log is the instance's own: another instance keeps its own.
 */
export default function OperationsPage() {
  const [overview, setOverview] = useState<OperationsOverviewResponse | null>(null);
  const load = useAsync(async () => setOverview(await api<OperationsOverviewResponse>('GET', OPERATIONS_ROUTES.overview)), []);
  return (
    <main class="page stack operations">
      <h1>Operations</h1>
      <Health />
      {load.error ? <p role="alert">{messageOf(load.error)}</p> : null}
      {load.running && <p class="muted" role="status">Loading…</p>}
      {overview && <Overview overview={overview} />}
    </main>
  );
}

/** Checked when the page opens and on demand; each check has its own timeout on the server. */
function Health() {
  const [report, setReport] = useState<OperationsHealthResponse | null>(null);
  const [round, setRound] = useState(0);
  const check = useAsync(async () => setReport(await api<OperationsHealthResponse>('GET', OPERATIONS_ROUTES.health)), [round]);
  return (
    <section aria-labelledby="health-heading">
      <h2 id="health-heading">Health</h2>
      <div class="row">
        <button type="button" onClick={() => setRound((r) => r + 1)} disabled={check.running}>
          Check again
        </button>
        <span class="muted" role="status">
          {check.running ? 'Checking…' : report ? `Checked ${when(report.checkedAt)}` : ''}
        </span>
      </div>
      {check.error ? <p role="alert">{messageOf(check.error)}</p> : null}
      {report && (
        <table data-testid="health">
          <caption class="visually-hidden">Dependencies of this instance</caption>
          <thead>
            <tr>
              <th scope="col">Dependency</th>
              <th scope="col">State</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {report.checks.map((c) => (
              <tr key={c.name} data-testid="health-row" data-name={c.name} data-state={c.state}>
                <th scope="row">{DEPENDENCY_WORDS[c.name]}</th>
                <td class={c.state === 'ok' ? 'ok' : c.state === 'degraded' ? 'error' : 'muted'}>{STATE_WORDS[c.state]}</td>
                <td>{c.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Overview({ overview }: { overview: OperationsOverviewResponse }) {
  const { instance, logs } = overview;
  return (
    <>
      <p class="muted">
        This instance started {when(instance.startedAt)} and runs Node {instance.node}.
      </p>
      <Jobs jobs={overview.jobs} />
      <section aria-labelledby="logs-heading">
        <h2 id="logs-heading">Recent log lines</h2>
        {logs.capturing ? (
          <p class="muted">
            From this instance only: each instance keeps its last {logs.capacity} lines in memory, for every workspace together, and forgets them on
            restart. You see the lines about this workspace, and the server's own lines without any workspace's details.
          </p>
        ) : (
          <p class="muted">This instance keeps no log lines in memory; read its log where it is collected.</p>
        )}
        <h3>Warnings and errors</h3>
        <LogTable lines={logs.errors} label="Recent warnings and errors, newest first" testId="log-errors" empty="No warnings or errors." />
        <h3>All levels</h3>
        <LogTable lines={logs.lines} label="Recent log lines, newest first" testId="log-lines" empty="No lines yet." />
      </section>
      <section aria-labelledby="config-heading">
        <h2 id="config-heading">Configuration</h2>
        <p class="muted">What this instance runs with, read-only: it is set by environment variables. Secrets are never shown, only whether they are set.</p>
        <Settings entries={overview.runtime} label="Runtime" testId="runtime" />
        <Settings entries={overview.config} label="Effective configuration" testId="config" />
      </section>
    </>
  );
}

function Jobs({ jobs }: { jobs: OperationsOverviewResponse['jobs'] }) {
  return (
    <section aria-labelledby="jobs-heading">
      <h2 id="jobs-heading">Ingestion jobs</h2>
      <p class="muted">
        Documents of this workspace being read and indexed, newest first. Their files are on the <a href="/console/knowledge">Knowledge</a> page.
      </p>
      {jobs.length === 0 ? (
        <p class="muted">No ingestion jobs yet.</p>
      ) : (
        <table data-testid="jobs">
          <caption class="visually-hidden">Ingestion jobs, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">From</th>
              <th scope="col">State</th>
              <th scope="col">Files</th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((j) => (
              <tr key={j.id} data-testid="job">
                <td>{when(j.createdAt)}</td>
                <td>{j.origin === 'cli' ? 'command line' : 'API'}</td>
                <td>{j.status}</td>
                <td>
                  {j.counts.ready} ready, {j.counts.failed} failed, {j.counts.queued + j.counts.indexing} waiting, of {j.counts.total}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function LogTable({ lines, label, testId, empty }: { lines: OperationsLogLine[]; label: string; testId: string; empty: string }) {
  if (lines.length === 0) return <p class="muted">{empty}</p>;
  return (
    <table data-testid={testId} class="log">
      <caption class="visually-hidden">{label}</caption>
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">Level</th>
          <th scope="col">Message</th>
          <th scope="col">Details</th>
        </tr>
      </thead>
      <tbody>
        {lines.map((l, i) => (
          <tr key={i} data-scope={l.scope}>
            <td>{new Date(l.at).toLocaleTimeString()}</td>
            <td class={l.level === 'error' || l.level === 'warn' ? 'error' : undefined}>{l.level}</td>
            <td>{l.message}</td>
            <td class="details">
              {Object.entries(l.fields)
                .map(([k, v]) => `${k}=${v}`)
                .join(' ')}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Settings({ entries, label, testId }: { entries: ConfigEntry[]; label: string; testId: string }) {
  return (
    <table data-testid={testId}>
      <caption>{label}</caption>
      <tbody>
        {entries.map((e) => (
          <tr key={e.name}>
            <th scope="row">{e.name}</th>
            <td class={e.redacted ? 'muted' : undefined}>{e.value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
