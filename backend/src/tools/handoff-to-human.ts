import { z } from 'zod';
import { HANDOFF_LIMITS } from '@prex/protocol';
import { createOrReuseEscalation } from '../handoff/repository.js';
import type { ToolDefinition } from './types.js';

export const handoffToHumanParameters = z.strictObject({
  reason: z
    .string()
    .trim()
    .min(1, 'reason is empty')
    .max(HANDOFF_LIMITS.maxReasonChars, `reason is longer than ${HANDOFF_LIMITS.maxReasonChars} characters`)
    .describe('Why a person should take over, in one sentence the support team will read.'),
});

/**
 * Proposes handing the conversation to the tenant's team. It changes something, so it only files a
 * proposal: the visitor confirms it in the widget (POST /v1/handoff/:id/confirm) before anyone is paged.
 */
export const handoffToHuman: ToolDefinition<z.output<typeof handoffToHumanParameters>> = {
  name: 'handoff_to_human',
  description:
    'Offer to hand the conversation to a human from the support team, when you cannot help or the customer needs a person. The customer is asked to confirm first.',
  parameters: handoffToHumanParameters,
  effect: 'write',
  async run(args, ctx) {
    const { escalation } = await createOrReuseEscalation(ctx.db, {
      tenantId: ctx.tenantId,
      sessionId: ctx.sessionId,
      messageId: ctx.userMessageId,
      reason: args.reason,
      source: 'tool',
      status: 'proposed',
    });
    if (escalation.status === 'open') {
      return { status: 'done', result: { escalationId: escalation.id, status: 'open', note: 'The conversation is already with the support team; a person will reply here.' } };
    }
    return {
      status: 'needs-confirmation',
      result: { escalationId: escalation.id, status: 'proposed', note: 'The customer is being asked to confirm the handoff in the chat window. Tell them briefly.' },
      handoff: { escalationId: escalation.id, reason: escalation.reason },
    };
  },
};
