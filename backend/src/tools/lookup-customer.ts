import { z } from 'zod';
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
  identity_level: string;
  created_at: Date;
}

/**
 * The session's own customer, and only when the session row really links to it: the tool never
 * reads a customer on the strength of the context alone.
 */
async function sessionCustomer(db: Db, ctx: ToolContext): Promise<CustomerRow | undefined> {
  if (!ctx.customerId) return undefined;
  const rows = await db.query<CustomerRow>(
    `select c.name, c.email, c.interests, c.preferences, s.identity_level, c.created_at
       from sessions s join customers c on c.id = s.customer_id and c.tenant_id = s.tenant_id
      where s.tenant_id = $1 and s.id = $2 and s.customer_id = $3`,
    [ctx.tenantId, ctx.sessionId, ctx.customerId],
  );
  return rows[0];
}

interface ConversationRow {
  started_at: Date;
  last_at: Date;
  message_count: number;
  title: string | null;
  excerpt: string | null;
}

/** The customer's other conversations in this tenant, most recent first, as titles and excerpts. */
async function pastConversations(db: Db, ctx: ToolContext, customerId: string) {
  const rows = await db.query<ConversationRow>(
    `select s.created_at as started_at, max(m.created_at) as last_at, count(m.id)::int as message_count,
            (select f.text from messages f where f.tenant_id = s.tenant_id and f.session_id = s.id and f.role = 'user'
              order by f.created_at, f.position limit 1) as title,
            (select l.text from messages l where l.tenant_id = s.tenant_id and l.session_id = s.id and l.role = 'assistant' and l.text <> ''
              order by l.created_at desc, l.position desc limit 1) as excerpt
       from sessions s join messages m on m.tenant_id = s.tenant_id and m.session_id = s.id
      where s.tenant_id = $1 and s.customer_id = $2 and s.id <> $3
      group by s.id, s.tenant_id, s.created_at
      order by last_at desc
      limit ${MAX_CONVERSATIONS}`,
    [ctx.tenantId, customerId, ctx.sessionId],
  );
  return rows.map((r) => ({
    title: r.title === null ? null : clip(r.title, TITLE_CHARS),
    startedAt: new Date(r.started_at).toISOString(),
    lastActivityAt: new Date(r.last_at).toISOString(),
    messageCount: r.message_count,
    lastAnswerExcerpt: r.excerpt === null ? null : clip(r.excerpt, EXCERPT_CHARS),
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
