-- Voice messages and SMS managers, two small settings. Plain SQL for PGlite, Postgres 15, Supabase.

-- How the widget's microphone turns speech into text: 'browser' uses the browser's own speech
-- recognition where it has one (server transcription elsewhere, when configured); 'server' always
-- records and sends the audio to the server's transcription endpoint.
alter table tenants add column voice_input text not null default 'browser'
  check (voice_input in ('browser', 'server'));

-- A manager's name by number ({"+15551230000": "Dana"}): a manager's SMS reply is signed with it in
-- the conversation ("Manager" for a number with none). Keys are among manager_numbers
-- (sms/settings-routes.ts refuses others).
alter table sms_settings add column manager_names jsonb not null default '{}'::jsonb;
