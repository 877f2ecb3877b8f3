import { useState } from 'preact/hooks';
import { STAFF_LIMITS, STAFF_ROUTES } from '@prex/protocol/wire';
import type { StaffAccountResponse, StaffPasswordChangeResponse } from '@prex/protocol';
import { api } from '../api.js';
import { accountChanged, session } from '../auth.js';
import { useAction } from '../use-action.js';

/**
 * The name visitors see on this person's replies and the team sees in the console. Left empty, a
 * reply shows the widget's "support team" label: the email is never shown to a visitor.
 */
function DisplayName() {
  const me = session.value!.account;
  const action = useAction();
  const [saved, setSaved] = useState(false);

  async function save(event: Event) {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget as HTMLFormElement).get('name')).trim();
    setSaved(false);
    const ok = await action.run(async () => {
      accountChanged((await api<StaffAccountResponse>('PATCH', STAFF_ROUTES.me, { name: name || null })).account);
    });
    setSaved(ok);
  }

  return (
    <>
      <h2>Display name</h2>
      <form class="stack" onSubmit={save}>
        <label>
          Name visitors see on your replies
          <input name="name" autocomplete="name" maxLength={STAFF_LIMITS.maxNameChars} defaultValue={me.name ?? ''} data-testid="account-name" />
        </label>
        <p class="muted">Leave it empty to reply as the support team. Your email is never shown to visitors.</p>
        <button type="submit" disabled={action.busy}>
          Save name
        </button>
      </form>
      <Outcome error={action.error} done={saved ? (me.name ? `Saved: visitors now see “${me.name}” on your replies.` : 'Name removed: your replies show as from the support team.') : null} />
    </>
  );
}

/** What became of a form's request: the error (an alert) or what was done (a status line). */
function Outcome({ error, done }: { error: string | null | undefined; done: string | null }) {
  return (
    <>
      {error ? (
        <p role="alert" class="error">
          {error}
        </p>
      ) : null}
      {done ? (
        <p role="status" class="ok">
          {done}
        </p>
      ) : null}
    </>
  );
}

/** The signed-in person's own account: who they are here, their display name, and changing their password. */
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
        <dt>Role</dt>
        <dd>{me.role}</dd>
      </dl>
      <DisplayName />
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
      <Outcome error={action.error} done={done} />
    </main>
  );
}
