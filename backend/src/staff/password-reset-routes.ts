import {
  STAFF_ACCESS_ROUTES,
  staffPasswordResetConfirmRequestSchema,
  staffPasswordResetRequestSchema,
  type StaffPasswordResetAcceptedResponse,
  type StaffPasswordResetConfirmResponse,
} from '@prex/protocol';
import { badRequest } from '../http/errors.js';
import type { RouteGroup } from '../http/route-group.js';
import { parseJsonBody } from '../http/validate.js';
import type { EmailDeps } from '../mail/send.js';
import { publicAccount } from './accounts.js';
import { clearSessionCookie } from './cookies.js';
import { linkOrigin } from './links.js';
import { confirmPasswordReset, requestPasswordReset } from './password-reset.js';

const ACCEPTED: StaffPasswordResetAcceptedResponse = { message: 'If this email has a staff account, a link to choose a new password is on its way. It works for an hour.' };

export interface PasswordResetRoutes {
  /** Resolves when the reset mails asked for so far were sent (or failed): before the mailer closes. */
  settled(): Promise<void>;
}

/**
 * A forgotten password (staffSignIn group: no session needed):
 * - POST /v1/staff/password-reset {email} → 202, always the same answer; the link is mailed
 * - POST /v1/staff/password-reset/confirm {token, password} → 200; every session of the account ends
 *
 * The mail is sent after the answer: the time to answer is the same with or without an account
 * (an SMTP round trip would otherwise tell them apart).
 */
export function addPasswordResetRoutes(routes: RouteGroup, deps: EmailDeps & { publicOrigin: string | undefined }): PasswordResetRoutes {
  const inFlight = new Set<Promise<void>>();

  routes.post(STAFF_ACCESS_ROUTES.passwordReset, (req, res) => {
    const { email } = parseJsonBody(staffPasswordResetRequestSchema, req, 'password reset');
    const work = requestPasswordReset(deps, { email, ip: req.ip ?? 'unknown', origin: linkOrigin(deps.publicOrigin, req) }).then(
      (outcome) => deps.log.info('staff password reset asked', { outcome: outcome.kind }),
      (error: unknown) => deps.log.warn('staff password reset mail not sent', { error: error instanceof Error ? error.message : String(error) }),
    );
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
    res.status(202).json(ACCEPTED);
  });

  routes.post(STAFF_ACCESS_ROUTES.passwordResetConfirm, async (req, res) => {
    const body = parseJsonBody(staffPasswordResetConfirmRequestSchema, req, 'password reset');
    const outcome = await confirmPasswordReset(deps.db, body);
    if (outcome.kind === 'invalid') throw badRequest('This password reset link is invalid, already used or expired: ask for a new one');
    // This browser's session, if any, ended with the others.
    clearSessionCookie(req, res);
    const out: StaffPasswordResetConfirmResponse = { account: publicAccount(outcome.account), endedSessions: outcome.endedSessions };
    res.set('Cache-Control', 'no-store').json(out);
  });

  return {
    async settled() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}
