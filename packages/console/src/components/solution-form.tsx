import { useState } from 'preact/hooks';
import { messageOf } from '../api.js';

/** A question and its answer, for a new solution or an edit. */
export function SolutionForm(props: {
  initial?: { question: string; answer: string };
  submitLabel: string;
  onSave(body: { question: string; answer: string }): Promise<void>;
  onCancel?(): void;
}) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(event: Event) {
    event.preventDefault();
    const formElement = event.currentTarget as HTMLFormElement;
    const form = new FormData(formElement);
    setBusy(true);
    try {
      await props.onSave({ question: String(form.get('question')), answer: String(form.get('answer')) });
      setError(null);
      if (!props.initial) formElement.reset();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <form class="stack narrow" onSubmit={submit}>
      <label>
        Question
        <input name="question" required defaultValue={props.initial?.question ?? ''} />
      </label>
      <label>
        Answer
        <textarea name="answer" rows={5} required defaultValue={props.initial?.answer ?? ''} />
      </label>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      <div class="row">
        <button type="submit" disabled={busy}>
          {props.submitLabel}
        </button>
        {props.onCancel && (
          <button type="button" onClick={props.onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
