import {
  customerPatchRequestSchema,
  dataRightsRequestSchema,
  ROUTES,
  type CustomerConversationsResponse,
  type CustomerDeleteResponse,
  type CustomerMeResponse,
  type EmailCodePurpose,
} from '@prex/protocol';
import type { Request, Response } from 'express';
import { sessionOf } from '../auth/context.js';
import type { RouteGroup } from '../http/route-group.js';
import { parseJsonBody } from '../http/validate.js';
import { checkCode, type CodeDeps } from './codes.js';
import { customerConversations } from './conversations.js';
import { deleteCustomer, exportCustomer } from './data-rights.js';
import { clockOf, type CustomersDeps } from './deps.js';
import { throwUnlessOk } from './email-codes.js';
import { verificationRequired } from './errors.js';
import { toWireCustomer } from './presenter.js';
import type { CustomerProfile } from './profile.js';
import { customerOfSession, updateProfile } from './repository.js';
import { identityLevelOf } from '../conversations/session-identity.js';

/**
 * The visitor's own customer: profile (read, edit), conversations on every device, and data rights
 * (export, delete) behind a fresh email code of that purpose.
 */
export function addCustomerMeRoutes(routes: RouteGroup, deps: CustomersDeps): void {
  const { db, config } = deps;
  const now = clockOf(deps);
  const codeDeps: CodeDeps = { db, secret: config.session.secret, now };

  routes.get(ROUTES.customerMe, async (_req, res) => {
    const { tenantId, sessionId } = sessionOf(res);
    const customer = await customerOfSession(db, tenantId, sessionId);
    const out: CustomerMeResponse = {
      level: await identityLevelOf(db, tenantId, sessionId),
      customer: customer && toWireCustomer(customer),
      phoneVerification: deps.phone ? await deps.phone.available(tenantId) : false,
    };
    res.set('Cache-Control', 'no-store').json(out);
  });

  routes.patch(ROUTES.customerMe, async (req, res) => {
    const changes = parseJsonBody(customerPatchRequestSchema, req, 'profile changes');
    const { tenantId, sessionId } = sessionOf(res);
    // Signed by the host or proven by email: either way the profile is this visitor's own.
    const customer = await customerOfSession(db, tenantId, sessionId);
    if (!customer) throw verificationRequired('Editing your profile');
    const updated = await updateProfile(db, tenantId, customer.id, changes);
    const out: CustomerMeResponse = { level: await identityLevelOf(db, tenantId, sessionId), customer: toWireCustomer(updated ?? customer) };
    res.json(out);
  });

  routes.get(ROUTES.customerConversations, async (_req, res) => {
    const { tenantId, sessionId } = sessionOf(res);
    const customer = await customerOfSession(db, tenantId, sessionId);
    const out: CustomerConversationsResponse = { conversations: customer ? await customerConversations({ db, config, now }, tenantId, customer.id) : [] };
    res.set('Cache-Control', 'no-store').json(out);
  });

  routes.post(ROUTES.customerExport, async (req, res) => {
    const customer = await provenWithCode(req, res, 'export');
    res.set('Cache-Control', 'no-store').json(await exportCustomer(db, customer.tenantId, customer.id, now()));
  });

  routes.post(ROUTES.customerDelete, async (req, res) => {
    const customer = await provenWithCode(req, res, 'delete');
    await deleteCustomer(db, customer.tenantId, customer.id);
    const out: CustomerDeleteResponse = { deleted: true };
    res.json(out);
  });

  /** The session's customer, when the session proved its email (data rights need it); 403 otherwise. */
  async function verifiedCustomer(res: Response, what: string): Promise<CustomerProfile & { email: string }> {
    const { tenantId, sessionId } = sessionOf(res);
    const [level, customer] = await Promise.all([identityLevelOf(db, tenantId, sessionId), customerOfSession(db, tenantId, sessionId)]);
    if (level !== 'email' || !customer?.email || !customer.emailVerifiedAt) throw verificationRequired(what);
    return customer as CustomerProfile & { email: string };
  }

  async function provenWithCode(req: Request, res: Response, purpose: EmailCodePurpose): Promise<CustomerProfile> {
    const { code } = parseJsonBody(dataRightsRequestSchema, req, `${purpose} request`);
    const customer = await verifiedCustomer(res, purpose === 'export' ? 'Downloading your data' : 'Deleting your data');
    const { tenantId, sessionId } = sessionOf(res);
    throwUnlessOk(await checkCode(codeDeps, { tenantId, sessionId, address: customer.email, code, purpose, ip: req.ip ?? null }));
    return customer;
  }

}
