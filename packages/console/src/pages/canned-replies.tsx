import { useState } from 'preact/hooks';
import { STAFF_INBOX_ROUTES } from '@prex/protocol/wire';
import type { CannedRepliesResponse, CannedReply } from '@prex/protocol';
import { api, messageOf, path } from '../api.js';
import { useAsync } from '../use-async.js';

/** The tenant's saved snippets, inserted in the composer by typing "/" and the shortcut. */
export default function CannedRepliesPage() {
  const [replies, setReplies] = useState<CannedReply[]>([]);
  const [version, setVersion] = useState(0);
  const load = useAsync(async () => setReplies((await api<CannedRepliesResponse>('GET', STAFF_INBOX_ROUTES.cannedReplies)).cannedReplies), [version]);
  const [error, setError] = useState<string | null>(null);
  const reload = () => setVersion((v) => v + 1);

  async function add(event: Event) {
    event.preventDefault();
    const formElement = event.currentTarget as HTMLFormElement;
    const form = new FormData(formElement);
    try {
      await api('POST', STAFF_INBOX_ROUTES.cannedReplies, { shortcut: form.get('shortcut'), text: form.get('text') });
      formElement.reset();
      setError(null);
      reload();
    } catch (err) {
      setError(messageOf(err));
    }
  }
  async function remove(reply: CannedReply) {
    try {
      await api('DELETE', path(STAFF_INBOX_ROUTES.cannedReply, { cannedReplyId: reply.id }));
      reload();
    } catch (err) {
      setError(messageOf(err));
    }
  }

  return (
    <main class="page">
      <h1>Canned replies</h1>
      <p class="muted">In a reply, type “/” and the shortcut to insert the text.</p>
      {load.error ? <p role="alert">{messageOf(load.error)}</p> : null}
      <ul class="canned-list">
        {replies.map((r) => (
          <li key={r.id} data-testid="canned-reply">
            <code>/{r.shortcut}</code>
            <span class="canned-text">{r.text}</span>
            <button type="button" class="link" onClick={() => remove(r)} aria-label={`Delete /${r.shortcut}`}>
              Delete
            </button>
          </li>
        ))}
      </ul>
      <h2>New canned reply</h2>
      <form class="stack narrow" onSubmit={add}>
        <label>
          Shortcut
          <input name="shortcut" required pattern="[A-Za-z0-9][A-Za-z0-9_\-]*" title="Letters, digits, - and _" />
        </label>
        <label>
          Text
          <textarea name="text" rows={4} required />
        </label>
        {error && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
        <button type="submit">Save</button>
      </form>
    </main>
  );
}
