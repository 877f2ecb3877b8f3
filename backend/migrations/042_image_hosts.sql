-- Images in answers. Plain SQL for PGlite, Postgres 15, Supabase.

-- Hosts whose Markdown images (from the knowledge base) answers show: 'cdn.example',
-- '*.cdn.example' or 'host:port', lower-cased and checked by the API (imageHostSchema). A visitor's
-- browser fetches them, so none by default: an image from any other host stays a link.
alter table tenants add column image_hosts text[] not null default '{}';
