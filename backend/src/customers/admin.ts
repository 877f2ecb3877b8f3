import type { Response } from 'express';
import { z } from 'zod';
import {
  adminCustomerPatchRequestSchema,
  CUSTOMER_ADMIN_ROUTES,
  customerEmailSchema,
  customerSettingsSchema,
  type AuthEventCountsResponse,
  type CustomerDeleteResponse,
  type CustomerSettingsResponse,
} from '@prex/protocol';
import type { Db } from '../db/db.js';
import { tenantOf } from '../auth/context.js';
import { notFound } from '../http/errors.js';
import { parseInput, parseJsonBody } from '../http/validate.js';
import type { RouteGroup } from '../http/route-group.js';
import { authEventCounts } from '../auth/events.js';
import { sessionCountsByCustomer } from '../conversations/session-identity.js';
import { customerConversationSummaries } from './conversations.js';
import { deleteCustomer, exportCustomer } from './data-rights.js';
import { clockOf } from './deps.js';
import { toAdminCustomer } from './presenter.js';
import type { CustomerProfile } from './profile.js';
import { findCustomer, findCustomerByEmail, listCustomers, updateProfile } from './repository.js';
import { customerSettings, identitySecret, rotateIdentitySecret, saveCustomerSettings } from './settings.js';

const customerIdSchema = z.string().regex(/^cus_[A-Za-z0-9_-]{1,64}$/, 'not a customer id');
const listQuerySchema = z.object({ email: customerEmailSchema.optional() });
const sinceQuerySchema = z.object({
  since: z.iso.datetime({ offset: true, error: 'since must be an ISO 8601 date-time, e.g. 2026-01-31T00:00:00Z' }).optional(),
});
const DEFAULT_EVENTS_WINDOW_MS = 24 * 3600_000;

/**
 * The tenant's side (secret key): find customers, export or erase one on request, customer settings
 * and the identity secret, and counts of refused identity and code attempts.
 */
export function addCustomerAdminRoutes(router: RouteGroup, deps: { db: Db; now?: (() => Date) | undefined }): void {
  const { db } = deps;
  const now = clockOf(deps);

  router.get(CUSTOMER_ADMIN_ROUTES.customers, async (req, res) => {
    const { email } = parseInput(listQuerySchema, req.query, 'query');
    const tenantId = tenantOf(res).id;
    const found = email ? [await findCustomerByEmail(db, tenantId, email)].filter((c) => c !== null) : await listCustomers(db, tenantId);
    const counts = await sessionCountsByCustomer(db, tenantId, found.map((c) => c.id));
    res.set('Cache-Control', 'no-store').json({ customers: found.map((c) => toAdminCustomer(c, counts.get(c.id) ?? 0)) });
  });

  router.get(CUSTOMER_ADMIN_ROUTES.customerExport, async (req, res) => {
    const tenantId = tenantOf(res).id;
    const exported = await exportCustomer(db, tenantId, customerIdOf(req.params), now());
    if (!exported) throw noSuchCustomer();
    res.set('Cache-Control', 'no-store').json(exported);
  });

  router.get(CUSTOMER_ADMIN_ROUTES.customer, async (req, res) => {
    const customer = await requireCustomer(db, res, customerIdOf(req.params));
    const conversations = await customerConversationSummaries(db, customer.tenantId, customer.id);
    const counts = await sessionCountsByCustomer(db, customer.tenantId, [customer.id]);
    res.set('Cache-Control', 'no-store').json({ customer: toAdminCustomer(customer, counts.get(customer.id) ?? 0), conversations });
  });

  router.patch(CUSTOMER_ADMIN_ROUTES.customer, async (req, res) => {
    const customerId = customerIdOf(req.params);
    const changes = parseJsonBody(adminCustomerPatchRequestSchema, req, 'customer changes');
    const tenantId = tenantOf(res).id;
    const updated = await updateProfile(db, tenantId, customerId, changes);
    if (!updated) throw noSuchCustomer();
    const counts = await sessionCountsByCustomer(db, tenantId, [updated.id]);
    res.json({ customer: toAdminCustomer(updated, counts.get(updated.id) ?? 0) });
  });

  router.delete(CUSTOMER_ADMIN_ROUTES.customer, async (req, res) => {
    if (!(await deleteCustomer(db, tenantOf(res).id, customerIdOf(req.params)))) throw noSuchCustomer();
    const out: CustomerDeleteResponse = { deleted: true };
    res.json(out);
  });

  router.get(CUSTOMER_ADMIN_ROUTES.settings, async (_req, res) => {
    res.set('Cache-Control', 'no-store').json(await settingsResponse(db, tenantOf(res).id));
  });

  router.put(CUSTOMER_ADMIN_ROUTES.settings, async (req, res) => {
    const settings = parseJsonBody(customerSettingsSchema, req, 'customer settings');
    const tenantId = tenantOf(res).id;
    // A client that predates handoff notices sends no handoffEmails: keep the stored address.
    if ((req.body as Record<string, unknown>).handoffEmails === undefined) settings.handoffEmails = (await customerSettings(db, tenantId)).handoffEmails;
    await saveCustomerSettings(db, tenantId, settings);
    res.set('Cache-Control', 'no-store').json(await settingsResponse(db, tenantId));
  });

  router.post(CUSTOMER_ADMIN_ROUTES.rotateIdentitySecret, async (_req, res) => {
    const tenantId = tenantOf(res).id;
    await rotateIdentitySecret(db, tenantId);
    res.set('Cache-Control', 'no-store').json(await settingsResponse(db, tenantId));
  });

  router.get(CUSTOMER_ADMIN_ROUTES.authEvents, async (req, res) => {
    const { since } = parseInput(sinceQuerySchema, req.query, 'query');
    const from = since ? new Date(since) : new Date(now().getTime() - DEFAULT_EVENTS_WINDOW_MS);
    const out: AuthEventCountsResponse = { since: from.toISOString(), counts: await authEventCounts(db, tenantOf(res).id, from) };
    res.set('Cache-Control', 'no-store').json(out);
  });
}

const noSuchCustomer = () => notFound('No such customer for this tenant');

function customerIdOf(params: Record<string, unknown>): string {
  return parseInput(customerIdSchema, params.customerId, 'customer id');
}

async function requireCustomer(db: Db, res: Response, customerId: string): Promise<CustomerProfile> {
  const customer = await findCustomer(db, tenantOf(res).id, customerId);
  if (!customer) throw noSuchCustomer();
  return customer;
}

async function settingsResponse(db: Db, tenantId: string): Promise<CustomerSettingsResponse> {
  const [settings, secret] = await Promise.all([customerSettings(db, tenantId), identitySecret(db, tenantId)]);
  return { settings, identitySecret: secret };
}
