import { STAFF_AGENT_ROUTES } from '@prex/protocol/wire';
import type { AgentResponse } from '@prex/protocol';
import { api, path } from '../api.js';
import { useAction } from '../use-action.js';

/**
 * Deletes an agent after a confirmation naming it. The default agent is not offered: the server
 * refuses to delete it until another agent is the default, so the page says how instead.
 */
export function DeleteAgent({ agent, onDeleted }: { agent: AgentResponse; onDeleted(): void }) {
  const remove = useAction();
  if (agent.isDefault) return <p class="muted">The default agent cannot be deleted: make another agent the default first.</p>;
  async function confirmAndDelete() {
    if (!confirm(`Delete the agent “${agent.name}”? It stops answering at once; pages that name it get an error until they name another agent.`)) return;
    if (await remove.run(() => api('DELETE', path(STAFF_AGENT_ROUTES.agent, { name: agent.name })))) onDeleted();
  }
  return (
    <div class="stack">
      <button type="button" onClick={confirmAndDelete} disabled={remove.busy}>
        Delete agent
      </button>
      {remove.error && (
        <p role="alert" class="error">
          {remove.error}
        </p>
      )}
    </div>
  );
}
