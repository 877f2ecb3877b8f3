import { z } from 'zod';
import { ATTACHMENT_CONTENT_TYPES, ATTACHMENT_LIMITS } from './attachments-wire.js';

/** A file on a message: its id (for the file routes), the visitor's name for it, its sniffed type and size. */
export const attachmentPartSchema = z.object({
  id: z.string(),
  name: z.string(),
  contentType: z.string(),
  size: z.number().int().positive(),
});
export type AttachmentPart = z.infer<typeof attachmentPartSchema>;

/** POST /v1/attachments?name=: the file's name as the visitor's device gave it. */
export const attachmentUploadQuerySchema = z.object({
  name: z
    .string({ error: 'name must be the file name, e.g. ?name=receipt.pdf' })
    .trim()
    .min(1, 'name is empty: send the file name, e.g. ?name=receipt.pdf')
    .max(1000, 'name is longer than 1000 characters'),
});

export const attachmentIdParamsSchema = z.object({
  attachmentId: z.string().regex(/^att_[A-Za-z0-9_-]{1,64}$/, 'attachmentId looks like att_ followed by letters and digits'),
});

/** What visitors may attach: on or off, the largest file, and the types taken. */
export const attachmentSettingsSchema = z.strictObject({
  enabled: z.boolean({ error: 'enabled must be true or false' }),
  maxBytes: z
    .number({ error: 'maxBytes must be a number of bytes' })
    .int('maxBytes must be a whole number of bytes')
    .min(1024, 'maxBytes must be at least 1024 bytes')
    .max(ATTACHMENT_LIMITS.maxBytesCeiling, `maxBytes must be at most ${ATTACHMENT_LIMITS.maxBytesCeiling} bytes`),
  contentTypes: z
    .array(z.enum(ATTACHMENT_CONTENT_TYPES, { error: `each content type must be one of ${ATTACHMENT_CONTENT_TYPES.join(', ')}` }))
    .min(1, 'contentTypes is empty: to take no files, set enabled to false')
    .max(ATTACHMENT_CONTENT_TYPES.length)
    .transform((types) => [...new Set(types)]),
});
export type AttachmentSettings = z.infer<typeof attachmentSettingsSchema>;

/** POST /v1/attachments → 201: the message that carries the file. */
export const attachmentUploadResponseSchema = z.object({
  message: z.object({
    id: z.string(),
    role: z.literal('user'),
    text: z.string(),
    createdAt: z.iso.datetime(),
    attachments: z.array(attachmentPartSchema),
  }),
});
export type AttachmentUploadResponse = z.infer<typeof attachmentUploadResponseSchema>;
