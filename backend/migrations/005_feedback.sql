-- Visitor feedback on answers, stored with the message itself: thumbs up/down and an optional
-- comment. Sending feedback again replaces it (feedback_at records the latest change).
alter table messages add column feedback_rating text check (feedback_rating in ('up', 'down'));
alter table messages add column feedback_comment text;
alter table messages add column feedback_at timestamptz;

-- "Which answers did visitors dislike this week", per tenant.
create index messages_tenant_feedback_idx on messages (tenant_id, feedback_at) where feedback_rating is not null;
