import { z } from 'zod';
import { MESSAGE_LABELS } from './labels.js';

export { MESSAGE_LABELS };
export const messageLabelSchema = z.enum(MESSAGE_LABELS);
export type MessageLabel = z.infer<typeof messageLabelSchema>;
export const labelSourceSchema = z.enum(['model', 'rules']);
export type LabelSource = z.infer<typeof labelSourceSchema>;
