-- Every email sent (or written to the local outbox), visible to the tenant.

create table email_events (
  id text primary key,                                  -- eml_…
  tenant_id text not null references tenants (id) on delete cascade,
  session_id text,
  customer_id text,
  -- otp | summary | auto_summary | export
  kind text not null,
  recipient text not null,
  status text not null check (status in ('sent', 'outbox', 'failed')),
  provider_id text,
  error text,
  created_at timestamptz not null default now()
);
create index email_events_tenant_created_idx on email_events (tenant_id, created_at desc);

-- When the automatic summary for a session went out (it goes once per quiet period).
alter table sessions add column summary_sent_at timestamptz;
