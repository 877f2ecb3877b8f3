-- Publishable keys replaced by a rotation: each keeps opening the widget for its tenant until its
-- grace period ends (then it is refused, and a later sweep may drop the row). Keys are random
-- (128 bits), so a key names one tenant; the lookup index is by key alone. Plain SQL for PGlite,
-- Postgres 15, Supabase.
create table previous_publishable_keys (
  tenant_id text not null references tenants (id) on delete cascade,
  publishable_key text not null,
  replaced_at timestamptz not null default now(),
  expires_at timestamptz not null,
  primary key (tenant_id, publishable_key)
);
create index previous_publishable_keys_key_idx on previous_publishable_keys (publishable_key);
select prex_protect_table('previous_publishable_keys');

-- Data retention: conversations quiet for longer than this many days are deleted by the retention
-- sweep. Null (the default): kept until deleted by hand or by a customer's erasure.
alter table tenants add column conversation_retention_days integer
  check (conversation_retention_days is null or conversation_retention_days between 1 and 36500);

-- The sweep looks for a tenant's quiet sessions.
create index sessions_tenant_last_seen_idx on sessions (tenant_id, last_seen_at);
