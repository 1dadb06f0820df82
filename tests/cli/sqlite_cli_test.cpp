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
#include <sstream>
#include <thread>

#include "support/process.hpp"
#include "support/sqlite_query.hpp"

namespace pkgly_trail {
namespace {
using testing::fixture_arg;
using testing::Query;
using testing::run_trail;
using testing::shell_quote;
using testing::TempDir;

std::string text_of(simdjson::dom::element value) {
  if (value.is_null()) return "NULL";
  if (value.is_string()) return std::string(std::string_view(value));
  return simdjson::minify(value);
}

std::string field_or_null(simdjson::dom::object object, std::string_view key) {
  simdjson::dom::element value;
  return object[key].get(value) == simdjson::SUCCESS ? text_of(value) : "NULL";
}

// What the truth file says of each event, in the columns the database holds.
std::vector<std::vector<std::string>> truth_rows(const std::string& name) {
  const bool compact = name.find("compact") != std::string::npos;
  std::vector<std::vector<std::string>> rows;
  simdjson::dom::parser parser;
  for (const std::string& line :
       testing::read_lines(testing::fixture_path(name + ".truth.ndjson"))) {
    simdjson::dom::object event = parser.parse(line);
    simdjson::dom::element access = event["access"];
    std::vector<std::string>& row = rows.emplace_back();
    for (const char* key : {"timestamp", "action", "outcome", "actor_username"})
      row.push_back(field_or_null(event, key));
    row.push_back(access.is_null() ? "NULL" : field_or_null(access, "http.response.status_code"));
    row.push_back(access.is_null() ? "NULL" : field_or_null(access, "client.address"));
    // Compact logs carry no span fields: related records cannot be told apart (README).
    row.push_back(std::to_string(compact ? 0 : simdjson::dom::array(event["related"]).size()));
  }
  return rows;
}

const char* const kRowsQuery =
    "SELECT e.timestamp, e.action, e.outcome, e.actor_username, a.status, a.client_address, "
    "(SELECT count(*) FROM related r WHERE r.event_id = e.id) "
    "FROM events e LEFT JOIN access a ON a.event_id = e.id ORDER BY e.id";

}  // namespace

TEST_CASE("join --sqlite writes the ground truth of every sample", "[cli][sqlite]") {
  for (const std::string& name : testing::sample_names()) {
    DYNAMIC_SECTION(name) {
      TempDir dir;
      const std::string db = dir.file("audit.db");
      auto result =
          run_trail("join --sqlite " + shell_quote(db) + " " + fixture_arg(name + ".log"));
      const auto expected = truth_rows(name);
      REQUIRE(result.status == 0);
      CHECK(result.out.empty());
      CHECK(result.err ==
            fmt::format("pkgly-trail: {} audit events written to {} (0 already there)\n",
                        expected.size(), db));
      CHECK(Query(db).rows(kRowsQuery) == expected);
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

TEST_CASE("event_key is the README's sha256sum recipe", "[cli][sqlite]") {
  TempDir dir;
  const std::string db = dir.file("audit.db");
  const std::string log = fixture_arg("adversarial-full-ansi.log");
  REQUIRE(run_trail("join --sqlite " + shell_quote(db) + " " + log).status == 0);
  // README "SQLite database": the audit -o json line without its "source" member, hashed.
  const std::string recipe =
      shell_quote(PKGLY_TRAIL_BINARY) + " audit -o json " + log +
      R"( | sed -E 's/,"source":\{"input":"([^"\\]|\\.)*","line":[0-9]+\}\}$/}/')"
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
  pid_t pid = fork();
  if (pid == 0) {
    std::freopen(err.c_str(), "w", stderr);
    execl(PKGLY_TRAIL_BINARY, "pkgly-trail", "join", "-f", "--sqlite", db.c_str(), log.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
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
  CHECK(waitpid(pid, nullptr, WNOHANG) == 0);  // still following
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 130);
  CHECK(testing::read_file(err) ==
        "pkgly-trail: 116 audit events written to " + db + " (0 already there)\n");
}

}  // namespace pkgly_trail
