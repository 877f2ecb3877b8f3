import { ATTACHMENT_ROUTES, attachmentIdParamsSchema, attachmentUploadQuerySchema, type AttachmentUploadResponse } from '@prex/protocol';
import { sessionOf, tenantOf } from '../auth/context.js';
import type { ConversationBus } from '../bus/index.js';
import { sessionCustomerId } from '../conversations/session-identity.js';
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
 * files of their conversations: this one, and, once the session is linked to a customer, that
 * customer's other conversations (which they can already open on any device, and which their data
 * export lists). Any other id, another tenant's or another person's, is 404.
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
    const attachment = await findAttachment(db, { tenantId, attachmentId });
    if (!attachment || !(await readableBy(db, { tenantId, sessionId }, attachment.sessionId))) throw notFound('No such file in your conversations');
    await sendAttachment(res, deps, attachment);
  });
}

/** Whether the visitor of `reader` may read a file of `owner`: the same conversation, or both linked to the same customer. */
async function readableBy(db: Db, reader: { tenantId: string; sessionId: string }, owner: string): Promise<boolean> {
  if (owner === reader.sessionId) return true;
  const [readerCustomer, ownerCustomer] = await Promise.all([sessionCustomerId(db, reader.tenantId, reader.sessionId), sessionCustomerId(db, reader.tenantId, owner)]);
  return readerCustomer !== null && readerCustomer === ownerCustomer;
}
