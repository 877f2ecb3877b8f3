-- An answer streams on one instance while any instance may serve it: its chunk log (messages.events)
-- and text are appended as it streams, and the instance running it renews this lease. A row still
-- 'streaming' whose lease has run out was left by an instance that died: it is settled as failed,
-- keeping the text already stored.
alter table messages add column live_until timestamptz;
