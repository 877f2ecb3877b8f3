import { useState } from 'preact/hooks';
import { STAFF_ACCESS_ROUTES, STAFF_LIMITS } from '@prex/protocol/wire';
import type { StaffPasswordResetConfirmResponse } from '@prex/protocol';
import { api, messageOf } from '../api.js';
import { tokenFromFragment } from '../access/fragment.js';

/** The mailed reset link's page: a new password, then every session of the account has ended. */
export default function ResetPasswordPage() {
  const [token] = useState(tokenFromFragment);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  async function submit(event: Event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const password = String(form.get('password'));
    if (password !== String(form.get('confirm'))) return setError('The two passwords differ');
    setError(null);
    try {
      const { account } = await api<StaffPasswordResetConfirmResponse>('POST', STAFF_ACCESS_ROUTES.passwordResetConfirm, { token, password });
      // The fragment held a one-time secret: drop it from the address bar and history.
      history.replaceState(null, '', location.pathname);
      setDone(account.email);
    } catch (err) {
      setError(messageOf(err));
    }
  }

  if (done) {
    return (
      <main class="auth">
        <h1>Password changed</h1>
        <p role="status">
          The password of {done} is changed and every session of the account has ended. <a href="/console/login">Sign in</a>
        </p>
      </main>
    );
  }
  return (
    <main class="auth">
      <h1>Choose a new password</h1>
      {!token ? (
        <p role="alert">
          This page needs the link from your reset email, whole. <a href="/console/forgot-password">Ask for a new link</a>.
        </p>
      ) : (
        <form onSubmit={submit} class="stack">
          <label>
            New password (at least {STAFF_LIMITS.minPasswordChars} characters)
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
          <button type="submit">Change password</button>
        </form>
      )}
    </main>
  );
}
