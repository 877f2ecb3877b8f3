-- Learned questions: a question answered well (an answer the visitor rated up, an answer staff
-- marked good, a staff reply saved as a solution, an agent eval case) attached to the passage that
-- answered it, and searched as a separate, lower-weight field of that passage
-- (knowledge/learning/, docs/retrieval.md "Learned questions").
--
-- Reversible by construction: the source (kind + id) is kept with every row, and the source's own
-- row owns it through a cascading foreign key: deleting the answer (a regenerate), its conversation
-- (staff, the customer's data erasure, the retention sweep) or the solution deletes what was
-- learned from it. The document owns it too; the chunk does not: a changed document is re-chunked
-- (new chunk ids), its learned questions lose their chunk (set null) and ingestion anchors them
-- again to the new chunk that best matches them (knowledge/learning/anchor.ts).
create table learned_questions (
  id text not null,
  tenant_id text not null references tenants (id) on delete cascade,
  -- rated_up | marked_good (source_id: the answer's message id) | solution (the solution's id) | eval_case
  source_kind text not null check (source_kind in ('rated_up', 'marked_good', 'solution', 'eval_case')),
  source_id text not null,
  -- The owning rows, for the cascades: exactly the source, by kind.
  message_id text,
  solution_id text,
  question text not null,
  document_id text not null,
  chunk_id text,
  -- The text-search configuration of the chunk it was attached to (the tenant's language).
  language regconfig not null default 'english'::regconfig,
  tsv tsvector generated always as (to_tsvector(language, question)) stored,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, source_kind, source_id, document_id),
  check ((source_kind in ('rated_up', 'marked_good')) = (message_id is not null) and (message_id is null or message_id = source_id)),
  check ((source_kind = 'solution') = (solution_id is not null) and (solution_id is null or solution_id = source_id)),
  foreign key (tenant_id, message_id) references messages (tenant_id, id) on delete cascade,
  foreign key (tenant_id, solution_id) references solutions (tenant_id, id) on delete cascade,
  foreign key (tenant_id, document_id) references documents (tenant_id, id) on delete cascade,
  foreign key (tenant_id, chunk_id) references chunks (tenant_id, id) on delete set null (chunk_id)
);
select prex_protect_table('learned_questions');

-- Search: the learned questions matching a question's terms.
create index learned_questions_tsv_idx on learned_questions using gin (tsv);
create index learned_questions_chunk_idx on learned_questions (tenant_id, chunk_id);
-- The cascades and removal by source.
create index learned_questions_message_idx on learned_questions (tenant_id, message_id) where message_id is not null;
create index learned_questions_solution_idx on learned_questions (tenant_id, solution_id) where solution_id is not null;
create index learned_questions_document_idx on learned_questions (tenant_id, document_id);
create index learned_questions_source_idx on learned_questions (tenant_id, source_kind, source_id);

-- Term statistics of the learned questions per tenant, like search_terms for chunks (004): per
-- lexeme, how many learned questions contain it; the row with lexeme '' holds their count (df) and
-- total vector length. Kept by statement-level triggers (rows are only inserted and deleted; the
-- question of a row never changes).
create table learned_terms (
  tenant_id text not null references tenants (id) on delete cascade,
  lexeme text not null,
  df bigint not null default 0,
  total_len bigint not null default 0,
  primary key (tenant_id, lexeme)
);
select prex_protect_table('learned_terms');

create function prex_learned_terms_add() returns trigger language plpgsql as $$
begin
  insert into learned_terms (tenant_id, lexeme, df, total_len)
  select tenant_id, lexeme, sum(n), sum(len) from (
    select n.tenant_id, u.lexeme, 1 as n, 0 as len from new_rows n, unnest(tsvector_to_array(n.tsv)) as u(lexeme)
    union all
    select n.tenant_id, '', 1, length(n.tsv) from new_rows n
  ) s
  group by tenant_id, lexeme
  order by tenant_id, lexeme
  on conflict (tenant_id, lexeme) do update
    set df = learned_terms.df + excluded.df, total_len = learned_terms.total_len + excluded.total_len;
  return null;
end $$;

create function prex_learned_terms_remove() returns trigger language plpgsql as $$
begin
  update learned_terms s
  set df = greatest(s.df - d.n, 0), total_len = greatest(s.total_len - d.len, 0)
  from (
    select tenant_id, lexeme, sum(n) as n, sum(len) as len from (
      select o.tenant_id, u.lexeme, 1 as n, 0 as len from old_rows o, unnest(tsvector_to_array(o.tsv)) as u(lexeme)
      union all
      select o.tenant_id, '', 1, length(o.tsv) from old_rows o
    ) x
    group by tenant_id, lexeme
  ) d
  where s.tenant_id = d.tenant_id and s.lexeme = d.lexeme;
  return null;
end $$;

create trigger learned_terms_insert after insert on learned_questions
  referencing new table as new_rows for each statement execute function prex_learned_terms_add();
create trigger learned_terms_delete after delete on learned_questions
  referencing old table as old_rows for each statement execute function prex_learned_terms_remove();
