import { useState } from 'preact/hooks';
import { STAFF_LIMITS, STAFF_ROUTES } from '@prex/protocol/wire';
import type { StaffAcceptInviteResponse } from '@prex/protocol';
import { api, messageOf } from '../api.js';
import { tokenFromFragment } from '../access/fragment.js';


export default function AcceptInvitePage() {
  const [token] = useState(tokenFromFragment);
  const [error, setError] = useState<string | null>(null);
  const [accepted, setAccepted] = useState<string | null>(null);

  async function submit(event: Event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const password = String(form.get('password'));
    if (password !== String(form.get('confirm'))) return setError('The two passwords differ');
    setError(null);
    try {
      const { account } = await api<StaffAcceptInviteResponse>('POST', STAFF_ROUTES.acceptInvite, { token, password });
      // The fragment held a one-time secret: drop it from the address bar and history.
      history.replaceState(null, '', location.pathname);
      setAccepted(account.email);
    } catch (err) {
      setError(messageOf(err));
    }
  }

  if (accepted) {
    return (
      <main class="auth">
        <h1>Welcome to the team</h1>
        <p role="status">
          Your account {accepted} is ready. <a href="/console/login">Sign in</a>
        </p>
      </main>
    );
  }
  return (
    <main class="auth">
      <h1>Join your team on Prex</h1>
      {!token ? (
        <p role="alert">This page needs the link from your invitation email, whole. Ask for a new invitation if it was cut.</p>
      ) : (
        <form onSubmit={submit} class="stack">
          <label>
            Choose a password (at least {STAFF_LIMITS.minPasswordChars} characters)
            <input name="password" type="password" autocomplete="new-password" minLength={STAFF_LIMITS.minPasswordChars} required />
          </label>
          <label>
            Same password again
            <input name="confirm" type="password" autocomplete="new-password" required />
          </label>
          {error && (
            <p role="alert" class="error">
              {error}
            </p>
          )}
          <button type="submit">Create my account</button>
        </form>
      )}
    </main>
  );
}
