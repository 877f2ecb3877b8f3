import { ATTACHMENT_LIMITS, type AttachmentContentType, type AttachmentPart, type AttachmentSettings } from '@prex/protocol';
import { insertAttachmentMessage } from '../conversations/attachment-messages.js';
import type { Db } from '../db/db.js';
import { badRequest, HttpError, tooManyRequests } from '../http/errors.js';
import { newId } from '../ids.js';
import { countSessionAttachments, insertAttachment } from './repository.js';
import { declaredType, sniffContentType, TYPE_NAMES } from './sniff.js';
import { safeFilename } from './content-disposition.js';
import { newStorageKey, type AttachmentStorage } from './storage.js';

const unsupported = (message: string) => new HttpError(415, 'unsupported_media_type', message);

/** "PNG, JPEG, PDF and plain text": the types a tenant takes, for a visitor to read. */
function typeList(types: readonly AttachmentContentType[]): string {
  const names = types.map((t) => TYPE_NAMES[t].replace(/^an? /, ''));
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : (names[0] ?? 'nothing');
}

/**
 * The declared Content-Type, checked before the body is read: 415 unless the tenant takes it.
 * Returns the type the bytes must then turn out to be.
 */
export function acceptedDeclaredType(header: string | undefined, settings: AttachmentSettings): AttachmentContentType {
  const declared = declaredType(header);
  if (!declared) throw unsupported(`Send the file's type as Content-Type; this workspace takes ${typeList(settings.contentTypes)}`);
  const taken = settings.contentTypes.find((t) => t === declared);
  if (!taken) throw unsupported(`Files of type ${declared} are not taken here: this workspace takes ${typeList(settings.contentTypes)}`);
  return taken;
}

/** The bytes must be what was declared: 400 when empty, 415 when they are something else. */
export function checkBytes(bytes: Uint8Array, declared: AttachmentContentType): void {
  if (bytes.length === 0) throw badRequest('The file is empty: choose a file with something in it');
  const sniffed = sniffContentType(bytes);
  if (sniffed !== declared) {
    const actually = sniffed ? `it is ${TYPE_NAMES[sniffed]}` : 'its contents are not a type Prex recognises';
    throw unsupported(`The file was sent as ${TYPE_NAMES[declared]}, but ${actually}: send the file as what it is`);
  }
}

/** The name shown and offered on download: no path, at most maxNameChars, the extension kept. */
export function displayName(name: string): string {
  const safe = safeFilename(name);
  const max = ATTACHMENT_LIMITS.maxNameChars;
  if (safe.length <= max) return safe;
  const dot = safe.lastIndexOf('.');
  const extension = dot > 0 && safe.length - dot <= 10 ? safe.slice(dot) : '';
  return safe.slice(0, max - extension.length) + extension;
}

export interface NewAttachment {
  tenantId: string;
  sessionId: string;
  name: string;
  contentType: AttachmentContentType;
  bytes: Uint8Array;
}

/**
 * Stores checked bytes and records them: the file first (under a random key), then the message and
 * the attachment row in one transaction; if that fails, the file is removed again. Returns the
 * message that carries it.
 */
export async function storeAttachment(deps: { db: Db; storage: AttachmentStorage }, file: NewAttachment): Promise<{ messageId: string; createdAt: Date; part: AttachmentPart }> {
  const { db, storage } = deps;
  if ((await countSessionAttachments(db, file.tenantId, file.sessionId)) >= ATTACHMENT_LIMITS.maxPerConversation) {
    throw tooManyRequests(`This conversation already holds ${ATTACHMENT_LIMITS.maxPerConversation} files, the most it may`);
  }
  const key = newStorageKey(file.tenantId);
  const part: AttachmentPart = { id: newId('att'), name: displayName(file.name), contentType: file.contentType, size: file.bytes.length };
  await storage.put(key, file.bytes, file.contentType);
  try {
    const message = await db.transaction(async (tx) => {
      const stored = await insertAttachmentMessage(tx, { tenantId: file.tenantId, sessionId: file.sessionId, attachment: part });
      await insertAttachment(tx, {
        id: part.id, tenantId: file.tenantId, sessionId: file.sessionId, messageId: stored.id,
        storageKey: key, filename: part.name, contentType: part.contentType, size: part.size,
      });
      return stored;
    });
    return { messageId: message.id, createdAt: message.createdAt, part };
  } catch (error) {
    await storage.remove([key]).catch(() => undefined);
    throw error;
  }
}

