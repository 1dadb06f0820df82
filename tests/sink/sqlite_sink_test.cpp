// The SQLite sink of `join --sqlite`: rows and columns as docs/output-contracts.md documents them,
// queried back with the SQLite C API; hostile values stored verbatim; re-runs add nothing; batches;
// files that are not pkgly-trail databases of this schema version are refused and left untouched.
#include "pkgly_trail/sink/sqlite_sink.hpp"

#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "pkgly_trail/correlate/correlator.hpp"
#include "sink/sample_records.hpp"
#include "support/feed.hpp"
#include "support/sqlite_query.hpp"
#include "support/truth.hpp"

namespace pkgly_trail {
namespace {

using testing::Query;
using testing::TempDir;

const std::string_view kHostile = "bob'); DROP TABLE events;--\"quoted\" `x` \\ 'end";

Record audit_record(std::string_view actor, std::string_view time = "2025-11-20T10:15:30.369463Z") {
  Record r = testing::audit_event({{"action", Value::string("package.download")},
                                   {"outcome", Value::string("denied")},
                                   {"actor_username", Value::string(actor)},
                                   {"actor_id", Value::integer("7")},
                                   {"actor_authenticated", Value::boolean(true)},
                                   {"token_id", Value::integer("123456789012345678901234567890")},
                                   {"path", Value::string("@acme/\xff\x1b[31mred")},
                                   {"query", Value::string("")},
                                   {"http_request_method", Value::string("GET")},
                                   {"url_path", Value::string("/repositories/primary/npm/x")},
                                   {"http_response_status_code", Value::integer("403")}},
                                  "11111111-1111-4111-8111-111111111111", time);
  r.source = SourceRef{"pkgly.log", 42};
  return r;
}

Record access_record() {
  Record r = testing::access_event(
      {{"http.request.method", Value::string("GET")},
       {"http.route", Value::string("/repositories/{storage}/{repository}/{*path}")},
       {"url.path", Value::string("/repositories/primary/npm/x")},
       {"http.response.status_code", Value::integer("403")},
       {"duration_ms", Value::integer("3")},
       {"request_id", Value::string("11111111-1111-4111-8111-111111111111")},
       {"client.address", Value::string("203.0.113.9")},
       {"user_agent.original", Value::string(kHostile)},
       {"http.response.body.size", Value::integer("0")}});
  r.source = SourceRef{"pkgly.log", 41};
  return r;
}

Record related_record(std::string_view message, Level level) {
  Record r = testing::related_event(message, level);
  r.source = SourceRef{"pkgly.log", 40};
  return r;
}

// Writes one event with its access record and two related records; returns the sink's counts.
std::pair<std::uint64_t, std::uint64_t> write_sample(const std::string& path, const Record& audit) {
  Record access = access_record();
  std::vector<Record> related;
  related.push_back(related_record("first", Level::Debug));
  related.push_back(related_record("second", Level::Error));
  auto sink = open_sqlite_sink(path);
  sink->on_event(JoinedEvent{audit, &access, related, JoinKey::RequestId});
  sink->finish();
  return {sink->written(), sink->already_there()};
}

// Feeds a fixture log, under the input name `as`, through the correlator into `sink`.
void join_fixture(const std::string& name, const std::string& as, JoinedEventSink& sink) {
  Correlator correlator(JoinLimits{}, nullptr, sink);
  RecordAssembler assembler(correlator);
  testing::feed_fixture(name, as, assembler);
  correlator.finish();
}

}  // namespace

TEST_CASE("sqlite: an event with its access and related rows and every column", "[sink][sqlite]") {
  TempDir dir;
  const std::string db = dir.file("audit.db");
  CHECK(write_sample(db, audit_record("bob")) == std::pair<std::uint64_t, std::uint64_t>{1, 0});
  Query q(db);
  CHECK(q.value("PRAGMA user_version") == std::to_string(kSqliteSchemaVersion));
  CHECK(q.value("PRAGMA application_id") == std::to_string(kSqliteApplicationId));
  CHECK(q.value("PRAGMA journal_mode") == "wal");
  CHECK(q.rows("SELECT timestamp, time_us, action, outcome, actor_username, actor_id, "
               "typeof(actor_id), actor_authenticated, token_id, typeof(token_id), query, "
               "http_response_status_code, request_id, trace_id, joined_by, source_input, "
               "source_line, length(event_key) FROM events") ==
        std::vector<std::vector<std::string>>{
            {"2025-11-20T10:15:30.369463Z", "1763633730369463", "package.download", "denied", "bob",
             "7", "integer", "1",
             // more digits than 64 bits hold: the INTEGER column makes it a REAL
             "1.23456789012346e+29", "real", "", "403", "11111111-1111-4111-8111-111111111111",
             "NULL", "request_id", "pkgly.log", "42", "32"}});
  // TEXT is UTF-8: the invalid byte is U+FFFD (as in JSON output); the escape code is content.
  CHECK(q.value("SELECT path FROM events") == "@acme/\xef\xbf\xbd\x1b[31mred");
  // record_json is the audit -o json object: nothing of the record is lost.
  CHECK(q.value("SELECT json_extract(record_json, '$.source.line') || ' ' || "
                "json_extract(record_json, '$.spans[0].name') FROM events") == "42 HTTP request");
  CHECK(q.value("SELECT json_extract(record_json, '$.fields.token_id') FROM events") ==
        "123456789012345678901234567890");
  CHECK(q.rows("SELECT status, method, route, url_path, client_address, duration_ms, body_size, "
               "request_id, json_extract(record_json, '$.target') FROM access") ==
        std::vector<std::vector<std::string>>{
            {"403", "GET", "/repositories/{storage}/{repository}/{*path}",
             "/repositories/primary/npm/x", "203.0.113.9", "3", "0",
             "11111111-1111-4111-8111-111111111111", "pkgly::access"}});
  CHECK(q.rows("SELECT seq, level, target, message FROM related ORDER BY seq") ==
        std::vector<std::vector<std::string>>{{"1", "DEBUG", "pkgly::app", "first"},
                                              {"2", "ERROR", "pkgly::app", "second"}});
  // The tables join on events.id.
  CHECK(q.value("SELECT e.actor_username || ' ' || a.client_address || ' ' || count(r.seq) "
                "FROM events e JOIN access a ON a.event_id = e.id "
                "JOIN related r ON r.event_id = e.id WHERE r.level = 'ERROR'") ==
        "bob 203.0.113.9 1");
  // The documented indexes exist.
  CHECK(q.rows("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
               "ORDER BY name") == std::vector<std::vector<std::string>>{{"access_client"},
                                                                         {"events_action"},
                                                                         {"events_actor"},
                                                                         {"events_request"},
                                                                         {"events_time"}});
}

TEST_CASE("sqlite: a hostile value is stored verbatim and runs nothing", "[sink][sqlite]") {
  TempDir dir;
  const std::string db = dir.file("audit.db");
  write_sample(db, audit_record(kHostile));
  Query q(db);
  CHECK(q.value("SELECT actor_username FROM events") == kHostile);
  CHECK(q.value("SELECT user_agent FROM access") == kHostile);
  CHECK(q.value("SELECT count(*) FROM sqlite_master WHERE name = 'events'") == "1");
  CHECK(q.value("SELECT json_extract(record_json, '$.fields.actor_username') FROM events") ==
        kHostile);
}

TEST_CASE("sqlite: the same events again add nothing - under any file name", "[sink][sqlite]") {
  TempDir dir;
  const std::string db = dir.file("audit.db");
  {
    auto sink = open_sqlite_sink(db);
    join_fixture("full-ansi-compose.log", "pkgly.log", *sink);
    CHECK(sink->written() == 115);
    CHECK(sink->already_there() == 0);
  }
  Query q(db);
  const std::string before = q.table_counts();
  CHECK(before.starts_with("115 115 "));
  {
    // A rotated copy: another name, so other source_input values, same content.
    auto sink = open_sqlite_sink(db);
    join_fixture("full-ansi-compose.log", "pkgly.log.1", *sink);
    CHECK(sink->written() == 0);
    CHECK(sink->already_there() == 115);
  }
  CHECK(q.table_counts() == before);
  CHECK(q.value("SELECT count(DISTINCT source_input) FROM events") == "1");
  // Another sample adds its own events next to them.
  {
    auto sink = open_sqlite_sink(db);
    join_fixture("json-plain-zero.log", "json.log", *sink);
    CHECK(sink->written() == 116);
  }
  CHECK(q.value("SELECT count(*) FROM events") == "231");
}

TEST_CASE("sqlite: a batch is one transaction and flush commits it", "[sink][sqlite]") {
  TempDir dir;
  const std::string db = dir.file("audit.db");
  auto sink = open_sqlite_sink(db, SqliteSinkOptions{2, 60 * 1000});
  Query q(db);
  std::vector<Record> audits;
  for (const char* time : {"2025-11-20T10:00:00Z", "2025-11-20T10:00:01Z", "2025-11-20T10:00:02Z"})
    audits.push_back(audit_record("bob", time));
  for (const Record& audit : audits) sink->on_event(JoinedEvent{audit, nullptr, {}, JoinKey::None});
  // The first two were committed as one batch; the third waits for its batch to end.
  CHECK(q.value("SELECT count(*) FROM events") == "2");
  sink->on_idle();
  CHECK(q.value("SELECT count(*) FROM events") == "3");
  CHECK(q.value("SELECT count(*) FROM access") == "0");
  CHECK(q.value("SELECT count(*) FROM events WHERE joined_by IS NULL") == "3");
  sink->finish();
}

TEST_CASE("sqlite: a batch is committed once it is older than max_batch_ms", "[sink][sqlite]") {
  TempDir dir;
  const std::string db = dir.file("audit.db");
  auto sink = open_sqlite_sink(db, SqliteSinkOptions{1000, 0});
  Query q(db);
  Record audit = audit_record("bob");
  sink->on_event(JoinedEvent{audit, nullptr, {}, JoinKey::None});
  CHECK(q.value("SELECT count(*) FROM events") == "1");
}

TEST_CASE("sqlite: another schema version is refused and left as it is", "[sink][sqlite]") {
  TempDir dir;
  const std::string db = dir.file("old.db");
  write_sample(db, audit_record("bob"));
  Query(db).exec("PRAGMA user_version = 2");
  try {
    open_sqlite_sink(db);
    FAIL("a database of schema version 2 was opened");
  } catch (const SqliteError& e) {
    CHECK(std::string(e.what()) ==
          "cannot use " + db +
              ": it is a pkgly-trail database of schema version 2, and this pkgly-trail "
              "writes version 1; write to a new file");
  }
  Query q(db);
  CHECK(q.value("PRAGMA user_version") == "2");
  CHECK(q.value("SELECT count(*) FROM events") == "1");
}

TEST_CASE("sqlite: a database of another program is refused and left as it is", "[sink][sqlite]") {
  TempDir dir;
  const std::string db = dir.file("notes.db");
  {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(db.c_str(), &raw) == SQLITE_OK);
    REQUIRE(sqlite3_exec(raw, "CREATE TABLE notes(text)", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(raw);
  }
  CHECK_THROWS_WITH(open_sqlite_sink(db), Catch::Contains("pkgly-trail did not create"));
  Query q(db);
  CHECK(q.value("SELECT group_concat(name) FROM sqlite_master") == "notes");
  CHECK(q.value("PRAGMA journal_mode") == "delete");
}

TEST_CASE("sqlite: a file that is no database - or cannot be created - is an error naming it",
          "[sink][sqlite]") {
  TempDir dir;
  const std::string text =
      dir.write("notes.txt", "not a database, but someone's notes: long enough to hold a header\n");
  CHECK_THROWS_WITH(open_sqlite_sink(text), "cannot use " + text + ": file is not a database");
  CHECK(testing::read_file(text).starts_with("not a database, but someone's notes"));
  const std::string missing = dir.file("no/such/dir/audit.db");
  CHECK_THROWS_WITH(open_sqlite_sink(missing),
                    "cannot open " + missing + ": unable to open database file");
}

}  // namespace pkgly_trail
