import type { NextFunction, Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import { ADMIN_LIMITS, documentUpsertRequestSchema, tagListFieldSchema } from '@prex/protocol';
import { badRequest, HttpError } from '../http/errors.js';
import { withTextGuard } from '../http/text-guard.js';
import { parseInput } from '../http/validate.js';
import type { FileInput } from './ingest.js';
import { detectFormat, unsupportedReason } from './parse/index.js';

/**
 * Files uploaded as multipart/form-data, for the admin API and the console alike: the same limits
 * (ADMIN_LIMITS), the same checks, the same words for what is wrong. The files become job items;
 * the worker parses each in the sandbox.
 */

const multerUpload = multer({
  storage: multer.memoryStorage(),
  // Relative paths are kept (the CLI's --api mode sends "billing/refunds.md"); names are UTF-8.
  preservePath: true,
  defParamCharset: 'utf8',
  limits: { fileSize: ADMIN_LIMITS.maxFileBytes, files: ADMIN_LIMITS.maxFiles, fields: 20, fieldSize: 10_000, parts: ADMIN_LIMITS.maxFiles + 20 },
}).any();

/** multer with its errors turned into clear 4xx answers. */
const upload: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
  multerUpload(req, res, (err: unknown) => {
    if (!err) return next();
    if (err instanceof multer.MulterError) {
      switch (err.code) {
        case 'LIMIT_FILE_SIZE':
          return next(new HttpError(413, 'payload_too_large', `File ${err.field ? `in field "${err.field}" ` : ''}is larger than ${ADMIN_LIMITS.maxFileBytes} bytes`));
        case 'LIMIT_FILE_COUNT':
        case 'LIMIT_PART_COUNT':
          return next(new HttpError(413, 'payload_too_large', `Too many files: at most ${ADMIN_LIMITS.maxFiles} per upload`));
        default:
          return next(badRequest(`Invalid upload: ${err.message}${err.field ? ` (${err.field})` : ''}`));
      }
    }
    next(badRequest(`Invalid multipart body: ${err instanceof Error ? err.message : String(err)}`));
  });
};

/** Form fields and file names obey the edge rule for text, as JSON bodies do. */
export const guardedUpload: RequestHandler = withTextGuard(upload);

/** The text fields of a multipart upload; `tags` (comma-separated or repeated) applies to every file in it. */
const uploadFieldsSchema = documentUpsertRequestSchema
  .pick({ externalId: true, title: true, url: true })
  .partial()
  .extend({ tags: tagListFieldSchema.optional() });

/** The uploaded files as job items; 400 / 415 for what cannot be queued at all. */
export function uploadedItems(req: Request): FileInput[] {
  const files = (req.files as Express.Multer.File[] | undefined) ?? [];
  if (files.length === 0) throw badRequest('No file in the upload: send one or more files as multipart/form-data parts (field name "files")');
  const fields = parseInput(uploadFieldsSchema, req.body ?? {}, 'upload fields');
  if (files.length > 1 && (fields.externalId || fields.title || fields.url)) {
    throw badRequest('externalId, title and url fields apply to a single file; with several files each file name is its externalId');
  }
  const unsupported = files.filter((f) => !detectFormat({ filename: f.originalname, mimeType: f.mimetype }));
  if (unsupported.length > 0) {
    const names = unsupported.map((f) => `"${f.originalname}"`).join(', ');
    throw new HttpError(415, 'unsupported_media_type', `${names}: ${unsupportedReason({ filename: unsupported[0]!.originalname, mimeType: unsupported[0]!.mimetype })}`);
  }
  const empty = files.find((f) => f.size === 0);
  if (empty) throw badRequest(`File "${empty.originalname}" is empty`);
  const ids = files.map((f) => fields.externalId ?? normalizeName(f.originalname));
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate) throw badRequest(`Two files have the same name (externalId) ${duplicate}`);
  for (const id of ids) parseInput(uploadFieldsSchema, { externalId: id }, 'file name');
  return files.map((f, i) => ({
    externalId: ids[i]!,
    bytes: f.buffer,
    filename: f.originalname,
    mimeType: f.mimetype,
    title: fields.title,
    url: fields.url,
    tags: fields.tags,
  }));
}

/** A client path as an externalId: forward slashes, no leading ./ or /. */
function normalizeName(name: string): string {
  return name.replace(/\\/g, '/').replace(/^(\.\/|\/)+/, '');
}
