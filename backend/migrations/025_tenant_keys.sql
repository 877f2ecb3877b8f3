-- tenant_id in every key of tenant data, so the schema can be distributed by tenant (Citus
-- requires it of every primary key, unique key and foreign key of a distributed table; a directory
-- moving a tenant's rows relies on it too): docs/deploy-instances.md, "Beyond one database".
-- backend/test/db/tenant-keys.test.ts reads the catalog and fails on any key that leaves it out.
--
-- Works on a populated database: a key on (tenant_id, id) holds wherever one on id alone held, and
-- the composite foreign keys below only join rows the application always wrote with one tenant.
-- The (id, tenant_id) unique keys that composite foreign keys already point at are kept: they
-- hold tenant_id, and they serve the few lookups by id alone (a secret key's public id).
-- Lookups made before the tenant is known (credential hashes, SMS numbers) are 026's.

-- Foreign keys that name a parent by id alone go first: they hang on the primary keys replaced below.
alter table staff_sessions drop constraint staff_sessions_staff_id_fkey;
alter table staff_invites drop constraint staff_invites_invited_by_fkey;
alter table sms_conversations drop constraint sms_conversations_session_id_fkey;
alter table sms_messages drop constraint sms_messages_session_id_fkey;

-- The vector channel's table exists only where it was set up (knowledge/search/vector.ts, which
-- creates it in this shape from now on). Its tenant_id was always copied from the chunk's.
do $$
begin
  if to_regclass('public.chunk_embeddings') is not null then
    alter table chunk_embeddings drop constraint if exists chunk_embeddings_chunk_id_fkey;
    update chunk_embeddings e set tenant_id = c.tenant_id from chunks c where c.id = e.chunk_id and e.tenant_id <> c.tenant_id;
    alter table chunk_embeddings drop constraint chunk_embeddings_pkey, add primary key (tenant_id, chunk_id);
    -- The key now serves a tenant's rows.
    drop index if exists chunk_embeddings_tenant_idx;
  end if;
end $$;

-- Primary keys on a random id alone become (tenant_id, id). auth_events is not among them: its
-- tenant_id is null for a refusal no tenant can be named for, and it is counted per client address
-- across tenants, so it is a per-database table like rate_limit_windows (see the catalog test).
alter table agents drop constraint agents_pkey, add primary key (tenant_id, id);
alter table chunks drop constraint chunks_pkey, add primary key (tenant_id, id);
alter table customers drop constraint customers_pkey, add primary key (tenant_id, id);
alter table documents drop constraint documents_pkey, add primary key (tenant_id, id);
alter table email_codes drop constraint email_codes_pkey, add primary key (tenant_id, id);
alter table email_events drop constraint email_events_pkey, add primary key (tenant_id, id);
alter table escalations drop constraint escalations_pkey, add primary key (tenant_id, id);
alter table ingestion_job_items drop constraint ingestion_job_items_pkey, add primary key (tenant_id, id);
alter table ingestion_jobs drop constraint ingestion_jobs_pkey, add primary key (tenant_id, id);
alter table llm_calls drop constraint llm_calls_pkey, add primary key (tenant_id, id);
alter table messages drop constraint messages_pkey, add primary key (tenant_id, id);
alter table products drop constraint products_pkey, add primary key (tenant_id, id);
alter table secret_keys drop constraint secret_keys_pkey, add primary key (tenant_id, id);
alter table sessions drop constraint sessions_pkey, add primary key (tenant_id, id);
alter table sms_messages drop constraint sms_messages_pkey, add primary key (tenant_id, id);
alter table staff_accounts drop constraint staff_accounts_pkey, add primary key (tenant_id, id);
alter table staff_invites drop constraint staff_invites_pkey, add primary key (tenant_id, id);
alter table staff_sessions drop constraint staff_sessions_pkey, add primary key (tenant_id, id);

-- A secret key's public id (sk_<id>_…) names its tenant when a wrong secret comes with it: found by id.
alter table secret_keys add unique (id, tenant_id);

-- Keys unique per parent gain tenant_id (and replace the plain indexes they now cover).
alter table chunks drop constraint chunks_document_id_ordinal_key, add unique (tenant_id, document_id, ordinal);
alter table document_versions drop constraint document_versions_pkey, add primary key (tenant_id, document_id, version);
drop index document_versions_tenant_idx;
alter table ingestion_job_items drop constraint ingestion_job_items_job_id_ordinal_key, add unique (tenant_id, job_id, ordinal);
drop index ingestion_job_items_job_idx;
alter table sms_conversations drop constraint sms_conversations_session_id_key, add unique (tenant_id, session_id);
-- A Prex message goes out once, whichever instance heard of it first (sms/repository.ts claims it on this key).
drop index sms_messages_outbound_message_idx;
create unique index sms_messages_outbound_message_idx on sms_messages (tenant_id, message_id) where direction = 'outbound';

-- Foreign keys join on the tenant too, as every later table's do: a row can only name a parent of its own tenant.
-- A staff session for an account of another tenant never signed anyone in (staff/sessions.ts joins
-- on both): it goes. An invite naming another tenant's account forgets who sent it.
delete from staff_sessions s where not exists (select 1 from staff_accounts a where a.id = s.staff_id and a.tenant_id = s.tenant_id);
update staff_invites i set invited_by = null
 where invited_by is not null and not exists (select 1 from staff_accounts a where a.id = i.invited_by and a.tenant_id = i.tenant_id);
alter table staff_sessions add foreign key (staff_id, tenant_id) references staff_accounts (id, tenant_id) on delete cascade;
alter table staff_invites add foreign key (invited_by, tenant_id) references staff_accounts (id, tenant_id) on delete set null (invited_by);
alter table sms_conversations add foreign key (session_id, tenant_id) references sessions (id, tenant_id) on delete cascade;
alter table sms_messages add foreign key (session_id, tenant_id) references sessions (id, tenant_id) on delete cascade;
do $$
begin
  if to_regclass('public.chunk_embeddings') is not null then
    alter table chunk_embeddings add foreign key (tenant_id, chunk_id) references chunks (tenant_id, id) on delete cascade;
  end if;
end $$;
-- staff_sessions_staff_idx (staff_id) stays: the composite key's cascade finds an account's sessions by it.
