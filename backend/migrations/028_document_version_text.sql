-- The text each version of a document was stored with, so the console can show what changed
-- between two versions (a line diff). Versions recorded before this migration have none (null):
-- their text was only ever kept on the document row, which the next version overwrote.
alter table document_versions add column content text;
-- Only a document's newest versions keep it (knowledge/repository.ts VERSION_TEXTS_KEPT).
