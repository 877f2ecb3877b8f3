-- Solutions: a question and the answer staff gave to it, saved from the console so the bot answers
-- the next visitor who asks the same. The text is searchable as a knowledge-base document
-- (external_id 'solution:<id>'): deleting that document deletes the solution with it, and the
-- solution's row deletes the document in the same transaction (solutions/store.ts).
create table solutions (
  id text not null,
  tenant_id text not null references tenants (id) on delete cascade,
  question text not null,
  answer text not null,
  -- The conversation it was saved from; forgotten (not deleted) when that conversation is deleted.
  session_id text,
  document_id text not null,
  version integer not null default 1,
  -- Who wrote the current version; forgotten when the account is deleted.
  updated_by text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (id, tenant_id),
  foreign key (updated_by, tenant_id) references staff_accounts (id, tenant_id) on delete set null (updated_by),
  foreign key (session_id, tenant_id) references sessions (id, tenant_id) on delete set null (session_id),
  foreign key (document_id, tenant_id) references documents (id, tenant_id) on delete cascade
);
create index solutions_tenant_updated_idx on solutions (tenant_id, updated_at desc);
select prex_protect_table('solutions');

-- Every version of a solution, the current one included: an edit never loses what was there.
create table solution_versions (
  tenant_id text not null,
  solution_id text not null,
  version integer not null,
  question text not null,
  answer text not null,
  created_by text,
  created_at timestamptz not null default now(),
  primary key (tenant_id, solution_id, version),
  foreign key (solution_id, tenant_id) references solutions (id, tenant_id) on delete cascade,
  foreign key (created_by, tenant_id) references staff_accounts (id, tenant_id) on delete set null (created_by)
);
select prex_protect_table('solution_versions');
