import { STAFF_ROUTES } from '@prex/protocol/wire';
import type { StaffAcceptInviteResponse } from '@prex/protocol';
import { api } from '../api.js';
import { TokenPasswordPage } from '../access/token-password-page.js';

/** The invitation link's page: the invited person chooses a password and has an account. */
export default function AcceptInvitePage() {
  return (
    <TokenPasswordPage
      title="Join your team on Prex"
      passwordLabel="Choose a password"
      button="Create my account"
      missingToken="This page needs the link from your invitation email, whole. Ask for a new invitation if it was cut."
      send={async (token, password) => (await api<StaffAcceptInviteResponse>('POST', STAFF_ROUTES.acceptInvite, { token, password })).account.email}
      doneTitle="Welcome to the team"
      done={(email) => (
        <>
          Your account {email} is ready. <a href="/console/login">Sign in</a>
        </>
      )}
    />
  );
}
