-- Secrets the server makes for itself when the operator sets none (the session secret signs visitor
-- tokens and keys one-time-code hashes): stored once, so every instance and every restart share them.
create table server_secrets (
  name text primary key,
  value text not null,
  created_at timestamptz not null default now()
);
select prex_protect_table('server_secrets');
