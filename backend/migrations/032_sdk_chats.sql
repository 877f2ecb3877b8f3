-- Chats of the Vercel AI SDK (useChat's `id`) mapped to Prex conversations. A session token may
-- hold several chats; each chat id names its own conversation (a session row of its own, created
-- on the chat's first message), so two chats never share a history. The mapping is per tenant and
-- per owning session token: a chat id means nothing to another session or tenant.
-- Plain SQL for PGlite, Postgres 15, Supabase.
create table sdk_chats (
  tenant_id text not null references tenants (id) on delete cascade,
  -- The session whose token sent the chat's messages.
  owner_session_id text not null,
  -- The client's chat id, as useChat chose it (validated by @prex/protocol's chatIdSchema).
  chat_id text not null,
  -- The conversation holding the chat's messages.
  session_id text not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, owner_session_id, chat_id),
  unique (tenant_id, session_id),
  foreign key (owner_session_id, tenant_id) references sessions (id, tenant_id) on delete cascade,
  foreign key (session_id, tenant_id) references sessions (id, tenant_id) on delete cascade
);
select prex_protect_table('sdk_chats');
