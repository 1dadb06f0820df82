// The tables of the PostgreSQL store, schema version 1: those of `join --sqlite`
// (src/sink/sqlite_schema.cpp), in the schema pkgly_trail, with PostgreSQL's types and
// partitioned by month. docs/output-contracts.md "PostgreSQL store" is the contract; a change
// here is a new kPostgresSchemaVersion and a step in migrate_postgres().
//
// Why it is shaped so:
// - Each table is partitioned by the event's time, by month (UTC), so `db prune` drops whole
//   months and a query of a period reads only its months. Events without a time, or dated
//   where no month partition is made (before 2000, after next month: a forged or skewed
//   clock), go to the *_other partitions; add_month() moves them when their month is made.
// - A unique key of a partitioned table must hold the partition key: (event_key, time) is as
//   unique as event_key, since the key hashes the timestamp too. NULLS NOT DISTINCT
//   (PostgreSQL 15) keeps an event without a time from being written twice.
// - No foreign keys: the writer inserts an event and its rows in one statement, and a key
//   across partitions would have to be checked on every row and dropped before every prune.
// - Typed columns (integers, booleans) hold NULL when the logged value is not of their type;
//   record_json has every value as logged.
#include "schema.hpp"

namespace pkgly_trail::store {

std::string_view schema_v1_sql() noexcept {
  return R"sql(
CREATE SCHEMA pkgly_trail;
COMMENT ON SCHEMA pkgly_trail IS 'pkgly-trail: joined Pkgly audit events (docs/output-contracts.md)';
CREATE TABLE pkgly_trail.schema_version (
  version integer NOT NULL,
  migrated_at timestamptz NOT NULL DEFAULT now()
);
CREATE SEQUENCE pkgly_trail.events_id_seq AS bigint;
CREATE TABLE pkgly_trail.events (  -- one row per audit event (target pkgly::audit)
  id bigint NOT NULL DEFAULT nextval('pkgly_trail.events_id_seq'),
  event_key text NOT NULL,          -- SHA-256 of the audit -o json object minus "source" (32 hex)
  time timestamptz,                 -- the timestamp; NULL when the event has none
  timestamp text,                   -- as logged (2025-11-20T10:15:30.369463Z)
  action text,
  outcome text,                     -- success, denied
  actor_username text,
  actor_id bigint,
  actor_authenticated boolean,
  resource_kind text,
  resource_id text,
  resource_name text,
  repository_id text,
  storage_id text,
  target_user_id bigint,
  token_id bigint,
  path text,
  query text,
  http_request_method text,
  http_route text,
  url_path text,
  http_response_status_code integer,
  request_id text,                  -- of the HTTP request span, else the record's own
  trace_id text,                    -- NULL when absent or all zeros
  joined_by text,                   -- request_id, trace_id, adjacency; NULL: nothing joined
  source_label text NOT NULL,       -- --source-label of the writer (default: its host name)
  source_input text NOT NULL,       -- the file as named on the command line (- for stdin)
  source_line bigint NOT NULL,      -- 1-based line where the record starts
  record_json jsonb NOT NULL,       -- the record as audit -o json writes it
  CONSTRAINT events_key UNIQUE NULLS NOT DISTINCT (event_key, time)
) PARTITION BY RANGE (time);
CREATE TABLE pkgly_trail.access (  -- the pkgly::access record of an event, when one was joined
  event_id bigint NOT NULL,         -- events.id
  event_time timestamptz,           -- events.time (the partition key)
  timestamp text,
  status integer,                   -- http.response.status_code
  method text,                      -- http.request.method
  route text,                       -- http.route
  url_path text,                    -- url.path
  client_address text,              -- client.address
  user_agent text,                  -- user_agent.original
  "user" text,
  repository_id text,
  duration_ms bigint,
  body_size bigint,                 -- http.response.body.size
  request_id text,
  trace_id text,                    -- NULL when absent or all zeros
  record_json jsonb NOT NULL        -- the record as records -o json writes it
) PARTITION BY RANGE (event_time);
CREATE TABLE pkgly_trail.related (  -- the other records of the event's request
  event_id bigint NOT NULL,         -- events.id
  event_time timestamptz,           -- events.time (the partition key)
  seq integer NOT NULL,             -- 1, 2, ... in log order
  timestamp text,
  level text,                       -- TRACE, DEBUG, INFO, WARN, ERROR
  target text,
  message text,
  record_json jsonb NOT NULL        -- the record as records -o json writes it
) PARTITION BY RANGE (event_time);
CREATE SEQUENCE pkgly_trail.alerts_id_seq AS bigint;
CREATE TABLE pkgly_trail.alerts (  -- one row per alert of `hunt --postgres` (docs/hunt.md)
  id bigint NOT NULL DEFAULT nextval('pkgly_trail.alerts_id_seq') PRIMARY KEY,
  alert_key text NOT NULL UNIQUE,   -- SHA-256 of what fired on which events (32 hex)
  rule_id text,                     -- the rule's id (a UUID), NULL when it has none
  rule_title text NOT NULL,
  rule_level text NOT NULL,         -- informational, low, medium, high, critical
  kind text NOT NULL,               -- detection, event_count, value_count, temporal...
  first_time timestamptz,           -- of the first event counted; NULL: no event had a time
  last_time timestamptz,
  count bigint NOT NULL,
  group_text text,                  -- the group as field="value" pairs; NULL for a detection
  suspect_events bigint NOT NULL,   -- events counted that may be forged (docs/security.md)
  source_label text NOT NULL,
  alert_json jsonb NOT NULL,        -- the alert as hunt -o json writes it
  written_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alerts_time ON pkgly_trail.alerts (last_time);
CREATE INDEX alerts_rule ON pkgly_trail.alerts (rule_title, last_time);
CREATE TABLE pkgly_trail.events_other PARTITION OF pkgly_trail.events DEFAULT;
CREATE TABLE pkgly_trail.access_other PARTITION OF pkgly_trail.access DEFAULT;
CREATE TABLE pkgly_trail.related_other PARTITION OF pkgly_trail.related DEFAULT;
CREATE INDEX events_time ON pkgly_trail.events (time);
CREATE INDEX events_id ON pkgly_trail.events (id);
CREATE INDEX events_actor ON pkgly_trail.events (actor_username, time);
CREATE INDEX events_action ON pkgly_trail.events (action, outcome);
CREATE INDEX events_request ON pkgly_trail.events (request_id);
CREATE INDEX access_event ON pkgly_trail.access (event_id);
CREATE INDEX access_client ON pkgly_trail.access (client_address);
CREATE INDEX related_event ON pkgly_trail.related (event_id, seq);

-- Makes the partitions of the month starting at `first_day` (UTC), moving the rows of that
-- month out of the *_other partitions first. Writers call it before a batch that holds such a
-- month; the advisory lock lets two of them ask at once.
CREATE FUNCTION pkgly_trail.add_month(first_day date) RETURNS boolean
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  since timestamptz := make_timestamptz(extract(year FROM first_day)::int,
                                        extract(month FROM first_day)::int, 1, 0, 0, 0, 'UTC');
  until timestamptz := since + interval '1 month';
  suffix text := to_char(first_day, 'YYYY_MM');
  t record;
BEGIN
  PERFORM pg_advisory_xact_lock(1886090354, 2);
  IF to_regclass('pkgly_trail.events_' || suffix) IS NOT NULL THEN
    RETURN false;
  END IF;
  FOR t IN SELECT * FROM (VALUES ('events', 'time'), ('access', 'event_time'),
                                 ('related', 'event_time')) AS v(name, key) LOOP
    EXECUTE format('CREATE TEMP TABLE pkgly_trail_moved ON COMMIT DROP AS '
                   'SELECT * FROM pkgly_trail.%I WHERE false', t.name || '_other');
    EXECUTE format('WITH moved AS (DELETE FROM pkgly_trail.%I WHERE %I >= $1 AND %I < $2 '
                   'RETURNING *) INSERT INTO pkgly_trail_moved SELECT * FROM moved',
                   t.name || '_other', t.key, t.key) USING since, until;
    EXECUTE format('CREATE TABLE pkgly_trail.%I PARTITION OF pkgly_trail.%I '
                   'FOR VALUES FROM (%L) TO (%L)', t.name || '_' || suffix, t.name, since, until);
    EXECUTE format('INSERT INTO pkgly_trail.%I SELECT * FROM pkgly_trail_moved', t.name);
    DROP TABLE pkgly_trail_moved;
  END LOOP;
  RETURN true;
END
$$;
INSERT INTO pkgly_trail.schema_version (version) VALUES (1);
)sql";
}

}  // namespace pkgly_trail::store
