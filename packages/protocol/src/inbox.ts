import { z } from 'zod';
import { customerAttributesSchema } from './customers.js';
import { INBOX_LIMITS } from './staff-wire.js';

export { INBOX_LIMITS, STAFF_INBOX_ROUTES } from './staff-wire.js';

/**
 * open: a person should act (the visitor asked for one, or staff reopened it); pending: the bot is
 * handling it; resolved: done (a new visitor message makes it pending or open again); snoozed:
 * hidden until snoozedUntil or the visitor's next message.
 */
export const conversationStatusSchema = z.enum(['open', 'pending', 'resolved', 'snoozed'], {
  error: 'status must be "open", "pending", "resolved" or "snoozed"',
});
export type ConversationStatus = z.infer<typeof conversationStatusSchema>;

/** api: a tenant's own gateway (the channels API, docs/channels-api.md). */
export const conversationChannelSchema = z.enum(['widget', 'sms', 'api'], { error: 'channel must be "widget", "sms" or "api"' });
export type ConversationChannel = z.infer<typeof conversationChannelSchema>;

const staffAccountIdSchema = z.string().regex(/^stf_[A-Za-z0-9_-]{1,64}$/, 'not a staff account id (stf_…)');

/** GET /v1/staff/inbox query. assignee: "me", "unassigned" or an account id. before: an ISO time from nextBefore. */
export const inboxQuerySchema = z.strictObject({
  status: conversationStatusSchema.optional(),
  assignee: z.union([z.literal('me'), z.literal('unassigned'), staffAccountIdSchema], { error: 'assignee must be "me", "unassigned" or a staff account id' }).optional(),
  channel: conversationChannelSchema.optional(),
  label: z.string().trim().min(1).max(60, 'label is longer than 60 characters').optional(),
  agentId: z.string().regex(/^agt_[A-Za-z0-9_-]{1,64}$/, 'agentId is not an agent id (agt_…)').optional(),
  limit: z.coerce.number({ error: 'limit must be a number' }).int('limit must be a whole number').min(1, 'limit must be at least 1').max(INBOX_LIMITS.maxPageSize, `limit is at most ${INBOX_LIMITS.maxPageSize}`).optional(),
  before: z.iso.datetime({ error: 'before must be an ISO 8601 time (nextBefore of the previous page)' }).optional(),
});
export type InboxQuery = z.output<typeof inboxQuerySchema>;

/** A staff member as the team sees them: name is their display name, when they set one. */
export const inboxAssigneeSchema = z.object({ id: z.string(), email: z.string(), name: z.string().optional() });

/** One row of the inbox. */
export const inboxConversationSchema = z.object({
  sessionId: z.string(),
  status: conversationStatusSchema,
  channel: conversationChannelSchema,
  assignee: inboxAssigneeSchema.nullable(),
  /** The verified customer, when the visitor verified an email or wrote from a known phone. */
  customer: z
    .object({
      id: z.string(),
      email: z.string().nullable(),
      phone: z.string().nullable(),
      name: z.string().nullable(),
      /** What the host page said about its user (identify's attributes); in GET /v1/staff/inbox/:sessionId only. */
      attributes: customerAttributesSchema.optional(),
      /** The keys of `attributes` the host's server signed (a token's `attributes` claim); the others are unverified. Detail only. */
      verifiedAttributes: z.array(z.string()).optional(),
    })
    .nullable(),
  /** The last message of the thread (notes excluded), cut to a preview. */
  lastMessage: z.object({ text: z.string(), from: z.enum(['visitor', 'bot', 'staff']), createdAt: z.iso.datetime() }).nullable(),
  /** The classifier's label of the last visitor message, when there is one. */
  label: z.string().nullable(),
  agentId: z.string().nullable(),
  /** Visitor messages after the signed-in staff member last read the conversation. */
  unread: z.number().int(),
  snoozedUntil: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  /** The last activity: the inbox is ordered by it, newest first. */
  updatedAt: z.iso.datetime(),
});
export type InboxConversation = z.infer<typeof inboxConversationSchema>;

export const inboxResponseSchema = z.object({
  conversations: z.array(inboxConversationSchema),
  /** Conversations per status under the same filters except status. */
  counts: z.record(conversationStatusSchema, z.number().int()),
  /** Pass as `before` for the next page; null on the last page. */
  nextBefore: z.iso.datetime().nullable(),
});
export type InboxResponse = z.infer<typeof inboxResponseSchema>;

export const staffNoteSchema = z.object({
  id: z.string(),
  text: z.string(),
  author: inboxAssigneeSchema,
  createdAt: z.iso.datetime(),
});
export type StaffNote = z.infer<typeof staffNoteSchema>;

