import { z } from 'zod';
import { pastConversationsOf } from '../conversations/read-models.js';
import { sessionLink } from '../conversations/session-identity.js';
import type { Db } from '../db/db.js';
import { clip } from './text.js';
import type { ToolContext, ToolDefinition } from './types.js';

const MAX_CONVERSATIONS = 10;
const TITLE_CHARS = 80;
const EXCERPT_CHARS = 200;

export const lookupCustomerParameters = z.strictObject({});

const ANONYMOUS = {
  identified: false,
  note: 'The visitor is anonymous: no profile or past conversations are available. They can verify their email in the chat window to let you see them.',
} as const;

interface CustomerRow {
  name: string | null;
  email: string | null;
  interests: string[];
  preferences: Record<string, unknown>;
  created_at: Date;
}

/**
 * The session's own customer, and only when the session row really links to it: the tool never
 * reads a customer on the strength of the context alone.
 */
async function sessionCustomer(db: Db, ctx: ToolContext): Promise<(CustomerRow & { identity_level: string }) | undefined> {
  if (!ctx.customerId) return undefined;
  const link = await sessionLink(db, ctx.tenantId, ctx.sessionId);
  if (link?.customerId !== ctx.customerId) return undefined;
  const rows = await db.query<CustomerRow>(
    'select name, email, interests, preferences, created_at from customers where tenant_id = $1 and id = $2',
    [ctx.tenantId, ctx.customerId],
  );
  return rows[0] && { ...rows[0], identity_level: link.identityLevel };
}

/** The customer's other conversations in this tenant, most recent first, as titles and excerpts. */
async function pastConversations(db: Db, ctx: ToolContext, customerId: string) {
  const past = await pastConversationsOf(db, { tenantId: ctx.tenantId, customerId, exceptSessionId: ctx.sessionId }, MAX_CONVERSATIONS);
  return past.map((c) => ({
    title: c.title === null ? null : clip(c.title, TITLE_CHARS),
    startedAt: c.startedAt.toISOString(),
    lastActivityAt: c.lastActivityAt.toISOString(),
    messageCount: c.messageCount,
    lastAnswerExcerpt: c.lastAnswer === null ? null : clip(c.lastAnswer, EXCERPT_CHARS),
  }));
}

export const lookupCustomer: ToolDefinition<z.output<typeof lookupCustomerParameters>> = {
  name: 'lookup_customer',
  description:
    "Look up the customer you are talking to: their profile (name, email, interests, preferences) and their past conversations with this shop. Only works once they verified who they are; otherwise says they are anonymous.",
  parameters: lookupCustomerParameters,
  effect: 'read',
  async run(_args, ctx) {
    const customer = await sessionCustomer(ctx.db, ctx);
    if (!customer) return { status: 'done', result: ANONYMOUS };
    return {
      status: 'done',
      result: {
        identified: true,
        verifiedBy: customer.identity_level,
        profile: {
          name: customer.name,
          email: customer.email,
          interests: customer.interests,
          preferences: customer.preferences,
          customerSince: new Date(customer.created_at).toISOString(),
        },
        pastConversations: await pastConversations(ctx.db, ctx, ctx.customerId!),
      },
    };
  },
};
