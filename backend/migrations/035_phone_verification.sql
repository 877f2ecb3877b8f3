-- Phone numbers verified by a one-time SMS code: the customer's verified phone, the codes (stored as
-- an HMAC, never in clear, as email_codes), and 'phone' on the identity ladder.
-- Plain SQL for PGlite, Postgres 15, Supabase.

-- E.164; set once proved by an SMS code. One customer per phone and tenant.
alter table customers add column phone text;
alter table customers add column phone_verified_at timestamptz;
alter table customers add constraint customers_tenant_phone_key unique (tenant_id, phone);

-- anonymous | host (signed identity) | phone (verified by SMS code) | email (verified by email code)
alter table sessions drop constraint sessions_identity_level_check;
alter table sessions add constraint sessions_identity_level_check check (identity_level in ('anonymous', 'host', 'phone', 'email'));

-- One active code per (tenant, phone); the same shape as email_codes so the same code logic serves both.
create table phone_codes (
  id text not null,                                     -- otp_…
  tenant_id text not null references tenants (id) on delete cascade,
  phone text not null,
  -- verify
  purpose text not null,
  code_hash text not null,
  -- The session that asked; the code is only accepted from it.
  session_id text,
  attempts integer not null default 0,
  expires_at timestamptz not null,
  -- Set when used, replaced by a newer code, or locked after too many wrong attempts.
  consumed_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id)
);
create unique index phone_codes_active_idx on phone_codes (tenant_id, phone) where consumed_at is null;
create index phone_codes_sends_idx on phone_codes (tenant_id, phone, created_at);
select prex_protect_table('phone_codes');
