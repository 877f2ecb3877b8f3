-- The tenant's product catalog (searched by the search_products tool) and escalations to a human.

create table products (
  id text primary key,                                  -- prd_…
  tenant_id text not null references tenants (id) on delete cascade,
  -- The tenant's own id; imports upsert on it.
  sku text not null,
  name text not null,
  description text not null default '',
  -- Smallest currency unit (cents) and ISO 4217 code; both null when the price is not published.
  price_cents bigint,
  currency text,
  url text,
  in_stock boolean,
  attributes jsonb not null default '{}'::jsonb,
  tsv tsvector generated always as (
    setweight(to_tsvector('simple'::regconfig, sku), 'A') ||
    setweight(to_tsvector('english'::regconfig, name), 'A') ||
    setweight(to_tsvector('english'::regconfig, description), 'C')
  ) stored,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, sku)
);
create index products_tsv_idx on products using gin (tsv);

-- A conversation handed (or proposed to be handed) to a human.
create table escalations (
  id text primary key,                                  -- esc_…
  tenant_id text not null references tenants (id) on delete cascade,
  session_id text not null,
  -- The user message that led to it, when there is one.
  message_id text,
  reason text not null,
  -- classifier: the user asked for a human; tool: the model proposed it; visitor: the widget's button.
  source text not null check (source in ('classifier', 'tool', 'visitor', 'no_answer')),
  -- proposed: waiting for the visitor to confirm (a tool that changes something never acts alone).
  status text not null default 'open' check (status in ('proposed', 'open', 'resolved', 'declined')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  foreign key (session_id, tenant_id) references sessions (id, tenant_id) on delete cascade
);
create index escalations_tenant_status_idx on escalations (tenant_id, status, created_at desc);
create index escalations_session_idx on escalations (tenant_id, session_id);

-- At most one active (proposed or open) escalation per conversation: two clicks on "talk to a
-- human", or the model proposing twice, reuse it instead of filing duplicates for the team.
create unique index escalations_one_active_idx on escalations (tenant_id, session_id) where status in ('proposed', 'open');
