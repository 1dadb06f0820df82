// The tables of `join --sqlite`, schema version 1. SQLite keeps each CREATE statement as
// written, comments included, so `.schema` in the sqlite3 shell shows this documentation too.
// docs/output-contracts.md "SQLite database" is the contract; a change here is a new
// kSqliteSchemaVersion.
#include "pkgly_trail/sink/sqlite_sink.hpp"

namespace pkgly_trail {

std::string_view sqlite_schema_sql() noexcept {
  return R"sql(
CREATE TABLE events (  -- one row per audit event (target pkgly::audit)
  id INTEGER PRIMARY KEY,
  event_key TEXT NOT NULL UNIQUE,  -- SHA-256 of the audit -o json object minus "source" (32 hex)
  timestamp TEXT,                  -- as logged (2025-11-20T10:15:30.369463Z)
  time_us INTEGER,                 -- the timestamp in microseconds since 1970-01-01 UTC
  action TEXT,
  outcome TEXT,                    -- success, denied
  actor_username TEXT,
  actor_id INTEGER,
  actor_authenticated INTEGER,     -- 1 true, 0 false
  resource_kind TEXT,
  resource_id TEXT,
  resource_name TEXT,
  repository_id TEXT,
  storage_id TEXT,
  target_user_id INTEGER,
  token_id INTEGER,
  path TEXT,
  query TEXT,
  http_request_method TEXT,
  http_route TEXT,
  url_path TEXT,
  http_response_status_code INTEGER,
  request_id TEXT,                 -- of the HTTP request span, else the record's own
  trace_id TEXT,                   -- NULL when absent or all zeros
  joined_by TEXT,                  -- request_id, trace_id, adjacency; NULL: nothing joined
  source_input TEXT NOT NULL,      -- the file as named on the command line (- for stdin)
  source_line INTEGER NOT NULL,    -- 1-based line where the record starts
  record_json TEXT NOT NULL        -- the record as audit -o json writes it
);
CREATE TABLE access (  -- the pkgly::access record of an event, when one was joined
  event_id INTEGER PRIMARY KEY REFERENCES events(id),
  timestamp TEXT,
  status INTEGER,                  -- http.response.status_code
  method TEXT,                     -- http.request.method
  route TEXT,                      -- http.route
  url_path TEXT,                   -- url.path
  client_address TEXT,             -- client.address
  user_agent TEXT,                 -- user_agent.original
  user TEXT,
  repository_id TEXT,
  duration_ms INTEGER,
  body_size INTEGER,               -- http.response.body.size
  request_id TEXT,
  trace_id TEXT,                   -- NULL when absent or all zeros
  record_json TEXT NOT NULL        -- the record as records -o json writes it
);
CREATE TABLE related (  -- the other records of the event's request
  event_id INTEGER NOT NULL REFERENCES events(id),
  seq INTEGER NOT NULL,            -- 1, 2, ... in log order
  timestamp TEXT,
  level TEXT,                      -- TRACE, DEBUG, INFO, WARN, ERROR
  target TEXT,
  message TEXT,
  record_json TEXT NOT NULL,       -- the record as records -o json writes it
  PRIMARY KEY (event_id, seq)
);
CREATE INDEX events_time ON events(time_us);
CREATE INDEX events_actor ON events(actor_username);
CREATE INDEX events_action ON events(action, outcome);
CREATE INDEX events_request ON events(request_id);
CREATE INDEX access_client ON access(client_address);
)sql";
}

}  // namespace pkgly_trail
