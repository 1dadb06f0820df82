// End to end: `join --sqlite DB FILE` on every sample gives the rows of its ground-truth file;
// a second run adds nothing; filters apply; errors exit 2 naming the file; event_key is the
// documented SHA-256; a followed log is committed while it is written.
#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <set>
#include <sstream>
#include <thread>

#include "support/live_trail.hpp"
#include "support/process.hpp"
#include "support/sqlite_query.hpp"
#include "support/text_lines.hpp"
#include "support/truth_audit.hpp"

namespace pkgly_trail {
namespace {
using testing::fixture_arg;
using testing::Query;
using testing::run_trail;
using testing::shell_quote;
using testing::TempDir;

// SQLite's quote() of a value: 'text' (quotes doubled), 12, NULL. It shows the type too.
std::string sql_quoted(std::string_view text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// quote() of what a JSON value must be stored as: a bool is 1 or 0, null is NULL.
std::string sql_of(simdjson::dom::element value) {
  switch (testing::json_kind(value)) {
    case testing::JsonKind::Null:
      return "NULL";
    case testing::JsonKind::Bool:
      return bool(value) ? "1" : "0";
    case testing::JsonKind::String:
      return sql_quoted(std::string_view(value));
    default:
      return simdjson::minify(value);
  }
}

// 2025-11-20T10:15:30.356000Z in microseconds since 1970 (civil-from-days, computed here).
std::int64_t micros_of(std::string_view t) {
  auto num = [&](std::size_t at, std::size_t n) {
    return std::stoll(std::string(t.substr(at, n)));
  };
  std::int64_t y = num(0, 4), m = num(5, 2), d = num(8, 2);
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const std::int64_t days = era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
  std::int64_t micros = ((days * 24 + num(11, 2)) * 60 + num(14, 2)) * 60 + num(17, 2);
  micros *= 1000000;
  std::string fraction(t.substr(20, t.find('Z') - 20));
  fraction.resize(6, '0');
  return micros + std::stoll(fraction);
}

const std::vector<std::string> kEventColumns{"id",
                                             "event_key",
                                             "timestamp",
                                             "time_us",
                                             "action",
                                             "outcome",
                                             "actor_username",
                                             "actor_id",
                                             "actor_authenticated",
                                             "resource_kind",
                                             "resource_id",
                                             "resource_name",
                                             "repository_id",
                                             "storage_id",
                                             "target_user_id",
                                             "token_id",
                                             "path",
                                             "query",
                                             "http_request_method",
                                             "http_route",
                                             "url_path",
                                             "http_response_status_code",
                                             "request_id",
                                             "trace_id",
                                             "joined_by",
                                             "source_input",
                                             "source_line",
                                             "record_json"};
const std::vector<std::string> kAccessColumns{
    "event_id",    "timestamp",      "status",     "method",   "route",
    "url_path",    "client_address", "user_agent", "user",     "repository_id",
    "duration_ms", "body_size",      "request_id", "trace_id", "record_json"};
const std::vector<std::string> kRelatedColumns{"event_id", "seq",     "timestamp",  "level",
                                               "target",   "message", "record_json"};
// The truth key of each access column that holds a field of the access record.
const std::vector<std::pair<std::string, std::string>> kAccessFields{
    {"status", "http.response.status_code"},
    {"method", "http.request.method"},
    {"route", "http.route"},
    {"url_path", "url.path"},
    {"client_address", "client.address"},
    {"user_agent", "user_agent.original"},
    {"user", "user"},
    {"repository_id", "repository_id"},
    {"duration_ms", "duration_ms"},
    {"body_size", "http.response.body.size"},
    {"request_id", "request_id"}};

std::string select_quoted(const std::vector<std::string>& columns, const std::string& table,
                          const std::string& order) {
  std::string sql = "SELECT ";
  for (const std::string& column : columns)
    sql += (column == columns.front() ? "quote(" : ", quote(") + column + ")";
  return sql + " FROM " + table + " ORDER BY " + order;
}

std::vector<std::string> columns_of(Query& q, const std::string& table) {
  std::vector<std::string> names;
  for (const auto& row : q.rows("SELECT name FROM pragma_table_info('" + table + "') ORDER BY cid"))
    names.push_back(row[0]);
  return names;
}

// Unquotes a quote()d text cell.
std::string unquoted(const std::string& cell) {
  REQUIRE(cell.size() >= 2);
  std::string out;
  for (std::size_t i = 1; i + 1 < cell.size(); ++i) {
    out += cell[i];
    if (cell[i] == '\'') ++i;
  }
  return out;
}

std::size_t column(const std::vector<std::string>& columns, const std::string& name) {
  return static_cast<std::size_t>(std::find(columns.begin(), columns.end(), name) -
                                  columns.begin());
}

}  // namespace

TEST_CASE("join --sqlite writes the ground truth of every sample", "[cli][sqlite][truth]") {
  for (const std::string& name : testing::sample_names()) {
    DYNAMIC_SECTION(name) {
      TempDir dir;
      const std::string db = dir.file("audit.db");
      const std::string log_path = testing::fixture_path(name + ".log");
      auto result = run_trail("join --sqlite " + shell_quote(db) + " " + shell_quote(log_path));
      const auto truth = testing::read_lines(testing::fixture_path(name + ".truth.ndjson"));
      const auto log_lines = testing::lines_of(testing::read_file(log_path));
      REQUIRE(result.status == 0);
      CHECK(result.out.empty());
      CHECK(result.err ==
            fmt::format("pkgly-trail: {} audit events written to {} (0 already there)\n",
                        truth.size(), db));
      Query q(db);
      // Every column of every table is checked below; a new one must be added here.
      REQUIRE(columns_of(q, "events") == kEventColumns);
      REQUIRE(columns_of(q, "access") == kAccessColumns);
      REQUIRE(columns_of(q, "related") == kRelatedColumns);
      const auto events = q.rows(select_quoted(kEventColumns, "events", "id"));
      const auto access = q.rows(select_quoted(kAccessColumns, "access", "event_id"));
      const auto related = q.rows(select_quoted(kRelatedColumns, "related", "event_id, seq"));
      REQUIRE(events.size() == truth.size());
      // Compact logs carry no span fields: no request_id, joined by adjacency, no related.
      const bool compact = name.find("compact") != std::string::npos;
      std::size_t next_access = 0, next_related = 0, want_access = 0, want_related = 0;
      std::set<std::string> keys;
      simdjson::dom::parser parser, json_parser;
      for (std::size_t i = 0; i < truth.size(); ++i) {
        simdjson::dom::object want = parser.parse(truth[i]);
        const auto& row = events[i];
        INFO("event " << i + 1 << ": " << truth[i].substr(0, 200));
        const std::string id = std::to_string(i + 1);
        std::vector<std::string> expected;
        for (const std::string& c : kEventColumns) {
          simdjson::dom::element value;
          if (c == "id") {
            expected.push_back(id);
          } else if (c == "time_us") {
            expected.push_back(std::to_string(micros_of(std::string_view(want["timestamp"]))));
          } else if (c == "request_id") {
            expected.push_back(compact ? "NULL" : sql_of(want["request_id"]));
          } else if (c == "trace_id") {
            const std::string_view trace = want["trace_id"];
            expected.push_back(trace == std::string(32, '0') ? "NULL" : sql_quoted(trace));
          } else if (c == "joined_by") {
            expected.push_back(want["access"].is_null()
                                   ? "NULL"
                                   : sql_quoted(compact ? "adjacency" : "request_id"));
          } else if (c == "source_input") {
            expected.push_back(sql_quoted(log_path));
          } else if (want[c].get(value) == simdjson::SUCCESS) {
            expected.push_back(sql_of(value));
          } else {
            expected.push_back(row[column(kEventColumns, c)]);  // checked on its own below
          }
        }
        CHECK(row == expected);
        // event_key: 32 hex digits, unique (its recipe has a test of its own).
        const std::string key = unquoted(row[column(kEventColumns, "event_key")]);
        CHECK(key.size() == 32);
        CHECK(key.find_first_not_of("0123456789abcdef") == std::string::npos);
        CHECK(keys.insert(key).second);
        // source_line: the line of the log where the event starts holds its timestamp.
        const std::size_t line = std::stoul(row[column(kEventColumns, "source_line")]);
        REQUIRE(line >= 1);
        REQUIRE(line <= log_lines.size());
        CHECK(log_lines[line - 1].find(std::string_view(want["timestamp"])) != std::string::npos);
        // record_json: the audit -o json object.
        simdjson::dom::object record =
            json_parser.parse(unquoted(row[column(kEventColumns, "record_json")]));
        testing::check_audit_json(record, want, compact);

        simdjson::dom::element truth_access = want["access"];
        if (!truth_access.is_null()) {
          ++want_access;
          REQUIRE(next_access < access.size());
          const auto& a = access[next_access++];
          std::vector<std::string> expected_access{id, sql_of(truth_access["timestamp"])};
          for (const auto& [c, key] : kAccessFields)
            expected_access.push_back(sql_of(truth_access[key]));
          const std::string_view trace = truth_access["trace_id"];
          expected_access.push_back(trace == std::string(32, '0') ? "NULL" : sql_quoted(trace));
          expected_access.push_back(a.back());  // record_json, checked next
          CHECK(a == expected_access);
          simdjson::dom::parser access_parser;
          testing::check_access_json(access_parser.parse(unquoted(a.back())), truth_access);
        }
        simdjson::dom::array truth_related = want["related"];
        if (compact) continue;
        std::size_t seq = 0;
        for (simdjson::dom::object r : truth_related) {
          ++want_related;
          REQUIRE(next_related < related.size());
          const auto& got = related[next_related++];
          INFO("related #" << seq + 1);
          simdjson::dom::element message = r["message"];
          CHECK(got == std::vector<std::string>{id, std::to_string(++seq), sql_of(r["timestamp"]),
                                                sql_of(r["level"]), sql_of(r["target"]),
                                                sql_of(message), got.back()});
          simdjson::dom::parser related_parser;
          simdjson::dom::object record_json = related_parser.parse(unquoted(got.back()));
          CHECK(testing::span_names(record_json["spans"]) == testing::string_list(r["spans"]));
          CHECK(std::string_view(record_json["timestamp"]) == std::string_view(r["timestamp"]));
        }
      }
      CHECK(access.size() == want_access);
      CHECK(related.size() == want_related);
    }
  }
}

TEST_CASE("join --sqlite into the same file again writes nothing new", "[cli][sqlite]") {
  TempDir dir;
  const std::string db = dir.file("audit.db");
  const std::string log = fixture_arg("full-ansi-compose.log");
  REQUIRE(run_trail("join --sqlite " + shell_quote(db) + " " + log).status == 0);
  Query q(db);
  const std::string before = q.table_counts();
  // The same log through stdin: another source name, the same events.
  auto again = run_trail("join --sqlite " + shell_quote(db) + " -",
                         testing::read_file(testing::fixture_path("full-ansi-compose.log")));
  CHECK(again.status == 0);  // events matched, as grep would say
  CHECK(again.err == "pkgly-trail: 0 audit events written to " + db + " (115 already there)\n");
  CHECK(q.table_counts() == before);
  CHECK(q.value("SELECT DISTINCT source_input FROM events") ==
        testing::fixture_path("full-ansi-compose.log"));
}

TEST_CASE("join --sqlite applies the filters and exits as grep", "[cli][sqlite]") {
  TempDir dir;
  const std::string db = dir.file("audit.db");
  const std::string log = fixture_arg("full-ansi-compose.log");
  auto denied = run_trail("join --outcome denied --sqlite " + shell_quote(db) + " " + log);
  REQUIRE(denied.status == 0);
  Query q(db);
  const std::string count = q.value("SELECT count(*) FROM events");
  CHECK(count != "0");
  CHECK(q.value("SELECT count(*) FROM events WHERE outcome <> 'denied'") == "0");
  CHECK(denied.err ==
        "pkgly-trail: " + count + " audit events written to " + db + " (0 already there)\n");
  auto none = run_trail("join --actor nobody-at-all --sqlite " + shell_quote(db) + " " + log);
  CHECK(none.status == 1);
  CHECK(none.err == "pkgly-trail: 0 audit events written to " + db + " (0 already there)\n");
}

TEST_CASE("join --sqlite: a file that cannot be written is exit 2 naming it", "[cli][sqlite]") {
  const std::string log = fixture_arg("full-ansi-compose.log");
  auto missing = run_trail("join --sqlite /nonexistent-dir/audit.db " + log);
  CHECK(missing.status == 2);
  CHECK(missing.out.empty());
  CHECK(missing.err ==
        "pkgly-trail: cannot open /nonexistent-dir/audit.db: unable to open database file\n");
  TempDir dir;
  const std::string text = dir.write(
      "notes.txt", "these are notes, not a SQLite database; pkgly-trail must leave them alone\n");
  auto not_db = run_trail("join --sqlite " + shell_quote(text) + " " + log);
  CHECK(not_db.status == 2);
  CHECK(not_db.err == "pkgly-trail: cannot use " + text + ": file is not a database\n");
}

TEST_CASE("join --sqlite refuses -o and --fields", "[cli][sqlite]") {
  const std::string log = fixture_arg("full-ansi-compose.log");
  auto with_o = run_trail("join --sqlite /tmp/never-written.db -o json " + log);
  CHECK(with_o.status == 2);
  CHECK(with_o.err.find("drop -o") != std::string::npos);
  auto with_fields = run_trail("join --sqlite /tmp/never-written.db --fields action " + log);
  CHECK(with_fields.status == 2);
  CHECK(with_fields.err.find("drop --fields") != std::string::npos);
}

TEST_CASE("event_key is the documented sha256sum recipe", "[cli][sqlite]") {
  TempDir dir;
  const std::string db = dir.file("audit.db");
  const std::string log = fixture_arg("adversarial-full-ansi.log");
  REQUIRE(run_trail("join --sqlite " + shell_quote(db) + " " + log).status == 0);
  // docs/output-contracts.md "SQLite database": the audit -o json line without its "contract" and
  // "source" members, hashed.
  const std::string recipe =
      shell_quote(PKGLY_TRAIL_BINARY) + " audit -o json " + log +
      R"( | sed -E 's/^\{"contract":[0-9]+,/{/; s/,"source":\{"input":"([^"\\]|\\.)*","line":[0-9]+\}\}$/}/')"
      R"( | while IFS= read -r line; do printf '%s' "$line" | sha256sum | cut -c1-32; done)";
  std::FILE* pipe = popen(recipe.c_str(), "r");
  REQUIRE(pipe);
  std::string keys;
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) keys.append(buffer, n);
  REQUIRE(pclose(pipe) == 0);
  std::vector<std::string> expected;
  std::istringstream lines(keys);
  for (std::string key; std::getline(lines, key);) expected.push_back(key);
  std::vector<std::string> stored;
  for (const auto& row : Query(db).rows("SELECT event_key FROM events")) stored.push_back(row[0]);
  std::sort(expected.begin(), expected.end());
  std::sort(stored.begin(), stored.end());
  CHECK(expected.size() == 123);
  CHECK(stored == expected);
}

