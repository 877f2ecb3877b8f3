import { STAFF_AGENT_ROUTES } from '@prex/protocol/wire';
import type { AgentResponse, PersonaDraftResponse } from '@prex/protocol';
import { api, path } from '../api.js';
import { useAction } from '../use-action.js';

/**
 * A persona drafted from the team's past replies, beside the current one. The draft only becomes
 * the persona when someone presses Apply: a draft is a suggestion to read, not a change.
 */
export function PersonaDraft({ agent, canEdit, onChanged }: { agent: AgentResponse; canEdit: boolean; onChanged(agent: AgentResponse): void }) {
  const action = useAction();
  const url = (template: string) => path(template, { name: agent.name });
  const draftNow = () =>
    action.run(async () => {
      const { draft } = await api<PersonaDraftResponse>('POST', url(STAFF_AGENT_ROUTES.personaDraft));
      onChanged({ ...agent, personaDraft: draft });
    });
  const apply = () => action.run(async () => onChanged(await api<AgentResponse>('POST', url(STAFF_AGENT_ROUTES.applyPersonaDraft))));
  const draft = agent.personaDraft;

  return (
    <section aria-labelledby="draft-heading" class="stack">
      <h3 id="draft-heading">Persona from the team's replies</h3>
      {draft ? (
        <div class="side-by-side">
          <div>
            <h4>Current persona</h4>
            <p class="secret" data-testid="current-persona">
              {agent.persona || '(none)'}
            </p>
          </div>
          <div>
            <h4>Draft</h4>
            <p class="secret" data-testid="persona-draft">
              {draft.text}
            </p>
            <p class="muted">
              Written by {draft.source === 'model' ? 'the model' : 'rules'} from {draft.basedOnReplies} replies, {new Date(draft.createdAt).toLocaleString()}.
            </p>
          </div>
        </div>
      ) : (
        <p class="muted">No draft waiting. A draft reads how your team writes to customers and suggests a persona in that voice.</p>
      )}
      {canEdit && (
        <div class="row">
          <button type="button" class="secondary" disabled={action.busy} onClick={draftNow}>
            {draft ? 'Draft again' : 'Draft a persona'}
          </button>
          {draft && (
            <button type="button" disabled={action.busy} onClick={apply}>
              Apply draft
            </button>
          )}
        </div>
      )}
      {action.error && (
        <p role="alert" class="error">
          {action.error}
        </p>
      )}
    </section>
  );
}
