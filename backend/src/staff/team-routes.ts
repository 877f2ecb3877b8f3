import {
  STAFF_ROUTES,
  staffInviteRequestSchema,
  staffRoleChangeRequestSchema,
  type StaffAccountResponse,
  type StaffInviteResponse,
  type StaffTeamResponse,
} from '@prex/protocol';
import { staffOf, tenantOf } from '../auth/context.js';
import { conflict, forbidden, notFound } from '../http/errors.js';
import type { RouteGroup } from '../http/route-group.js';
import { parseJsonBody } from '../http/validate.js';
import type { EmailDeps } from '../mail/send.js';
import { listAccounts, publicAccount } from './accounts.js';
import { deletePendingInvite, listPendingInvites, publicInvite } from './invites.js';
import { linkOrigin } from './links.js';
import { requireRole } from './session-auth.js';
import { inviteStaff } from './team.js';
import { changeRole, removeAccount } from './team-members.js';

/**
 * The team (owner settings; an agent gets 403):
 * - GET  /v1/staff/team      accounts and pending invites (owner, admin)
 * - POST /v1/staff/invites   {email, role} mails a one-time link (owner: any role; admin: agents only)
 * - DELETE /v1/staff/invites/:inviteId            withdraws a pending invitation (owner, admin)
 * - PATCH  /v1/staff/team/accounts/:accountId     {role} (owner; the workspace keeps an owner)
 * - DELETE /v1/staff/team/accounts/:accountId     (owner: anyone else; admin: agents) — their sessions end at once
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

  routes.delete(STAFF_ROUTES.invite, managers, async (req, res) => {
    const inviteId = String(req.params.inviteId);
    if (!(await deletePendingInvite(db, tenantOf(res).id, inviteId))) throw notFound(`No pending invitation ${inviteId} in this workspace`);
    res.status(204).end();
  });

  routes.patch(STAFF_ROUTES.teamAccount, requireRole('owner'), async (req, res) => {
    const { role } = parseJsonBody(staffRoleChangeRequestSchema, req, 'role change');
    const accountId = String(req.params.accountId);
    const outcome = await changeRole(db, staffOf(res), accountId, role);
    if (outcome.kind === 'not-found') throw notFound(`No account ${accountId} in this workspace`);
    if (outcome.kind === 'last-owner') throw conflict('This is the workspace\'s only owner: make someone else owner first');
    const out: StaffAccountResponse = { account: publicAccount(outcome.account) };
    res.json(out);
  });

  routes.delete(STAFF_ROUTES.teamAccount, managers, async (req, res) => {
    const accountId = String(req.params.accountId);
    const outcome = await removeAccount(db, staffOf(res), accountId);
    if (outcome.kind === 'not-found') throw notFound(`No account ${accountId} in this workspace`);
    if (outcome.kind === 'self') throw conflict('You cannot remove your own account: another owner can');
    if (outcome.kind === 'not-allowed') throw forbidden(`Only an owner can remove an ${outcome.role}; admins remove agents`);
    if (outcome.kind === 'last-owner') throw conflict('This is the workspace\'s only owner: make someone else owner first');
    res.status(204).end();
  });
}
