import { AGENT_TOOL_NAMES, STAFF_AGENT_ROUTES } from '@prex/protocol/wire';
import type { AgentResponse } from '@prex/protocol';
import { api, path } from '../api.js';
import { useAction } from '../use-action.js';

const TOOL_LABELS: Record<(typeof AGENT_TOOL_NAMES)[number], string> = {
  lookup_customer: 'Look up the verified customer',
  search_products: 'Search the product catalogue',
  handoff_to_human: 'Offer a handoff to the team',
};

/** A number field's text as the request sends it: empty is null (the default); not a number goes as typed, for the server to name. */
function numberOrText(text: string): number | string | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const value = Number(trimmed);
  return Number.isNaN(value) ? trimmed : value;
}

/** The fields of the form as PATCH …/:name takes them. */
function settingsOf(form: FormData) {
  const text = (name: string) => String(form.get(name) ?? '');
  return {
    persona: text('persona'),
    instructions: text('instructions'),
    model: text('model').trim() || null,
    temperature: numberOrText(text('temperature')),
    retrieval: form.get('retrieval') === 'on',
    knowledgeFilter: { tags: text('tags').split(',').map((t) => t.trim()).filter(Boolean) },
    tools: AGENT_TOOL_NAMES.filter((tool) => form.get(`tool-${tool}`) === 'on'),
    ...(form.get('isDefault') === 'on' ? { isDefault: true } : {}),
  };
}

/**
 * One agent's settings. Staff who may not change agents see the same form read-only. The server
 * validates: its message (and each field's) is shown as it is, in words.
 */
export function AgentForm({ agent, canEdit, onSaved }: { agent: AgentResponse; canEdit: boolean; onSaved(agent: AgentResponse): void }) {
  const save = useAction();
  async function submit(event: Event) {
    event.preventDefault();
    const body = settingsOf(new FormData(event.currentTarget as HTMLFormElement));
    await save.run(async () => onSaved(await api<AgentResponse>('PATCH', path(STAFF_AGENT_ROUTES.agent, { name: agent.name }), body)));
  }
  return (
    <form key={`${agent.name}-${agent.updatedAt}`} class="stack" onSubmit={submit} noValidate aria-label={`Settings of ${agent.name}`}>
      <fieldset class="stack" disabled={!canEdit || save.busy}>
        <legend class="visually-hidden">Settings of {agent.name}</legend>
        <div class="field">
          <label for="agent-persona">Persona</label>
          <textarea id="agent-persona" name="persona" rows={4} defaultValue={agent.persona} placeholder="Tone, vocabulary, sign-offs" />
        </div>
        <div class="field">
          <label for="agent-instructions">Instructions</label>
          <textarea id="agent-instructions" name="instructions" rows={4} defaultValue={agent.instructions} placeholder="Rules this agent follows" />
        </div>
        <div class="row">
          <div class="field">
            <label for="agent-model">Model</label>
            <input id="agent-model" name="model" defaultValue={agent.model ?? ''} placeholder="the server's default" />
          </div>
          <div class="field">
            <label for="agent-temperature">Temperature (0–2)</label>
            <input id="agent-temperature" name="temperature" inputMode="decimal" defaultValue={agent.temperature === null ? '' : String(agent.temperature)} placeholder="the model's default" />
          </div>
          <div class="field">
            <label for="agent-tags">Knowledge tags (comma-separated)</label>
            <input id="agent-tags" name="tags" defaultValue={agent.knowledgeFilter.tags.join(', ')} placeholder="every document" />
          </div>
        </div>
        <label class="check">
          <input type="checkbox" name="retrieval" defaultChecked={agent.retrieval} /> Answer from the knowledge base (retrieval)
        </label>
        <fieldset class="row">
          <legend>Tools</legend>
          {AGENT_TOOL_NAMES.map((tool) => (
            <label key={tool} class="check">
              <input type="checkbox" name={`tool-${tool}`} defaultChecked={agent.tools.includes(tool)} /> {TOOL_LABELS[tool]}
            </label>
          ))}
        </fieldset>
        {!agent.isDefault && (
          <label class="check">
            <input type="checkbox" name="isDefault" /> Make this the default agent (it answers the widget)
          </label>
        )}
        {canEdit && (
          <div class="row">
            <button type="submit">Save agent</button>
          </div>
        )}
      </fieldset>
      {save.error && (
        <p role="alert" class="error">
          {save.error}
        </p>
      )}
    </form>
  );
}