/** GET /v1/staff/inbox/:sessionId (the thread itself: GET /v1/staff/conversations/:sessionId). */
export const inboxConversationResponseSchema = z.object({
  conversation: inboxConversationSchema,
  notes: z.array(staffNoteSchema),
  /** The customer's other conversations, newest first. */
  otherConversations: z.array(z.object({ sessionId: z.string(), status: conversationStatusSchema, updatedAt: z.iso.datetime() })),
});
export type InboxConversationResponse = z.infer<typeof inboxConversationResponseSchema>;

/** PATCH /v1/staff/inbox/:sessionId: at least one field. assigneeId null unassigns; snoozedUntil only with status "snoozed". */
export const inboxUpdateSchema = z
  .strictObject({
    status: conversationStatusSchema.optional(),
    assigneeId: staffAccountIdSchema.nullable().optional(),
    snoozedUntil: z.iso.datetime({ error: 'snoozedUntil must be an ISO 8601 time' }).optional(),
  })
  .refine((u) => u.status !== undefined || u.assigneeId !== undefined, { message: 'send status or assigneeId (or both)' })
  .refine((u) => u.snoozedUntil === undefined || u.status === 'snoozed', { message: 'snoozedUntil goes with status "snoozed"', path: ['snoozedUntil'] });
export type InboxUpdate = z.output<typeof inboxUpdateSchema>;

export const staffNoteRequestSchema = z.strictObject({
  text: z.string({ error: 'text must be a string' }).trim().min(1, 'text is empty').max(INBOX_LIMITS.maxNoteChars, `text is longer than ${INBOX_LIMITS.maxNoteChars} characters`),
});
export type StaffNoteRequest = z.output<typeof staffNoteRequestSchema>;

export const staffNoteResponseSchema = z.object({ note: staffNoteSchema });
export type StaffNoteResponse = z.infer<typeof staffNoteResponseSchema>;

/**
 * One event of GET /v1/staff/inbox-events (SSE). Only which conversation changed travels: the
 * console reads the row (and the open thread) again, so an event never carries more than the
 * reader may see, and a missed one is repaired by the next read. On (re)connect, read the list.
 */
export type InboxStreamEvent =
  /** A visitor, bot or staff message, a note, a handoff, a status or assignee change. */
  | { type: 'conversation-changed'; sessionId: string }
  /** Another staff member is writing in this conversation; accountId: theirs (absent when the admin API sent it). */
  | { type: 'staff-typing'; sessionId: string; name?: string; accountId?: string }
  /** Changes may have been missed (the server's link to the database dropped): read the list and the open thread again. */
  | { type: 'resync' };

export const cannedReplySchema = z.object({
  id: z.string(),
  /** Typed after "/" in the composer, e.g. "refund". */
  shortcut: z.string(),
  text: z.string(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type CannedReply = z.infer<typeof cannedReplySchema>;

/** POST /v1/staff/canned-replies and PATCH /:cannedReplyId (PATCH: either field). */
export const cannedReplyRequestSchema = z.strictObject({
  shortcut: z
    .string({ error: 'shortcut must be a string' })
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9_-]*$/, 'shortcut may hold only letters, digits, "-" and "_" (no spaces)')
    .max(INBOX_LIMITS.maxCannedShortcutChars, `shortcut is longer than ${INBOX_LIMITS.maxCannedShortcutChars} characters`),
  text: z.string({ error: 'text must be a string' }).trim().min(1, 'text is empty').max(INBOX_LIMITS.maxCannedTextChars, `text is longer than ${INBOX_LIMITS.maxCannedTextChars} characters`),
});
export type CannedReplyRequest = z.output<typeof cannedReplyRequestSchema>;
export const cannedReplyUpdateSchema = cannedReplyRequestSchema.partial().refine((u) => u.shortcut !== undefined || u.text !== undefined, { message: 'send shortcut or text' });

/** GET /v1/staff/agents: the default agent first, then by name. */
export const inboxAgentsResponseSchema = z.object({ agents: z.array(z.object({ id: z.string(), name: z.string() })) });
export type InboxAgentsResponse = z.infer<typeof inboxAgentsResponseSchema>;

export const cannedRepliesResponseSchema = z.object({ cannedReplies: z.array(cannedReplySchema) });
export type CannedRepliesResponse = z.infer<typeof cannedRepliesResponseSchema>;
export const cannedReplyResponseSchema = z.object({ cannedReply: cannedReplySchema });
export type CannedReplyResponse = z.infer<typeof cannedReplyResponseSchema>;
