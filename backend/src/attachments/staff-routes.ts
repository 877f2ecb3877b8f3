import { ATTACHMENT_ROUTES, attachmentIdParamsSchema, attachmentSettingsSchema } from '@prex/protocol';
import { tenantOf } from '../auth/context.js';
import { notFound } from '../http/errors.js';
import type { RouteGroup } from '../http/route-group.js';
import { parseInput, parseJsonBody } from '../http/validate.js';
import { requireRole } from '../staff/session-auth.js';
import { findAttachment } from './repository.js';
import { sendAttachment } from './serve.js';
import { attachmentSettings, saveAttachmentSettings } from './settings.js';
import type { AttachmentRouteDeps } from './visitor-routes.js';

/**
 * The console's side (staff session): any role opens a file of its own tenant's conversations
 * (another tenant's id is 404, as if it did not exist); owners and admins read and set what
 * visitors may attach.
 */
export function addStaffAttachmentRoutes(routes: RouteGroup, deps: AttachmentRouteDeps): void {
  const { db } = deps;
  const managers = requireRole('owner', 'admin');

  routes.get(ATTACHMENT_ROUTES.staffFile, async (req, res) => {
    const { attachmentId } = parseInput(attachmentIdParamsSchema, req.params, 'path');
    const attachment = await findAttachment(db, { tenantId: tenantOf(res).id, attachmentId });
    if (!attachment) throw notFound('No such file in this workspace');
    await sendAttachment(res, deps, attachment);
  });

  routes.get(ATTACHMENT_ROUTES.staffSettings, managers, async (_req, res) => {
    res.set('Cache-Control', 'no-store').json(await attachmentSettings(db, tenantOf(res).id));
  });

  routes.put(ATTACHMENT_ROUTES.staffSettings, managers, async (req, res) => {
    const settings = parseJsonBody(attachmentSettingsSchema, req, 'attachment settings');
    await saveAttachmentSettings(db, tenantOf(res).id, settings);
    res.set('Cache-Control', 'no-store').json(settings);
  });
}
