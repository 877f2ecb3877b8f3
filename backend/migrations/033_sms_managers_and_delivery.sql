-- SMS, continued: the tenant's manager numbers (told by SMS when a conversation is handed to a
-- person, and able to answer the customer by replying), the notices they were sent, and Twilio's
-- delivery status of every message Prex sent (its status callback).

-- E.164 numbers, at most 10. A manager's number is never a customer's of the same tenant
-- (sms/settings-routes.ts refuses the mix; the webhook routes a manager's message to the manager path).
alter table sms_settings add column manager_numbers text[] not null default '{}'
  check (cardinality(manager_numbers) <= 10);

-- One notice per manager number and escalation; `code` (same for every manager of one escalation)
-- is what the manager may quote ("#K3F2 ...") to answer an older handoff than the latest.
create table sms_manager_notices (
  id text not null,                                     -- smn_…
  tenant_id text not null references tenants (id) on delete cascade,
  phone text not null,
  session_id text not null,
  escalation_id text not null,
  code text not null,
  -- sending | sent | failed
  status text not null,
  outbound_sids text[] not null default '{}',
  error text,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (session_id, tenant_id) references sessions (id, tenant_id) on delete cascade
);
select prex_protect_table('sms_manager_notices');
create index sms_manager_notices_phone_idx on sms_manager_notices (tenant_id, phone, created_at desc);

-- Twilio's status of each message it was asked to send (one per part of a split answer), as its
-- status callback reports it: queued → sent → delivered | undelivered | failed. Rows are made when
-- Twilio accepts the message; a callback for a sid with no row changes nothing.
create table sms_deliveries (
  tenant_id text not null references tenants (id) on delete cascade,
  message_sid text not null,
  -- The outbound sms_messages row, or the manager notice, it belongs to.
  sms_message_id text,
  notice_id text,
  status text not null,
  error_code integer,
  updated_at timestamptz not null default now(),
  primary key (tenant_id, message_sid),
  foreign key (tenant_id, sms_message_id) references sms_messages (tenant_id, id) on delete cascade,
  foreign key (tenant_id, notice_id) references sms_manager_notices (tenant_id, id) on delete cascade,
  check ((sms_message_id is null) <> (notice_id is null))
);
select prex_protect_table('sms_deliveries');
create index sms_deliveries_message_idx on sms_deliveries (tenant_id, sms_message_id);