TEST_CASE("join -f --sqlite commits while the log is still being written", "[cli][sqlite]") {
  TempDir dir;
  const std::string db = dir.file("audit.db");
  const std::string log = dir.file("pkgly.log");
  std::system(("cp " + fixture_arg("json-plain-zero.log") + " " + shell_quote(log)).c_str());
  const std::string err = dir.file("err");
  testing::LiveTrail trail({"join", "-f", "--sqlite", db, log},
                           testing::LiveSetup().no_input().out_to("/dev/null").err_to(err));
  // 116 audit events in the sample: all in the database while pkgly-trail still runs.
  std::string count = "0";
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (count != "116" && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    if (::access(db.c_str(), F_OK) != 0) continue;
    Query q(db);
    if (q.value("SELECT count(*) FROM sqlite_master WHERE name = 'events'") == "1")
      count = q.value("SELECT count(*) FROM events");
  }
  CHECK(count == "116");
  CHECK_FALSE(trail.wait_for(std::chrono::milliseconds(0)));  // still following
  trail.signal(SIGINT);
  CHECK(trail.wait() == 130);  // exited (Ctrl-C handled), not killed
  CHECK(testing::read_file(err) ==
        "pkgly-trail: 116 audit events written to " + db + " (0 already there)\n");
}

}  // namespace pkgly_trail
