import { STAFF_ROUTES, staffInviteRequestSchema, type StaffInviteResponse, type StaffTeamResponse } from '@prex/protocol';
import { staffOf, tenantOf } from '../auth/context.js';
import { conflict, forbidden } from '../http/errors.js';
import type { RouteGroup } from '../http/route-group.js';
import { parseJsonBody } from '../http/validate.js';
import type { EmailDeps } from '../mail/send.js';
import { listAccounts } from './accounts.js';
import { listPendingInvites, publicInvite } from './invites.js';
import { linkOrigin } from './links.js';
import { requireRole } from './session-auth.js';
import { inviteStaff } from './team.js';

/**
 * The team (owner settings; an agent gets 403):
 * - GET  /v1/staff/team      accounts and pending invites (owner, admin)
 * - POST /v1/staff/invites   {email, role} mails a one-time link (owner: any role; admin: agents only)
 */
export function addTeamRoutes(routes: RouteGroup, deps: EmailDeps & { publicOrigin: string | undefined }): void {
  const { db } = deps;
  const managers = requireRole('owner', 'admin');

  routes.get(STAFF_ROUTES.team, managers, async (_req, res) => {
    const tenantId = tenantOf(res).id;
    const [accounts, invites] = await Promise.all([listAccounts(db, tenantId), listPendingInvites(db, tenantId)]);
    const out: StaffTeamResponse = { accounts, invites };
    res.set('Cache-Control', 'no-store').json(out);
  });

  routes.post(STAFF_ROUTES.invites, managers, async (req, res) => {
    const body = parseJsonBody(staffInviteRequestSchema, req, 'invitation');
    const staff = staffOf(res);
    if (staff.role !== 'owner' && body.role !== 'agent') throw forbidden(`Only an owner can invite an ${body.role}; admins invite agents`);
    const tenant = tenantOf(res);
    const outcome = await inviteStaff(deps, {
      tenantId: tenant.id,
      tenantName: tenant.name,
      email: body.email,
      role: body.role,
      inviter: { accountId: staff.accountId, email: staff.email },
      origin: linkOrigin(deps.publicOrigin, req),
    });
    if (outcome.kind === 'already-staff') throw conflict(`${body.email} is already on the team`);
    const out: StaffInviteResponse = { invite: publicInvite(outcome.invite) };
    res.status(201).json(out);
  });
}
