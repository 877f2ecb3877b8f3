import { useEffect, useRef, useState } from 'preact/hooks';
import { TRY_IT_LIMITS } from '@prex/protocol/wire';
import { messageOf } from '../api.js';
import { streamTryIt, type TryItTurn } from './try-it-stream.js';

interface Turn extends TryItTurn {
  sources: { title: string; url?: string }[];
  tools: string[];
  error?: string;
}

/**
 * A chat with the selected agent, as a visitor would have it (its persona, instructions, model,
 * knowledge and tools), to try a change before visitors see it. Nothing is stored: the chat is
 * gone when the page is left or another agent is picked.
 */
export function TryIt({ agent }: { agent: string }) {
  const [turns, setTurns] = useState<Turn[]>([]);
  const [busy, setBusy] = useState(false);
  const running = useRef<AbortController | null>(null);
  useEffect(() => {
    setTurns([]);
    return () => running.current?.abort();
  }, [agent]);

  const updateLast = (change: (turn: Turn) => Turn) => setTurns((all) => [...all.slice(0, -1), change(all[all.length - 1]!)]);

  async function ask(event: Event) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const question = String(new FormData(form).get('question')).trim();
    if (!question || busy) return;
    form.reset();
    const history = turns.filter((t) => !t.error).map(({ role, text }) => ({ role, text })).slice(-TRY_IT_LIMITS.maxHistoryTurns);
    setTurns((all) => [...all, { role: 'user', text: question, sources: [], tools: [] }, { role: 'assistant', text: '', sources: [], tools: [] }]);
    const controller = new AbortController();
    running.current = controller;
    setBusy(true);
    try {
      await streamTryIt(agent, question, history, {
        onText: (delta) => updateLast((t) => ({ ...t, text: t.text + delta })),
        onSource: (source) => updateLast((t) => ({ ...t, sources: [...t.sources, source] })),
        onTool: (name) => updateLast((t) => ({ ...t, tools: [...t.tools, name] })),
      }, controller.signal);
    } catch (error) {
      if (!controller.signal.aborted) updateLast((t) => ({ ...t, error: messageOf(error) }));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="try-heading" class="stack">
      <h3 id="try-heading">Try {agent}</h3>
      <p class="muted">Ask as a visitor would. Nothing here is stored or counted as a conversation.</p>
      <ol class="messages" data-testid="try-it-chat" aria-live="polite">
        {turns.map((turn, i) => (
          <li key={i} class={`message ${turn.role === 'user' ? 'from-visitor' : 'from-bot'}`} data-testid={`try-it-${turn.role}`}>
            <p>{turn.text || (turn.role === 'assistant' && !turn.error ? '…' : '')}</p>
            {turn.tools.length > 0 && <p class="muted">Tools: {turn.tools.join(', ')}</p>}
            {turn.sources.length > 0 && (
              <p class="sources" data-testid="try-it-sources">
                Sources:{' '}
                {turn.sources.map((s, n) => (
                  <span key={n} class="source">
                    [{n + 1}] {s.url ? <a href={s.url} target="_blank" rel="noreferrer">{s.title}</a> : s.title}
                  </span>
                ))}
              </p>
            )}
            {turn.error && (
              <p role="alert" class="error">
                {turn.error}
              </p>
            )}
          </li>
        ))}
      </ol>
      <form class="row" onSubmit={ask}>
        <label>
          Question
          <input name="question" maxLength={TRY_IT_LIMITS.maxQuestionChars} autoComplete="off" placeholder="How do I get a refund?" />
        </label>
        <button type="submit" disabled={busy}>
          Ask
        </button>
        {busy && (
          <button type="button" class="secondary" onClick={() => running.current?.abort()}>
            Stop
          </button>
        )}
        {turns.length > 0 && !busy && (
          <button type="button" class="link" onClick={() => setTurns([])}>
            Start over
          </button>
        )}
      </form>
    </section>
  );
}
