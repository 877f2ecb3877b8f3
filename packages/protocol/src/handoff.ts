import { z } from 'zod';
import { attachmentPartSchema } from './attachments.js';
import { messageLabelSchema, labelSourceSchema } from './classification.js';
import { citationSchema, messageRoleSchema, messageStatusSchema } from './chat.js';
import { messageAuthorSchema } from './feedback.js';

/**
 * Human handoff: escalations (a conversation handed, or proposed to be handed, to the tenant's
 * team), the visitor's requests about them and the tenant's view of a conversation.
 */

export const HANDOFF_ADMIN_ROUTES = {
  escalations: '/v1/admin/escalations',
  escalation: '/v1/admin/escalations/:escalationId',
  conversation: '/v1/admin/conversations/:sessionId',
  conversationReplies: '/v1/admin/conversations/:sessionId/replies',
  conversationTyping: '/v1/admin/conversations/:sessionId/typing',
} as const;

export const HANDOFF_LIMITS = {
  /** Longest reason a visitor or the model may give. */
  maxReasonChars: 500,
  /** Longest staff reply. */
  maxReplyChars: 8000,
  /** Longest staff name shown to the visitor. */
  maxStaffNameChars: 100,
} as const;

/** proposed: waits for the visitor's yes; open: with the team; resolved: done; declined: the visitor said no. */
export const escalationStatusSchema = z.enum(['proposed', 'open', 'resolved', 'declined']);
export type EscalationStatus = z.infer<typeof escalationStatusSchema>;

/** classifier: the user asked for a person; tool: the model proposed it; visitor: the widget's button; no_answer: nothing found. */
export const escalationSourceSchema = z.enum(['classifier', 'tool', 'visitor', 'no_answer']);
export type EscalationSource = z.infer<typeof escalationSourceSchema>;

const reasonSchema = z
  .string({ error: 'reason must be a string' })
  .trim()
  .min(1, 'reason is empty')
  .max(HANDOFF_LIMITS.maxReasonChars, `reason is longer than ${HANDOFF_LIMITS.maxReasonChars} characters`);

/** An escalation as the visitor's widget sees it. */
export const escalationSchema = z.object({
  id: z.string(),
  status: escalationStatusSchema,
  reason: z.string(),
  source: escalationSourceSchema,
  createdAt: z.iso.datetime(),
});
export type Escalation = z.infer<typeof escalationSchema>;

/** POST /v1/handoff: the visitor asks for a person (201 when this opened it, 200 when already open). */
export const handoffRequestSchema = z.strictObject({ reason: reasonSchema.optional() });
export type HandoffRequest = z.output<typeof handoffRequestSchema>;

/** POST /v1/handoff/:escalationId/confirm: the visitor's answer to the agent's proposal. */
export const handoffConfirmRequestSchema = z.strictObject({
  accept: z.boolean({ error: 'accept must be true or false' }),
});
export type HandoffConfirmRequest = z.output<typeof handoffConfirmRequestSchema>;

export const handoffResponseSchema = z.object({ escalation: escalationSchema });
export type HandoffResponse = z.infer<typeof handoffResponseSchema>;

/** GET /v1/handoff/current: the session's proposed or open escalation, if any. */
export const handoffCurrentResponseSchema = z.object({ escalation: escalationSchema.nullable() });
export type HandoffCurrentResponse = z.infer<typeof handoffCurrentResponseSchema>;

/** An escalation as the tenant sees it. */
export const adminEscalationSchema = escalationSchema.extend({
  sessionId: z.string(),
  /** The user message that led to it, when there is one. */
  messageId: z.string().nullable(),
  /** The verified customer linked to the conversation, when there is one. */
  customerId: z.string().nullable(),
  updatedAt: z.iso.datetime(),
});
export type AdminEscalation = z.infer<typeof adminEscalationSchema>;

/** GET /v1/admin/escalations?status=&limit=&offset= (newest first). */
export const adminEscalationsQuerySchema = z.strictObject({
  status: escalationStatusSchema.optional(),
  limit: z.coerce.number({ error: 'limit must be a number' }).int('limit must be a whole number').min(1, 'limit must be at least 1').max(200, 'limit must be at most 200').default(50),
  offset: z.coerce.number({ error: 'offset must be a number' }).int('offset must be a whole number').min(0, 'offset must not be negative').default(0),
});
export type AdminEscalationsQuery = z.output<typeof adminEscalationsQuerySchema>;

