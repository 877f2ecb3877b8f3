import { useState } from 'preact/hooks';
import { STAFF_AGENT_ROUTES } from '@prex/protocol/wire';
import type { AgentListResponse, AgentResponse } from '@prex/protocol';
import { api, messageOf } from '../api.js';
import { session } from '../auth.js';
import { useAsync } from '../use-async.js';
import { AgentForm } from './agent-form.js';
import { DeleteAgent } from './delete-agent.js';
import { NewAgent } from './new-agent.js';
import { PersonaDraft } from './persona-draft.js';
import { TryIt } from './try-it.js';
import { YamlPanel } from './yaml-panel.js';

/**
 * The workspace's agents: who answers the widget and how. Every role reads them and tries them;
 * owners and admins create, edit, delete, import and apply persona drafts (the server enforces it; the
 * page only spares the others buttons that would answer 403).
 */
export default function AgentsPage() {
  const [agents, setAgents] = useState<AgentResponse[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const load = useAsync(async () => setAgents((await api<AgentListResponse>('GET', STAFF_AGENT_ROUTES.agents)).agents), [version]);
  const canEdit = session.value?.account.role !== 'agent';
  const current = agents.find((a) => a.name === selected) ?? agents[0];
  const reload = () => setVersion((v) => v + 1);
  // One agent changed: a new default unsets the old one, so the list is read again then.
  const replace = (agent: AgentResponse) => {
    setAgents((all) => all.map((a) => (a.name === agent.name ? agent : a)));
    if (agent.isDefault && !current?.isDefault) reload();
  };

  return (
    <main class="page agents">
      <h1>Agents</h1>
      <p class="muted">Each agent answers with its own persona, instructions, model and knowledge. The default one answers the widget unless the page names another.</p>
      {load.error ? <p role="alert">{messageOf(load.error)}</p> : null}
      <div class="agents-layout">
        <nav aria-label="Agents" class="stack">
          <ul class="tabs stack">
            {agents.map((a) => (
              <li key={a.name}>
                <button type="button" aria-pressed={a.name === current?.name} onClick={() => setSelected(a.name)}>
                  {a.name}
                  {a.isDefault ? ' (default)' : ''}
                </button>
              </li>
            ))}
          </ul>
          {canEdit && (
            <NewAgent
              onCreated={(agent) => {
                setSelected(agent.name);
                reload();
              }}
            />
          )}
        </nav>
        {current && (
          <section aria-labelledby="agent-heading" class="stack">
            <h2 id="agent-heading">{current.name}</h2>
            <AgentForm key={current.name} agent={current} canEdit={canEdit} onSaved={replace} />
            <PersonaDraft key={current.name} agent={current} canEdit={canEdit} onChanged={replace} />
            <TryIt agent={current.name} />
            {canEdit && (
              <DeleteAgent
                key={current.name}
                agent={current}
                onDeleted={() => {
                  setSelected(null);
                  reload();
                }}
              />
            )}
          </section>
        )}
      </div>
      <YamlPanel canEdit={canEdit} onImported={reload} />
    </main>
  );
}
