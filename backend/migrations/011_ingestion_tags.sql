-- Tags for documents that arrive through ingestion jobs (multipart uploads, POST /v1/admin/jobs,
-- `prex ingest --tags`): the worker sets them on the document in the same transaction as its
-- content, so agents' knowledge filters see a tagged document from its first version on.
--
-- null  = the upload named no tags: a re-ingest keeps the document's current tags (none for a new
--         document), like a JSON upload without `tags`.
-- '{}'  = the upload named an empty list: the document's tags are cleared.
alter table ingestion_job_items add column tags text[];
