import { STAFF_AGENT_ROUTES } from '@prex/protocol/wire';
import type { AgentResponse } from '@prex/protocol';
import { api } from '../api.js';
import { useAction } from '../use-action.js';

/** Creates an agent by name; its settings start from the defaults and are edited next. */
export function NewAgent({ onCreated }: { onCreated(agent: AgentResponse): void }) {
  const create = useAction();
  async function submit(event: Event) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const name = String(new FormData(form).get('name')).trim();
    if (await create.run(async () => onCreated(await api<AgentResponse>('POST', STAFF_AGENT_ROUTES.agents, { name })))) form.reset();
  }
  return (
    <form class="stack" onSubmit={submit} noValidate>
      <label>
        New agent's name
        <input name="name" placeholder="sales" autoComplete="off" />
      </label>
      <button type="submit" disabled={create.busy}>
        Create agent
      </button>
      {create.error && (
        <p role="alert" class="error">
          {create.error}
        </p>
      )}
    </form>
  );
}
