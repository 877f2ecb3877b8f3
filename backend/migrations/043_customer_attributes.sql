-- Custom attributes of a customer. Plain SQL for PGlite, Postgres 15, Supabase.

-- What the host page says about its user with identify (plan, company…): at most 20 keys of short
-- strings, numbers or booleans, checked by the API (customerAttributesUpdateSchema). A later identify
-- updates keys and null removes one; staff see them beside the conversation, and they go with the
-- customer's data export and erasure.
alter table customers add column attributes jsonb not null default '{}';
