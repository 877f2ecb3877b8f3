-- The tenant's staff: accounts with a role, their sign-in sessions and the invites that create them.
-- Secrets (passwords, session cookies, invite tokens) are never stored: a password as its scrypt
-- hash, tokens as their SHA-256. Plain SQL for PGlite, Debian's Postgres 15 and Supabase.

create table staff_accounts (
  id text primary key,
  tenant_id text not null references tenants (id) on delete cascade,
  -- Lower-cased; one account per email and tenant (a person may be staff of several tenants).
  email text not null,
  role text not null check (role in ('owner', 'admin', 'agent')),
  -- scrypt$N$r$p$salt$hash (staff/password.ts): the parameters travel with the hash so they can grow.
  password_hash text not null,
  created_at timestamptz not null default now(),
  unique (tenant_id, email)
);
create index staff_accounts_email_idx on staff_accounts (email);
select prex_protect_table('staff_accounts');

-- A signed-in browser. The cookie holds a random token; the row holds its SHA-256, so a read of the
-- table gives no usable session. Revoked by setting revoked_at (logout, logout everywhere).
create table staff_sessions (
  id text primary key,
  token_hash text not null unique,
  staff_id text not null references staff_accounts (id) on delete cascade,
  tenant_id text not null references tenants (id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz
);
create index staff_sessions_staff_idx on staff_sessions (staff_id) where revoked_at is null;
select prex_protect_table('staff_sessions');

-- An invitation mailed by an owner (or admin): its one-time link carries a token whose SHA-256 is here.
create table staff_invites (
  id text primary key,
  tenant_id text not null references tenants (id) on delete cascade,
  email text not null,
  role text not null check (role in ('owner', 'admin', 'agent')),
  token_hash text not null unique,
  invited_by text references staff_accounts (id) on delete set null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  accepted_at timestamptz
);
create index staff_invites_tenant_idx on staff_invites (tenant_id, created_at desc);
select prex_protect_table('staff_invites');

-- Failed staff sign-ins are counted per email (whichever tenant), as auth events of kind
-- 'staff_login_failed', so the limit holds across instances.
create index auth_events_email_idx on auth_events (kind, email_hash, created_at) where email_hash is not null;
