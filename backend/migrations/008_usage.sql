-- Every model call: what it cost and how it went. Rows outlive their session: deleting a customer
-- clears session_id and message_id (an anonymized usage record is what the tenant must keep).

create table llm_calls (
  id text primary key,                                  -- llm_…
  tenant_id text not null references tenants (id) on delete cascade,
  agent_id text,
  session_id text,
  message_id text,
  -- answer | classify | persona | summary | eval
  purpose text not null,
  model text not null,
  prompt_tokens integer,
  completion_tokens integer,
  -- From the per-model price table in config; null when the model has no price there.
  cost_usd numeric(14, 8),
  latency_ms integer not null,
  -- Time to first token (streamed calls).
  ttft_ms integer,
  outcome text not null check (outcome in ('ok', 'error', 'aborted', 'timeout')),
  error text,
  created_at timestamptz not null default now()
);
create index llm_calls_tenant_created_idx on llm_calls (tenant_id, created_at);
create index llm_calls_session_idx on llm_calls (tenant_id, session_id) where session_id is not null;
