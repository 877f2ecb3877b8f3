-- Files a visitor attaches to their conversation (backend/src/attachments/). The bytes live in the
-- attachment storage (local disk or Supabase Storage) under storage_key, a random id: never the
-- visitor's file name. Plain SQL for PGlite, Postgres 15, Supabase.

-- The message that carries the file, with the part a history shows (id, name, type, size); the
-- storage key stays on the server.
alter table messages add column attachments jsonb not null default '[]'::jsonb;

-- What visitors may attach ({enabled, maxBytes, contentTypes}); null: the defaults (attachments/settings.ts).
alter table tenants add column attachment_settings jsonb;

create table attachments (
  tenant_id text not null references tenants (id) on delete cascade,
  id text not null,                                     -- att_…
  session_id text not null,
  message_id text not null,
  storage_key text not null,
  -- The visitor's name for the file, shown and offered on download (sanitised there), never a path.
  filename text not null,
  -- The sniffed type: what the bytes are, not what the browser said.
  content_type text not null,
  size_bytes integer not null check (size_bytes > 0),
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, storage_key),
  foreign key (session_id, tenant_id) references sessions (id, tenant_id) on delete cascade,
  foreign key (tenant_id, message_id) references messages (tenant_id, id) on delete cascade
);
create index attachments_session_idx on attachments (tenant_id, session_id);
select prex_protect_table('attachments');

-- Files whose row is gone (a customer erased, retention, a deleted session or tenant) but whose
-- bytes are still in storage: the storage cannot join the database's transaction, so the delete
-- records the key here, and the attachments feature removes the file and then the row. No foreign
-- key to tenants: the entry must outlive its tenant's deletion.
create table attachment_erasures (
  tenant_id text not null,
  storage_key text not null,
  erased_at timestamptz not null default now(),
  primary key (tenant_id, storage_key)
);
select prex_protect_table('attachment_erasures');

create function prex_attachment_erased() returns trigger language plpgsql as $$
begin
  insert into attachment_erasures (tenant_id, storage_key) values (old.tenant_id, old.storage_key)
    on conflict do nothing;
  return null;
end $$;
revoke all on function prex_attachment_erased() from public;

create trigger attachments_erased after delete on attachments
  for each row execute function prex_attachment_erased();
