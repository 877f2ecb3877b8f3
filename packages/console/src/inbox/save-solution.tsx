import { useState } from 'preact/hooks';
import { SOLUTION_ROUTES } from '@prex/protocol/wire';
import type { AdminConversationMessage } from '@prex/protocol';
import { api } from '../api.js';
import { SolutionForm } from '../components/solution-form.js';

/** The visitor's question that a staff reply answered: their messages since the previous reply. */
export function questionBefore(messages: AdminConversationMessage[], replyIndex: number): string {
  const asked: string[] = [];
  for (let i = replyIndex - 1; i >= 0 && messages[i]!.role === 'user'; i--) asked.unshift(messages[i]!.text);
  if (asked.length === 0) for (let i = replyIndex - 1; i >= 0; i--) if (messages[i]!.role === 'user') return messages[i]!.text;
  return asked.join('\n');
}

/** The last staff reply and the question it answered: what "save as a solution" starts from. */
export function lastStaffAnswer(messages: AdminConversationMessage[]): { question: string; answer: string } | null {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.role === 'assistant' && m.author === 'human') return { question: questionBefore(messages, i), answer: m.text };
  }
  return null;
}

/** Saves a question and the team's answer as a solution, from the conversation it came from. */
export function SaveSolution({ sessionId, initial, onDone }: { sessionId: string; initial: { question: string; answer: string }; onDone(): void }) {
  const [saved, setSaved] = useState(false);
  if (saved) {
    return (
      <p role="status" class="ok" data-testid="solution-saved">
        Saved as a solution: the bot answers the next visitor who asks this with it. <a href="/console/solutions">Solutions</a>
      </p>
    );
  }
  return (
    <section class="save-solution" aria-label="Save as a solution" data-testid="save-solution">
      <h3>Save as a solution</h3>
      <SolutionForm
        initial={initial}
        submitLabel="Save solution"
        onCancel={onDone}
        onSave={async (body) => {
          await api('POST', SOLUTION_ROUTES.solutions, { ...body, sessionId });
          setSaved(true);
        }}
      />
    </section>
  );
}
