import { STAFF_ROUTES, staffPasswordChangeRequestSchema, type StaffPasswordChangeResponse } from '@prex/protocol';
import { staffOf } from '../auth/context.js';
import type { Db } from '../db/db.js';
import { badRequest, forbidden, tooManyRequests, unauthorized } from '../http/errors.js';
import type { RouteGroup } from '../http/route-group.js';
import { parseJsonBody } from '../http/validate.js';
import type { LoginLimits } from './login.js';
import { changePassword } from './password-change.js';

/** POST /v1/staff/me/password {currentPassword, newPassword} → 200 {endedSessions}; this browser stays signed in. */
export function addPasswordChangeRoutes(routes: RouteGroup, deps: { db: Db; loginLimits?: LoginLimits | undefined }): void {
  routes.post(STAFF_ROUTES.password, async (req, res) => {
    const body = parseJsonBody(staffPasswordChangeRequestSchema, req, 'password change');
    const staff = staffOf(res);
    const outcome = await changePassword(
      { db: deps.db, limits: deps.loginLimits },
      { tenantId: staff.tenantId, accountId: staff.accountId, sessionId: staff.sessionId, ip: req.ip ?? 'unknown', ...body },
    );
    if (outcome.kind === 'locked') {
      res.set('Retry-After', String(outcome.retryAfterSeconds));
      throw tooManyRequests(`Too many wrong current passwords: try again in ${Math.ceil(outcome.retryAfterSeconds / 60)} minutes`);
    }
    if (outcome.kind === 'no-account') throw unauthorized('This staff account no longer exists');
    if (outcome.kind === 'wrong') throw forbidden('currentPassword is not this account\'s password');
    if (outcome.kind === 'same') throw badRequest('newPassword is the same as the current password');
    const out: StaffPasswordChangeResponse = { endedSessions: outcome.endedSessions };
    res.set('Cache-Control', 'no-store').json(out);
  });
}
