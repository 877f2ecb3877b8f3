/**
 * Files a visitor attaches to their conversation, as runtime constants without zod: the widget's
 * lazy upload chunk and the console import them through '@prex/protocol/attachments-wire' (not
 * the wire barrel: the pane imports that, and a module only the lazy chunk needs must not hang off it). The schemas are in
 * attachments.ts; the server's rules in backend/src/attachments/.
 */
export const ATTACHMENT_ROUTES = {
  /**
   * POST (visitor): the file's bytes as the body, its type as Content-Type, its name in ?name=.
   * 201 with the message that carries it; 400 empty, 413 too large, 415 a type the tenant does not take.
   */
  upload: '/v1/attachments',
  /** GET (visitor): a file of the caller's conversation, or of another conversation of the same customer (the data export's paths); anyone else's is 404. */
  visitorFile: '/v1/attachments/:attachmentId',
  /** GET (staff): a file of any conversation of the signed-in staff member's tenant. */
  staffFile: '/v1/staff/attachments/:attachmentId',
  /** GET, PUT {enabled, maxBytes, contentTypes} (owners and admins): what visitors may attach. */
  staffSettings: '/v1/staff/settings/attachments',
} as const;

/** The types Prex can recognise from a file's first bytes; a tenant allows a subset. */
export const ATTACHMENT_CONTENT_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'text/plain'] as const;
export type AttachmentContentType = (typeof ATTACHMENT_CONTENT_TYPES)[number];

export const ATTACHMENT_LIMITS = {
  /** A tenant's limit when it set none. */
  defaultMaxBytes: 10 * 1024 * 1024,
  /** The largest limit a tenant may set: the file is held in memory while it is checked. */
  maxBytesCeiling: 25 * 1024 * 1024,
  /** Longest file name kept (characters); longer names are cut, keeping the extension. */
  maxNameChars: 200,
  /** Files one conversation may hold: an attachment is not a file share. */
  maxPerConversation: 20,
} as const;

/** An attachment as a message part: what history and the console show. */
export interface WireAttachment {
  id: string;
  name: string;
  contentType: string;
  size: number;
}

/** The visitor's URL of an attachment. */
export const attachmentPath = (attachmentId: string) => ATTACHMENT_ROUTES.visitorFile.replace(':attachmentId', encodeURIComponent(attachmentId));
