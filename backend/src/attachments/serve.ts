import type { Response } from 'express';
import type { Logger } from '../logger.js';
import { notFound } from '../http/errors.js';
import { contentDisposition } from './content-disposition.js';
import type { StoredAttachment } from './repository.js';
import { isImageType } from './sniff.js';
import type { AttachmentStorage } from './storage.js';

/**
 * Sends a stored file so no browser can be made to run it: the type is the one sniffed at upload
 * (an image only ever as its image type, never text/html), nosniff forbids guessing another, a
 * non-image is a download (Content-Disposition: attachment), and a sandboxing CSP covers a file
 * opened on its own anyway.
 */
export async function sendAttachment(res: Response, deps: { storage: AttachmentStorage; log: Logger }, attachment: StoredAttachment): Promise<void> {
  const bytes = await deps.storage.get(attachment.storageKey);
  if (!bytes) {
    // The row outlived its file (a storage restored from an older backup): say so in the log, 404 to the caller.
    deps.log.warn('attachment file missing from storage', { attachmentId: attachment.id });
    throw notFound('This file is no longer stored');
  }
  const image = isImageType(attachment.contentType);
  res
    .status(200)
    .set({
      'Content-Type': image ? attachment.contentType : attachment.contentType === 'text/plain' ? 'text/plain; charset=utf-8' : attachment.contentType,
      'Content-Disposition': contentDisposition(image ? 'inline' : 'attachment', attachment.filename),
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
      // Private to whoever may see it: no shared cache keeps it.
      'Cache-Control': 'private, max-age=300',
      'Content-Length': String(bytes.length),
    })
    .end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
}
