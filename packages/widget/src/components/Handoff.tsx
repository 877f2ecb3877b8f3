import type { Store } from '../store.js';

/**
 * Under the conversation: the offer of a human (the knowledge base had nothing), the agent's
 * proposal to hand over (yes / no), or the notice that the team has the conversation.
 * Offer and proposal wait until the answer that brought them has finished.
 */
export function Handoff({ store, focusInput }: { store: Store; focusInput: () => void }) {
  const h = store.handoff.state.value;
  const t = store.strings.value;
  const sending = store.handoff.sending.value;
  if (!h || h.status === 'declined' || (h.status !== 'open' && store.busy.value)) return null;
  if (h.status === 'open') {
    return (
      <p class="prex-note prex-handoff" role="status" data-testid="prex-handoff-open">
        {t.handoffOpen}
      </p>
    );
  }
  // The buttons disappear once answered: keep the keyboard user in the composer, not on <body>.
  const act = (p: Promise<void>) => void p.then(focusInput);
  return (
    <div class="prex-note prex-handoff" data-testid={`prex-handoff-${h.status}`}>
      {h.status === 'proposed' ? (
        <>
          <span>{t.handoffAsk}</span>
          <button type="button" class="prex-retry" data-testid="prex-handoff-yes" disabled={sending} onClick={() => act(store.handoff.answer(true))}>
            {t.handoffYes}
          </button>
          <button type="button" class="prex-retry" data-testid="prex-handoff-no" disabled={sending} onClick={() => act(store.handoff.answer(false))}>
            {t.handoffNo}
          </button>
        </>
      ) : (
        <button type="button" class="prex-retry" data-testid="prex-handoff-ask" disabled={sending} onClick={() => act(store.handoff.ask(h.reason))}>
          {t.talkToHuman}
        </button>
      )}
    </div>
  );
}
