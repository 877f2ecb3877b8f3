-- An API for the tenant's own gateways (another SMS or WhatsApp gateway, an IVR): the channel secret
-- their servers sign short-lived JWTs with, and the conversation each of their users has with Prex.
-- Plain SQL for PGlite, Postgres 15, Supabase.

-- One secret per tenant, made and rotated by the owner. Kept as is (HS256 verification needs the key
-- itself, as the identity secret in tenants.identity_secret does), in a protected table, and never
-- returned by the API after the response that created it.
create table channel_api_secrets (
  tenant_id text primary key references tenants (id) on delete cascade,
  secret text not null,
  created_at timestamptz not null default now()
);
select prex_protect_table('channel_api_secrets');

-- One conversation (session) per conversation key and tenant: the gateway's user id or phone number.
create table api_conversations (
  tenant_id text not null references tenants (id) on delete cascade,
  conversation_key text not null,
  session_id text not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, conversation_key),
  unique (tenant_id, session_id),
  foreign key (session_id, tenant_id) references sessions (id, tenant_id) on delete cascade
);
select prex_protect_table('api_conversations');
