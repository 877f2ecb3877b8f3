import { useState } from 'preact/hooks';
import { STAFF_ACCESS_ROUTES } from '@prex/protocol/wire';
import type { StaffPasswordResetAcceptedResponse } from '@prex/protocol';
import { api } from '../api.js';
import { useAction } from '../use-action.js';

/** Asks for a reset link by email; the server answers the same whether or not the email has an account. */
export default function ForgotPasswordPage() {
  const [sent, setSent] = useState<string | null>(null);
  const { busy, error, run } = useAction();

  async function submit(event: Event) {
    event.preventDefault();
    const email = String(new FormData(event.currentTarget as HTMLFormElement).get('email'));
    await run(async () => setSent((await api<StaffPasswordResetAcceptedResponse>('POST', STAFF_ACCESS_ROUTES.passwordReset, { email })).message));
  }
  return (
    <main class="auth">
      <h1>Reset your password</h1>
      {sent ? (
        <p role="status" data-testid="reset-sent">
          {sent}
        </p>
      ) : (
        <form onSubmit={submit} class="stack">
          <label>
            Your account's email
            <input name="email" type="email" autocomplete="username" required />
          </label>
          {error && (
            <p role="alert" class="error">
              {error}
            </p>
          )}
          <button type="submit" disabled={busy}>
            Email me a link
          </button>
        </form>
      )}
      <p>
        <a href="/console/login">Back to sign in</a>
      </p>
    </main>
  );
}
