-- Password resets of staff accounts: the one-time link mailed to the account's email carries a
-- random token whose SHA-256 is here (as for staff_invites). A reset is used once, within its
-- expiry; using one ends every session of the account. Plain SQL for PGlite, Postgres 15, Supabase.
create table staff_password_resets (
  id text not null,
  tenant_id text not null references tenants (id) on delete cascade,
  account_id text not null,
  token_hash text not null unique,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz,
  primary key (tenant_id, id),
  foreign key (account_id, tenant_id) references staff_accounts (id, tenant_id) on delete cascade
);
create index staff_password_resets_account_idx on staff_password_resets (tenant_id, account_id) where used_at is null;
select prex_protect_table('staff_password_resets');

-- The name a staff member goes by in the console (given at first-run setup); null until given.
alter table staff_accounts add column name text;
