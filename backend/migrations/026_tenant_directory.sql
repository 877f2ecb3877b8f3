-- The tenant directory: what is looked up before the tenant is known (a secret key, a staff session
-- cookie, an invite or password-reset link, the number a text message was sent to) → its tenant.
-- docs/deploy-instances.md, "Beyond one database".
--
-- Those values must be unique across every tenant, and a key of a table distributed by tenant can
-- only promise uniqueness within one tenant. So the tables keep (value, tenant_id) keys, which hold
-- tenant_id and still serve today's lookups by value, and global uniqueness moves here: one small
-- table keyed by (kind, key), a reference table (copied to every node) once the schema is
-- distributed, read first to route a lookup to its tenant's shard.
--
-- Triggers keep it in step with the tables, in the same transaction as every write, so no store has
-- to remember it: a second tenant taking a number or a hash already taken fails on its primary key,
-- as it failed on the old unique keys. The stores go on reading their own tables on one database.
create table tenant_directory (
  kind text not null check (kind in ('secret_key', 'secret_key_id', 'staff_session', 'staff_invite', 'staff_password_reset', 'sms_number')),
  -- A credential's SHA-256 (hex), a secret key's public id, or an E.164 number.
  key text not null,
  tenant_id text not null references tenants (id) on delete cascade,
  primary key (kind, key)
);
create index tenant_directory_tenant_idx on tenant_directory (tenant_id);
select prex_protect_table('tenant_directory');

-- After a row's insert, update or delete: trigger arguments are the directory kind and the column
-- holding the key. A row that names no key (null) has no entry.
create function prex_tenant_directory_sync() returns trigger language plpgsql as $$
declare
  entry_kind text := tg_argv[0];
  old_key text;
  new_key text;
begin
  if tg_op in ('UPDATE', 'DELETE') then
    old_key := to_jsonb(old) ->> tg_argv[1];
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    new_key := to_jsonb(new) ->> tg_argv[1];
  end if;
  if tg_op = 'UPDATE' and old_key is not distinct from new_key and old.tenant_id = new.tenant_id then
    return null;
  end if;
  if old_key is not null then
    delete from tenant_directory d where d.kind = entry_kind and d.key = old_key and d.tenant_id = old.tenant_id;
  end if;
  if new_key is not null then
    insert into tenant_directory (kind, key, tenant_id) values (entry_kind, new_key, new.tenant_id);
  end if;
  return null;
end $$;
revoke all on function prex_tenant_directory_sync() from public;

create trigger secret_keys_directory after insert or update or delete on secret_keys
  for each row execute function prex_tenant_directory_sync('secret_key', 'key_hash');
create trigger secret_keys_id_directory after insert or update or delete on secret_keys
  for each row execute function prex_tenant_directory_sync('secret_key_id', 'id');
create trigger staff_sessions_directory after insert or update or delete on staff_sessions
  for each row execute function prex_tenant_directory_sync('staff_session', 'token_hash');
create trigger staff_invites_directory after insert or update or delete on staff_invites
  for each row execute function prex_tenant_directory_sync('staff_invite', 'token_hash');
create trigger staff_password_resets_directory after insert or update or delete on staff_password_resets
  for each row execute function prex_tenant_directory_sync('staff_password_reset', 'token_hash');
create trigger sms_settings_directory after insert or update or delete on sms_settings
  for each row execute function prex_tenant_directory_sync('sms_number', 'phone_number');

-- What exists already (unique until now under the keys replaced below, so nothing collides).
insert into tenant_directory (kind, key, tenant_id)
select 'secret_key', key_hash, tenant_id from secret_keys
union all select 'secret_key_id', id, tenant_id from secret_keys
union all select 'staff_session', token_hash, tenant_id from staff_sessions
union all select 'staff_invite', token_hash, tenant_id from staff_invites
union all select 'staff_password_reset', token_hash, tenant_id from staff_password_resets
union all select 'sms_number', phone_number, tenant_id from sms_settings;

-- The tables' own keys: the value first, so a lookup by it alone (one database) uses the index.
alter table secret_keys drop constraint secret_keys_key_hash_key, add unique (key_hash, tenant_id);
alter table staff_sessions drop constraint staff_sessions_token_hash_key, add unique (token_hash, tenant_id);
alter table staff_invites drop constraint staff_invites_token_hash_key, add unique (token_hash, tenant_id);
alter table staff_password_resets drop constraint staff_password_resets_token_hash_key, add unique (token_hash, tenant_id);
-- One row per tenant (its primary key) already; the number is unique through the directory.
alter table sms_settings drop constraint sms_settings_phone_number_key;
create index sms_settings_phone_number_idx on sms_settings (phone_number);
