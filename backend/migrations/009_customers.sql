-- Customers: verified identities per tenant, their profiles, the sessions linked to them, one-time
-- email codes and the refusals counted for abuse monitoring.

create table customers (
  id text primary key,                                  -- cus_…
  tenant_id text not null references tenants (id) on delete cascade,
  -- Lower-cased; set once verified by an email code (or asserted by a signed host identity).
  email text,
  -- The host site's user id, from a signed identity.
  external_id text,
  name text,
  preferences jsonb not null default '{}'::jsonb,
  -- Products or services of interest.
  interests text[] not null default '{}',
  notes text not null default '',
  email_verified_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, email),
  unique (tenant_id, external_id),
  unique (id, tenant_id)
);

-- anonymous | host (signed identity) | email (verified by code)
alter table sessions add column identity_level text not null default 'anonymous'
  check (identity_level in ('anonymous', 'host', 'email'));
alter table sessions add column customer_id text;
alter table sessions add foreign key (customer_id, tenant_id) references customers (id, tenant_id) on delete set null (customer_id);
create index sessions_customer_idx on sessions (tenant_id, customer_id) where customer_id is not null;

-- Tenant settings for customers: { "requireSignedIdentity": true, "summaryEmails": {…} }.
alter table tenants add column customer_settings jsonb not null default '{}'::jsonb;
-- Key for the host site's signed identities (HMAC-SHA256 of the user id, or an HS256 JWT). Unlike
-- the secret API key it must be readable to verify a signature; shown and rotated by the admin API.
alter table tenants add column identity_secret text;

-- One-time codes: stored as an HMAC, never in clear. One active code per (tenant, email).
create table email_codes (
  id text primary key,                                  -- otp_…
  tenant_id text not null references tenants (id) on delete cascade,
  email text not null,
  -- verify | export | delete
  purpose text not null,
  code_hash text not null,
  -- The session that asked; the code is only accepted from it.
  session_id text,
  attempts integer not null default 0,
  expires_at timestamptz not null,
  -- Set when used, replaced by a newer code, or locked after too many wrong attempts.
  consumed_at timestamptz,
  created_at timestamptz not null default now()
);
create unique index email_codes_active_idx on email_codes (tenant_id, email) where consumed_at is null;
create index email_codes_sends_idx on email_codes (tenant_id, email, created_at);

-- Refused identity and code attempts (forged signature, wrong code, flood…), for rate limits and the tenant's view.
create table auth_events (
  id bigint generated always as identity primary key,
  tenant_id text not null references tenants (id) on delete cascade,
  kind text not null,
  -- SHA-256 of the lower-cased email / the client IP: counted without keeping them in clear.
  email_hash text,
  ip_hash text,
  created_at timestamptz not null default now()
);
create index auth_events_tenant_created_idx on auth_events (tenant_id, created_at);