export const adminEscalationsResponseSchema = z.object({ escalations: z.array(adminEscalationSchema) });
export type AdminEscalationsResponse = z.infer<typeof adminEscalationsResponseSchema>;

/** PATCH /v1/admin/escalations/:escalationId: the team closes it. */
export const adminEscalationUpdateSchema = z.strictObject({
  status: z.literal('resolved', { error: 'status must be "resolved"' }),
});
export type AdminEscalationUpdate = z.output<typeof adminEscalationUpdateSchema>;

export const adminEscalationResponseSchema = z.object({ escalation: adminEscalationSchema });
export type AdminEscalationResponse = z.infer<typeof adminEscalationResponseSchema>;

/** One tool call made while writing an answer, as persisted. */
export const toolCallRecordSchema = z.object({
  id: z.string(),
  name: z.string(),
  arguments: z.unknown(),
  status: z.enum(['done', 'failed', 'needs-confirmation']),
  result: z.unknown().optional(),
  error: z.string().optional(),
  at: z.string(),
});
export type ToolCallRecordWire = z.infer<typeof toolCallRecordSchema>;

/** A message as the tenant sees it: who wrote it, how it was classified, the tools it used. */
export const adminConversationMessageSchema = z.object({
  id: z.string(),
  role: messageRoleSchema,
  author: messageAuthorSchema,
  text: z.string(),
  status: messageStatusSchema,
  sources: z.array(citationSchema),
  label: messageLabelSchema.nullable(),
  labelSource: labelSourceSchema.nullable(),
  agentId: z.string().nullable(),
  toolCalls: z.array(toolCallRecordSchema),
  feedback: z.object({ rating: z.enum(['up', 'down']), comment: z.string().nullable() }).nullable(),
  /** Staff marked this answer as a good example (PUT /v1/admin/messages/:id/good; fine-tuning export). */
  markedGood: z.boolean(),
  createdAt: z.iso.datetime(),
  /** A staff reply: who wrote it, when the team gave a name. */
  authorName: z.string().optional(),
  /** Files the visitor attached (absent when none); staff open them at GET /v1/staff/attachments/:id. */
  attachments: z.array(attachmentPartSchema).optional(),
});
export type AdminConversationMessage = z.infer<typeof adminConversationMessageSchema>;

/** GET /v1/admin/conversations/:sessionId */
export const adminConversationResponseSchema = z.object({
  sessionId: z.string(),
  customerId: z.string().nullable(),
  createdAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
  messages: z.array(adminConversationMessageSchema),
  escalations: z.array(adminEscalationSchema),
});
export type AdminConversationResponse = z.infer<typeof adminConversationResponseSchema>;

const staffNameSchema = z
  .string({ error: 'staffName must be a string' })
  .trim()
  .min(1, 'staffName is empty')
  .max(HANDOFF_LIMITS.maxStaffNameChars, `staffName is longer than ${HANDOFF_LIMITS.maxStaffNameChars} characters`);

/**
 * POST /v1/admin/conversations/:sessionId/replies: a staff reply, shown to the visitor as from a
 * human — under `staffName` when given, else as from the support team.
 */
export const staffReplyRequestSchema = z.strictObject({
  text: z
    .string({ error: 'text must be a string' })
    .trim()
    .min(1, 'text is empty')
    .max(HANDOFF_LIMITS.maxReplyChars, `text is longer than ${HANDOFF_LIMITS.maxReplyChars} characters`),
  staffName: staffNameSchema.optional(),
});
export type StaffReplyRequest = z.output<typeof staffReplyRequestSchema>;

/** POST /v1/admin/conversations/:sessionId/typing: staff are writing a reply (the widget shows it for a few seconds). */
export const staffTypingRequestSchema = z.strictObject({ staffName: staffNameSchema.optional() });
export type StaffTypingRequest = z.output<typeof staffTypingRequestSchema>;

export const staffReplyResponseSchema = z.object({ message: adminConversationMessageSchema });
export type StaffReplyResponse = z.infer<typeof staffReplyResponseSchema>;
