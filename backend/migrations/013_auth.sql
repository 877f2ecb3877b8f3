-- Who is calling: secret keys with a public id (several per tenant, so a rotation can keep the old
-- key working for a grace period), refusals recorded even when no tenant owns the key, and the
-- origins from which a tenant lets browsers read its admin API.
-- Plain SQL for PGlite, Debian's Postgres 15 and Supabase.

create table secret_keys (
  -- The key's public id: a key reads sk_<id>_<secret>. A wrong secret under a real id is a failed
  -- attempt on that tenant, which it can see.
  id text primary key,
  tenant_id text not null references tenants (id) on delete cascade,
  -- SHA-256 (hex) of the whole key; the key itself is shown once and never stored.
  key_hash text not null unique,
  created_at timestamptz not null default now(),
  -- Set when a newer key replaces this one: it keeps working until then. Null: no end.
  expires_at timestamptz
);
create index secret_keys_tenant_idx on secret_keys (tenant_id, created_at desc);

-- Keys issued before ids existed keep working: they are found by their hash alone.
insert into secret_keys (id, tenant_id, key_hash, created_at)
select 'legacy_' || id, id, secret_key_hash, created_at from tenants;
alter table tenants drop column secret_key_hash;

-- Browsers may read the admin API only from these origins (empty: from none).
alter table tenants add column admin_origins text[] not null default '{}';

-- A refusal of a secret key that names no tenant still counts against the caller's address.
alter table auth_events alter column tenant_id drop not null;
create index auth_events_ip_idx on auth_events (kind, ip_hash, created_at) where ip_hash is not null;
