-- Voice messages and SMS, small additions. Plain SQL for PGlite, Postgres 15, Supabase.

-- How the widget's microphone turns speech into text: 'browser' uses the browser's own speech
-- recognition where it has one (server transcription elsewhere, when configured); 'server' always
-- records and sends the audio to the server's transcription endpoint.
alter table tenants add column voice_input text not null default 'browser'
  check (voice_input in ('browser', 'server'));

-- A manager's name by number ({"+15551230000": "Dana"}): a manager's SMS reply is signed with it in
-- the conversation ("Manager" for a number with none). Keys are among manager_numbers
-- (sms/settings-routes.ts refuses others).
alter table sms_settings add column manager_names jsonb not null default '{}'::jsonb;

-- Verification code texts are recorded as deliveries too (Twilio's status callbacks then apply to
-- them): a delivery belongs to exactly one outbound message, manager notice, or phone code.
alter table sms_deliveries add column phone_code_id text;
alter table sms_deliveries add constraint sms_deliveries_phone_code_fkey
  foreign key (tenant_id, phone_code_id) references phone_codes (tenant_id, id) on delete cascade;
alter table sms_deliveries drop constraint sms_deliveries_check;
alter table sms_deliveries add constraint sms_deliveries_one_owner_check
  check (num_nonnulls(sms_message_id, notice_id, phone_code_id) = 1);
create index sms_deliveries_phone_code_idx on sms_deliveries (tenant_id, phone_code_id);
