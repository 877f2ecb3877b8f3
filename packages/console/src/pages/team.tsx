import { useState } from 'preact/hooks';
import { STAFF_ROUTES } from '@prex/protocol/wire';
import type { StaffAccount, StaffInvite, StaffRole, StaffTeamResponse } from '@prex/protocol';
import { api, messageOf } from '../api.js';
import { loadSession, session } from '../auth.js';
import { useAsync } from '../use-async.js';

/** The team (owners and admins): who has an account, who is invited, inviting by email, roles and removals. */
export default function TeamPage() {
  const [team, setTeam] = useState<StaffTeamResponse | null>(null);
  const [version, setVersion] = useState(0);
  const load = useAsync(async () => setTeam(await api<StaffTeamResponse>('GET', STAFF_ROUTES.team)), [version]);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const me = session.value!.account;
  const isOwner = me.role === 'owner';

  /** Runs a change to the team, then shows its outcome in words and reloads the list. */
  async function act(task: () => Promise<unknown>, success: string) {
    try {
      await task();
      setNotice({ ok: true, text: success });
      setVersion((v) => v + 1);
    } catch (error) {
      setNotice({ ok: false, text: messageOf(error) });
    }
  }

  const changeRole = (account: StaffAccount, role: StaffRole) =>
    act(async () => {
      await api('PATCH', STAFF_ROUTES.teamAccount.replace(':accountId', encodeURIComponent(account.id)), { role });
      // Stepping down changes what this console may show: take the new role from the server.
      if (account.id === me.id) await loadSession();
    }, `${account.email} is now ${role === 'admin' ? 'an' : 'a'} ${role}`);

  const remove = (account: StaffAccount) => {
    if (!confirm(`Remove ${account.email} from the team? They are signed out at once; what they wrote stays.`)) return;
    void act(() => api('DELETE', STAFF_ROUTES.teamAccount.replace(':accountId', encodeURIComponent(account.id))), `${account.email} was removed`);
  };

  const withdraw = (invite: StaffInvite) =>
    act(() => api('DELETE', STAFF_ROUTES.invite.replace(':inviteId', encodeURIComponent(invite.id))), `The invitation to ${invite.email} was withdrawn`);

  /** Owners remove anyone but themselves; admins remove agents. */
  const mayRemove = (account: StaffAccount) => account.id !== me.id && (isOwner || account.role === 'agent');

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
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">State</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {team.accounts.map((a) => (
              <tr key={a.id} data-testid="team-account">
                <td>{a.name ?? <span class="muted">—</span>}</td>
                <td>{a.email}</td>
                <td>
                  {isOwner ? (
                    <select aria-label={`Role of ${a.email}`} value={a.role} onChange={(e) => changeRole(a, (e.currentTarget as HTMLSelectElement).value as StaffRole)}>
                      <option value="agent">agent</option>
                      <option value="admin">admin</option>
                      <option value="owner">owner</option>
                    </select>
                  ) : (
                    a.role
                  )}
                </td>
                <td>{a.id === me.id ? 'Active (you)' : 'Active'}</td>
                <td>
                  {mayRemove(a) ? (
                    <button type="button" class="link" onClick={() => remove(a)}>
                      Remove<span class="visually-hidden"> {a.email}</span>
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
            {team.invites.map((i) => (
              <tr key={i.id} data-testid="pending-invite">
                <td />
                <td>{i.email}</td>
                <td>{i.role}</td>
                <td>Invited, link valid until {new Date(i.expiresAt).toLocaleString()}</td>
                <td>
                  <button type="button" class="link" onClick={() => withdraw(i)}>
                    Withdraw<span class="visually-hidden"> the invitation to {i.email}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Invite someone</h2>
      <form class="row" aria-label="Invite someone" onSubmit={invite}>
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
