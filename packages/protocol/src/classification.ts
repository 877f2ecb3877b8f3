import { z } from 'zod';

/**
 * What a user message is, decided by the configured model or, with none, by rules.
 * `human_request` (the user explicitly asks for a person) triggers a handoff.
 */
export const MESSAGE_LABELS = ['question', 'complaint', 'human_request', 'small_talk', 'abuse', 'other'] as const;
export const messageLabelSchema = z.enum(MESSAGE_LABELS);
export type MessageLabel = z.infer<typeof messageLabelSchema>;
export const labelSourceSchema = z.enum(['model', 'rules']);
export type LabelSource = z.infer<typeof labelSourceSchema>;
