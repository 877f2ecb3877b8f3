-- SMS through Twilio: a tenant's number and credentials, the conversation each phone number has with
-- it, and every message that went in or out (with Twilio's id: a retried webhook is answered once).

create table sms_settings (
  tenant_id text primary key references tenants (id) on delete cascade,
  account_sid text not null,
  -- Twilio's auth token signs webhooks and authenticates REST calls: kept here only, never returned
  -- by the API (it shows the last four characters).
  auth_token text not null,
  -- E.164. A Twilio number answers for one tenant only.
  phone_number text not null unique,
  -- True when Twilio's own opt-out handling is off on the number: Prex then sends the STOP/START/HELP replies.
  keyword_replies boolean not null default false,
  help_text text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
select prex_protect_table('sms_settings');

-- One conversation (session) per phone number and tenant; the number is the customer's key on this channel.
create table sms_conversations (
  tenant_id text not null references tenants (id) on delete cascade,
  -- E.164, as Twilio sends it in From.
  phone text not null,
  session_id text not null unique references sessions (id) on delete cascade,
  -- Set by STOP, cleared by START: nothing is sent to the number while it is set.
  opted_out_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (tenant_id, phone)
);
select prex_protect_table('sms_conversations');

create table sms_messages (
  id text primary key,                                  -- sms_…
  tenant_id text not null references tenants (id) on delete cascade,
  session_id text not null references sessions (id) on delete cascade,
  direction text not null check (direction in ('inbound', 'outbound')),
  -- Inbound: the webhook's MessageSid.
  inbound_sid text,
  -- Outbound: the sids of the messages created, one per part.
  outbound_sids text[] not null default '{}',
  -- The Prex message: the visitor's (inbound) or the answer / staff reply sent (outbound).
  message_id text,
  -- inbound: received | stop | start | help | opted_out | to_staff | answered | failed; outbound: sending | sent | failed | skipped
  status text not null,
  error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
select prex_protect_table('sms_messages');
-- A retried webhook carries the same MessageSid: the second insert finds the first.
create unique index sms_messages_inbound_sid_idx on sms_messages (tenant_id, inbound_sid) where direction = 'inbound';
-- A Prex message goes out once, whichever instance heard of it first.
create unique index sms_messages_outbound_message_idx on sms_messages (message_id) where direction = 'outbound';
create index sms_messages_session_idx on sms_messages (tenant_id, session_id, created_at);
