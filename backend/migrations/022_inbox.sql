-- The staff inbox: each conversation's working state (status, assignee, last activity), how far each
-- staff member has read it, the team's private notes, and canned replies. A conversation is a
-- session; its state row is kept current where messages and handoffs are stored
-- (conversations/working-state.ts), and made here for the conversations that already exist.

-- Lets a row name an account of its own tenant only (composite foreign keys below).
alter table staff_accounts add constraint staff_accounts_id_tenant_key unique (id, tenant_id);

create table conversation_states (
  tenant_id text not null references tenants (id) on delete cascade,
  session_id text not null,
  -- open: a person should act; pending: the bot has it; resolved: done; snoozed: hidden until
  -- snoozed_until (read as open once it passed) or the visitor's next message.
  status text not null check (status in ('open', 'pending', 'resolved', 'snoozed')),
  assignee_id text,
  snoozed_until timestamptz,
  -- The last activity (a message, a handoff change), in whole milliseconds: the inbox is paged by
  -- it, and a cursor that went through JSON must compare equal to the stored value.
  updated_at timestamptz not null default date_trunc('milliseconds', clock_timestamp()),
  primary key (tenant_id, session_id),
  foreign key (session_id, tenant_id) references sessions (id, tenant_id) on delete cascade,
  foreign key (assignee_id, tenant_id) references staff_accounts (id, tenant_id) on delete set null (assignee_id),
  check (snoozed_until is null or status = 'snoozed')
);
select prex_protect_table('conversation_states');
-- The inbox: newest activity first, keyset-paged; by status; and "assigned to me".
create index conversation_states_activity_idx on conversation_states (tenant_id, updated_at desc, session_id desc);
create index conversation_states_status_idx on conversation_states (tenant_id, status, updated_at desc);
create index conversation_states_assignee_idx on conversation_states (tenant_id, assignee_id, updated_at desc) where assignee_id is not null;

-- How far a staff member has read a conversation: its visitor messages after read_at are unread.
create table staff_read_markers (
  tenant_id text not null,
  account_id text not null,
  session_id text not null,
  read_at timestamptz not null,
  primary key (tenant_id, account_id, session_id),
  foreign key (account_id, tenant_id) references staff_accounts (id, tenant_id) on delete cascade,
  foreign key (session_id, tenant_id) references sessions (id, tenant_id) on delete cascade
);
select prex_protect_table('staff_read_markers');

-- The team's private notes on a conversation: never part of the visitor's thread or streams.
create table staff_notes (
  id text not null,                                     -- note_…
  tenant_id text not null,
  session_id text not null,
  -- The writer's email is kept with the note, so it still says who wrote it if the account goes.
  author_id text,
  author_email text not null,
  text text not null,
  created_at timestamptz not null default clock_timestamp(),
  foreign key (session_id, tenant_id) references sessions (id, tenant_id) on delete cascade,
  primary key (tenant_id, id),
  foreign key (author_id, tenant_id) references staff_accounts (id, tenant_id) on delete set null (author_id)
);
select prex_protect_table('staff_notes');
create index staff_notes_session_idx on staff_notes (tenant_id, session_id, created_at);

-- Answers the team types often, inserted by "/shortcut" in the console's composer.
create table canned_replies (
  id text not null,                                     -- cnr_…
  tenant_id text not null references tenants (id) on delete cascade,
  shortcut text not null,
  text text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, shortcut)
);
select prex_protect_table('canned_replies');

-- The conversations so far: every session with a message or a handoff. Open while a handoff is
-- open; resolved when a handoff was resolved and the visitor has not written since; else the bot's.
insert into conversation_states (tenant_id, session_id, status, updated_at)
select s.tenant_id, s.id,
       case
         when exists (select 1 from escalations e where e.tenant_id = s.tenant_id and e.session_id = s.id and e.status = 'open') then 'open'
         when exists (select 1 from escalations e where e.tenant_id = s.tenant_id and e.session_id = s.id and e.status = 'resolved'
                        and not exists (select 1 from messages m where m.tenant_id = s.tenant_id and m.session_id = s.id
                                          and m.role = 'user' and m.created_at > e.updated_at)) then 'resolved'
         else 'pending'
       end,
       date_trunc('milliseconds', greatest(
         (select max(m.created_at) from messages m where m.tenant_id = s.tenant_id and m.session_id = s.id),
         (select max(e.updated_at) from escalations e where e.tenant_id = s.tenant_id and e.session_id = s.id),
         s.created_at))
  from sessions s
 where exists (select 1 from messages m where m.tenant_id = s.tenant_id and m.session_id = s.id)
    or exists (select 1 from escalations e where e.tenant_id = s.tenant_id and e.session_id = s.id);
