import { ATTACHMENT_ROUTES, attachmentIdParamsSchema, attachmentUploadQuerySchema, type AttachmentUploadResponse } from '@prex/protocol';
import { sessionOf, tenantOf } from '../auth/context.js';
import type { ConversationBus } from '../bus/index.js';
import { touchConversation } from '../conversations/working-state.js';
import type { Db } from '../db/db.js';
import { forbidden, notFound } from '../http/errors.js';
import type { RouteGroup } from '../http/route-group.js';
import { parseInput } from '../http/validate.js';
import type { Logger } from '../logger.js';
import { readLimitedBody } from './read-body.js';
import { findAttachment } from './repository.js';
import { sendAttachment } from './serve.js';
import { attachmentSettings } from './settings.js';
import type { AttachmentStorage } from './storage.js';
import { acceptedDeclaredType, checkBytes, storeAttachment } from './upload.js';

export interface AttachmentRouteDeps {
  db: Db;
  log: Logger;
  bus: ConversationBus;
  storage: AttachmentStorage;
}

/**
 * The visitor's side (session token): attach a file to their own conversation, and read back the
 * files of that conversation only; any other id, another tenant's or another session's, is 404.
 */
export function addVisitorAttachmentRoutes(routes: RouteGroup, deps: AttachmentRouteDeps): void {
  const { db } = deps;

  routes.post(ATTACHMENT_ROUTES.upload, async (req, res) => {
    const tenant = tenantOf(res);
    const { sessionId } = sessionOf(res);
    const { name } = parseInput(attachmentUploadQuerySchema, req.query, 'query');
    const settings = await attachmentSettings(db, tenant.id);
    if (!settings.enabled) throw forbidden('This workspace does not take attachments');
    // Type and size are checked before the bytes are read, then the bytes themselves.
    const declared = acceptedDeclaredType(req.get('content-type'), settings);
    const bytes = await readLimitedBody(req, settings.maxBytes);
    checkBytes(bytes, declared);
    const stored = await storeAttachment({ db, storage: deps.storage }, { tenantId: tenant.id, sessionId, name, contentType: declared, bytes });
    await touchConversation({ db, bus: deps.bus, log: deps.log }, { tenantId: tenant.id, sessionId }, 'visitor-message');
    const out: AttachmentUploadResponse = {
      message: { id: stored.messageId, role: 'user', text: '', createdAt: stored.createdAt.toISOString(), attachments: [stored.part] },
    };
    res.status(201).json(out);
  });

  routes.get(ATTACHMENT_ROUTES.visitorFile, async (req, res) => {
    const { attachmentId } = parseInput(attachmentIdParamsSchema, req.params, 'path');
    const { sessionId, tenantId } = sessionOf(res);
    const attachment = await findAttachment(db, { tenantId, sessionId, attachmentId });
    if (!attachment) throw notFound('No such file in this conversation');
    await sendAttachment(res, deps, attachment);
  });
}
