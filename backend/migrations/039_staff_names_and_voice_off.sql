-- Staff display names, and a way to turn the widget's microphone off. Plain SQL for PGlite,
-- Postgres 15, Supabase.

-- Staff display names: what visitors see on a staff reply and the team sees in the console, set by
-- each person on the console's Account page (PATCH /v1/staff/me). staff_accounts.name exists since
-- 024 (first-run setup fills it for the owner); from here the database holds the same rule the API
-- checks (protocol's staffDisplayNameSchema): trimmed, 1 to 100 characters, no control characters
-- and no bidirectional overrides.

-- Names stored before the rule: control characters dropped, trimmed, cut to the limit, empty → null.
update staff_accounts
   set name = nullif(left(btrim(regexp_replace(name, '[[:cntrl:]\u202A-\u202E\u2066-\u2069]', '', 'g')), 100), '')
 where name is not null;
-- A name cut at 100 may end in a space: trimmed again.
update staff_accounts set name = nullif(btrim(name), '') where name is not null;

alter table staff_accounts add constraint staff_accounts_name_check check (
  name is null or (
    char_length(name) between 1 and 100
    and name = btrim(name)
    and name !~ '[[:cntrl:]\u202A-\u202E\u2066-\u2069]'
  )
);

-- The widget's microphone (038): 'off' shows none, whatever the browser or the server could do. Set
-- on the console's Settings page (PUT /v1/staff/settings/voice) or by PATCH /v1/admin/tenant.
alter table tenants drop constraint tenants_voice_input_check;
alter table tenants add constraint tenants_voice_input_check check (voice_input in ('browser', 'server', 'off'));
