import { useState } from 'preact/hooks';
import { STAFF_ROUTES } from '@prex/protocol/wire';
import type { StaffRole, StaffTeamResponse } from '@prex/protocol';
import { api, messageOf } from '../api.js';
import { session } from '../auth.js';
import { useAsync } from '../use-async.js';

/** The team (owners and admins): who has an account, who is invited, and inviting by email. */
export default function TeamPage() {
  const [team, setTeam] = useState<StaffTeamResponse | null>(null);
  const [version, setVersion] = useState(0);
  const load = useAsync(async () => setTeam(await api<StaffTeamResponse>('GET', STAFF_ROUTES.team)), [version]);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const isOwner = session.value?.account.role === 'owner';

  async function invite(event: Event) {
    event.preventDefault();
    const formElement = event.currentTarget as HTMLFormElement;
    const form = new FormData(formElement);
    const email = String(form.get('email'));
    try {
      await api('POST', STAFF_ROUTES.invites, { email, role: form.get('role') as StaffRole });
      setNotice({ ok: true, text: `Invitation sent to ${email}` });
      formElement.reset();
      setVersion((v) => v + 1);
    } catch (error) {
      setNotice({ ok: false, text: messageOf(error) });
    }
  }

  return (
    <main class="page">
      <h1>Team</h1>
      {load.error ? <p role="alert">{messageOf(load.error)}</p> : null}
      {team && (
        <table>
          <caption class="visually-hidden">Accounts and invitations</caption>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {team.accounts.map((a) => (
              <tr key={a.id}>
                <td>{a.email}</td>
                <td>{a.role}</td>
                <td>Active</td>
              </tr>
            ))}
            {team.invites.map((i) => (
              <tr key={i.id} data-testid="pending-invite">
                <td>{i.email}</td>
                <td>{i.role}</td>
                <td>Invited, link valid until {new Date(i.expiresAt).toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Invite someone</h2>
      <form class="row" onSubmit={invite}>
        <label>
          Email
          <input name="email" type="email" required />
        </label>
        <label>
          Role
          <select name="role">
            <option value="agent">Agent: the inbox</option>
            {isOwner && <option value="admin">Admin: the inbox and the team's agents</option>}
            {isOwner && <option value="owner">Owner: everything</option>}
          </select>
        </label>
        <button type="submit">Send invitation</button>
      </form>
      {notice && (
        <p role={notice.ok ? 'status' : 'alert'} class={notice.ok ? 'ok' : 'error'}>
          {notice.text}
        </p>
      )}
    </main>
  );
}
