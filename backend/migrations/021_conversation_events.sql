-- The conversation's own events besides answers (staff replies, handoff state), in order: what the
-- widget's event stream (GET /v1/conversations/current/events) serves from any instance. `seq`
-- grows per conversation and is taken as max + 1 under the primary key, so a seq is visible only
-- after every smaller one of its conversation: a reader resuming after N never skips an event that
-- commits late. Staff typing is not stored (it travels on the bus only).
create table conversation_events (
  tenant_id text not null,
  session_id text not null,
  seq integer not null,
  kind text not null check (kind in ('staff-message', 'handoff')),
  -- staff-message: the message (read at send time, so the payload is always the stored one)
  message_id text,
  -- handoff: the escalation and the state it reached
  escalation_id text,
  status text check (status in ('open', 'resolved')),
  created_at timestamptz not null default now(),
  primary key (tenant_id, session_id, seq),
  foreign key (session_id, tenant_id) references sessions (id, tenant_id) on delete cascade
);
select prex_protect_table('conversation_events');

-- A staff reply shows its writer's name when the team gives one.
alter table messages add column author_name text;
