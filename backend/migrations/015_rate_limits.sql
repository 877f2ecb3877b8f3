-- Request counts shared by every instance on this database: a client gets the configured number of
-- requests per window in total, not that number per process. One row per client and fixed window,
-- keyed by the limiter's prefix and a hash of the client's address (never the address itself).
create table rate_limit_windows (
  key text not null,
  window_start timestamptz not null,
  hits integer not null default 0,
  primary key (key, window_start)
);
-- Old windows are deleted by start time.
create index rate_limit_windows_start_idx on rate_limit_windows (window_start);
select prex_protect_table('rate_limit_windows');
