import { useState } from 'preact/hooks';
import { STAFF_LIMITS, STAFF_ROUTES } from '@prex/protocol/wire';
import type { StaffPasswordChangeResponse } from '@prex/protocol';
import { api } from '../api.js';
import { session } from '../auth.js';
import { useAction } from '../use-action.js';

/** The signed-in person's own account: who they are here, and changing their password. */
export default function AccountPage() {
  const me = session.value!.account;
  const action = useAction();
  const [done, setDone] = useState<string | null>(null);

  async function change(event: Event) {
    event.preventDefault();
    const formElement = event.currentTarget as HTMLFormElement;
    const form = new FormData(formElement);
    const newPassword = String(form.get('newPassword'));
    setDone(null);
    if (newPassword !== String(form.get('repeat'))) {
      action.setError('The two new passwords differ');
      return;
    }
    await action.run(async () => {
      const { endedSessions } = await api<StaffPasswordChangeResponse>('POST', STAFF_ROUTES.password, { currentPassword: String(form.get('currentPassword')), newPassword });
      formElement.reset();
      setDone(`Password changed. ${endedSessions === 1 ? '1 other session was' : `${endedSessions} other sessions were`} signed out; this one stays signed in.`);
    });
  }

  return (
    <main class="page">
      <h1>Your account</h1>
      <dl>
        <dt>Email</dt>
        <dd>{me.email}</dd>
        {me.name ? (
          <>
            <dt>Name</dt>
            <dd>{me.name}</dd>
          </>
        ) : null}
        <dt>Role</dt>
        <dd>{me.role}</dd>
      </dl>
      <h2>Change password</h2>
      <form class="stack" onSubmit={change}>
        <label>
          Current password
          <input name="currentPassword" type="password" autocomplete="current-password" required />
        </label>
        <label>
          New password (at least {STAFF_LIMITS.minPasswordChars} characters)
          <input name="newPassword" type="password" autocomplete="new-password" minLength={STAFF_LIMITS.minPasswordChars} maxLength={STAFF_LIMITS.maxPasswordChars} required />
        </label>
        <label>
          New password again
          <input name="repeat" type="password" autocomplete="new-password" required />
        </label>
        <button type="submit" disabled={action.busy}>
          Change password
        </button>
      </form>
      {action.error ? (
        <p role="alert" class="error">
          {action.error}
        </p>
      ) : null}
      {done ? (
        <p role="status" class="ok">
          {done}
        </p>
      ) : null}
    </main>
  );
}
