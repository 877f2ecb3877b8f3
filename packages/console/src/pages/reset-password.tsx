import { STAFF_ACCESS_ROUTES } from '@prex/protocol/wire';
import type { StaffPasswordResetConfirmResponse } from '@prex/protocol';
import { api } from '../api.js';
import { TokenPasswordPage } from '../access/token-password-page.js';

/** The mailed reset link's page: a new password, then every session of the account has ended. */
export default function ResetPasswordPage() {
  return (
    <TokenPasswordPage
      title="Choose a new password"
      passwordLabel="New password"
      button="Change password"
      missingToken={
        <>
          This page needs the link from your reset email, whole. <a href="/console/forgot-password">Ask for a new link</a>.
        </>
      }
      send={async (token, password) => (await api<StaffPasswordResetConfirmResponse>('POST', STAFF_ACCESS_ROUTES.passwordResetConfirm, { token, password })).account.email}
      doneTitle="Password changed"
      done={(email) => (
        <>
          The password of {email} is changed and every session of the account has ended. <a href="/console/login">Sign in</a>
        </>
      )}
    />
  );
}
