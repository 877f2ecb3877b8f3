-- Which custom attributes of a customer are verified. Plain SQL for PGlite, Postgres 15, Supabase.

-- The keys of customers.attributes that the host's server signed (the attributes claim of an
-- identity JWT). Every other key is unverified: sent beside the signature, so the visitor's browser
-- could have changed it. An unsigned value never replaces or removes a verified key
-- (backend/src/customers/attributes.ts). Attributes stored before this migration came unsigned,
-- so they start unverified.
alter table customers add column verified_attribute_keys text[] not null default '{}';
