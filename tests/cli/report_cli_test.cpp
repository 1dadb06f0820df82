// End to end: `report` options, exit codes, --out-dir, and the formats other commands refuse.
#include <dirent.h>

#include <catch2/catch.hpp>
#include <set>
#include <sstream>

#include "input/sha256.hpp"
#include "support/process.hpp"
#include "support/text_lines.hpp"
#include "support/truth.hpp"

namespace pkgly_trail {
using testing::lines_of;

namespace {
using testing::fixture_arg;
using testing::run_trail;

const std::string kLog = fixture_arg("full-ansi-compose-real.log");

std::uint64_t truth_count(const std::string& sample, const std::string& outcome) {
  std::uint64_t n = 0;
  simdjson::dom::parser parser;
  for (const std::string& line : testing::read_lines(testing::fixture_path(sample))) {
    simdjson::dom::element e = parser.parse(line);
    n += outcome.empty() || std::string_view(e["outcome"]) == outcome ? 1 : 0;
  }
  return n;
}

}  // namespace

TEST_CASE("report exits 0 with events and 1 with none and 2 on trouble", "[cli][report]") {
  auto ok = run_trail("report " + kLog);
  CHECK(ok.status == 0);
  CHECK(ok.err.empty());
  CHECK(ok.out.find("Actions by outcome") != std::string::npos);

  auto none = run_trail("report --until 2000-01-01 " + kLog);
  CHECK(none.status == 1);
  CHECK(none.out.find("Totals") != std::string::npos);  // still a report, with zeros

  auto missing = run_trail("report /nonexistent/pkgly.log " + kLog);
  CHECK(missing.status == 2);
  CHECK(missing.err.find("/nonexistent/pkgly.log") != std::string::npos);
}

TEST_CASE("report takes every filter of join", "[cli][report]") {
  // The samples are from 2025-11-20: a week back from today keeps nothing, without an error.
  auto week = run_trail("report --since 7d --outcome denied " + kLog);
  CHECK(week.status == 1);
  CHECK(week.err.empty());

  auto denied = run_trail("report --since 2025-11-20 --outcome denied -o json " + kLog);
  REQUIRE(denied.status == 0);
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(denied.out);
  const auto want = truth_count("full-ansi-compose-real.truth.ndjson", "denied");
  CHECK(want > 0);
  CHECK(std::uint64_t(doc["totals"]["events"]) == want);
  CHECK(std::uint64_t(doc["totals"]["denied"]) == want);
  CHECK(std::uint64_t(doc["totals"]["success"]) == 0);

  // An access field, as in join.
  auto where =
      run_trail("report --where client.address=198.51.100.7 --by client.address -o csv " + kLog);
  REQUIRE(where.status == 0);
  auto lines = lines_of(where.out);
  REQUIRE(lines.size() == 2);
  CHECK(lines[1].starts_with("198.51.100.7,"));
}

TEST_CASE("markdown and html are report formats only", "[cli][report]") {
  for (const char* command : {"audit", "join", "records"}) {
    for (const char* format : {"html", "markdown", "HTML"}) {
      auto result = run_trail(std::string(command) + " -o " + format + " " + kLog);
      INFO(command << " -o " << format);
      CHECK(result.status == 2);
      CHECK(result.out.empty());
      CHECK(result.err.find("pkgly-trail report") != std::string::npos);
    }
  }
  CHECK(run_trail("report -o markdown " + kLog).out.starts_with("# Pkgly audit report\n"));
  CHECK(run_trail("report -o html " + kLog).out.starts_with("<!DOCTYPE html>"));
  CHECK(run_trail("report -o pdf " + kLog).status == 2);
}

TEST_CASE("report -o csv --out-dir writes one file per section", "[cli][report]") {
  char dir_template[] = "/tmp/pkgly-trail-report-XXXXXX";
  const std::string dir = mkdtemp(dir_template);
  const std::string out = dir + "/nightly";
  auto result = run_trail("report -o csv --out-dir " + out + " " + kLog);
  REQUIRE(result.status == 0);
  CHECK(result.out.empty());
  std::set<std::string> files;
  if (DIR* d = opendir(out.c_str())) {
    while (dirent* entry = readdir(d))
      if (entry->d_name[0] != '.') files.insert(entry->d_name);
    closedir(d);
  }
  CHECK(files == std::set<std::string>{"totals.csv", "actions.csv", "actors.csv", "denied.csv",
                                       "repositories.csv", "storages.csv", "timeline.csv",
                                       "sensitive.csv", "scope.csv", "inputs.csv"});
  const auto actions = testing::read_lines(out + "/actions.csv");
  REQUIRE(!actions.empty());
  CHECK(actions.front() == "action,success,denied,total");
  CHECK(testing::read_lines(out + "/denied.csv").front() ==
        "actor,client_address,denied,first_seen,last_seen");
  CHECK(testing::read_lines(out + "/totals.csv")[1] ==
        "events," + std::to_string(truth_count("full-ansi-compose-real.truth.ndjson", "")));
  std::system(("rm -rf " + dir).c_str());

  auto html = run_trail("report -o html --out-dir " + out + " " + kLog);
  CHECK(html.status == 2);
  CHECK(html.err.find("--out-dir") != std::string::npos);
}

TEST_CASE("report --by --top --bucket and --max-groups", "[cli][report]") {
  auto by = run_trail("report --by action,outcome --top 3 -o csv " + kLog);
  REQUIRE(by.status == 0);
  auto lines = lines_of(by.out);
  REQUIRE(lines.size() == 4);
  CHECK(lines[0] == "action,outcome,count");
  CHECK(lines[1] == "package.download,success,48");

  auto day = run_trail("report --bucket 1d -o csv --out-dir /dev/null/x " + kLog);
  CHECK(day.status == 2);  // cannot create the directory: said so
  CHECK(day.err.find("/dev/null/x") != std::string::npos);

  auto daily = run_trail("report --bucket 1d -o json " + kLog);
  REQUIRE(daily.status == 0);
  CHECK(daily.out.find("[\"2025-11-20\",122,3,125]") != std::string::npos);
  CHECK(daily.out.find("\"bucket\":\"1d\"") != std::string::npos);

  auto capped = run_trail("report --max-groups 2 -o json " + kLog);
  REQUIRE(capped.status == 0);
  CHECK(capped.err.find("warning: more than 2 groups, not all counted in: actions") !=
        std::string::npos);
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(capped.out);
  for (simdjson::dom::element section : simdjson::dom::array(doc["sections"])) {
    if (std::string_view(section["name"]) != "actions") continue;
    CHECK(bool(section["truncated"]));
    CHECK(simdjson::dom::array(section["rows"]).size() == 2);
    CHECK(std::uint64_t(section["omitted_events"]) > 0);
  }
  CHECK(run_trail("report --max-groups 2 " + kLog).out.find("truncated at --max-groups 2") !=
        std::string::npos);

  for (const char* bad :
       {"--by count", "--by action,action", "--by ''", "--bucket 2h", "--max-groups 0"}) {
    INFO(bad);
    auto result = run_trail(std::string("report ") + bad + " " + kLog);
    CHECK(result.status == 2);
    CHECK(!result.err.empty());
  }
}

TEST_CASE("report --help shows the report options and examples", "[cli][report]") {
  auto help = run_trail("report --help");
  CHECK(help.status == 0);
  for (const char* text : {"--by", "--top", "--max-groups", "--bucket", "--out-dir", "markdown",
                           "html", "--since", "--outcome", "pkgly-trail report --by"})
    CHECK(help.out.find(text) != std::string::npos);
}

}  // namespace pkgly_trail

namespace pkgly_trail {

TEST_CASE("report: sensitive actions are changes - each with what it affected", "[cli][report]") {
  const auto run =
      testing::run_trail("report -o json " + testing::fixture_arg("full-ansi-compose.log"));
  REQUIRE(run.status == 0);
  simdjson::dom::parser parser;
  const simdjson::dom::element doc = parser.parse(run.out);
  std::size_t rows = 0;
  for (simdjson::dom::element section : simdjson::dom::array(doc["sections"])) {
    if (std::string_view(section["name"]) != "sensitive") continue;
    for (simdjson::dom::element row : simdjson::dom::array(section["rows"])) {
      ++rows;
      const std::string_view action = row.at(2);
      INFO(action);
      CHECK(action != "user.list");  // a read
      CHECK(action != "auth.me");
      // Pkgly leaves the resource fields empty for these: the request's path names the ids.
      const std::string_view affected = row.at(6);
      CHECK(affected.starts_with("/api/"));
    }
  }
  CHECK(rows > 0);
}

TEST_CASE("report: the scope says the period asked and the inputs with their SHA-256",
          "[cli][report]") {
  const std::string path = testing::fixture_path("full-ansi-compose-real.log");
  Sha256 sha;
  sha.update(testing::read_file(path));
  const std::string digest = sha.hex();
  const std::string args =
      "report -o json --since 2025-11-20T10:00:00Z --until 2025-11-21 --actor admin "
      "--where 'actor_username!=x y' " +
      kLog;
  const std::string epoch = "SOURCE_DATE_EPOCH=1764547200";  // 2025-12-01T00:00:00Z
  auto first = run_trail(args, "", epoch + " TZ=UTC");
  REQUIRE(first.status == 0);
  simdjson::dom::parser parser;
  const simdjson::dom::element scope = parser.parse(first.out)["scope"];
  CHECK(std::string_view(scope["period"]["since"]) == "2025-11-20T10:00:00Z");
  CHECK(std::string_view(scope["period"]["until"]) == "2025-11-21T00:00:00Z");
  CHECK(std::string_view(scope["generated_at"]) == "2025-12-01T00:00:00Z");
  CHECK(std::string_view(scope["time_zone"]) == "UTC");
  std::vector<std::string> filters;
  for (std::string_view filter : scope["filters"].get_array()) filters.emplace_back(filter);
  CHECK(filters == std::vector<std::string>{"--actor admin", "--since 2025-11-20T10:00:00Z",
                                            "--until 2025-11-21", "--where 'actor_username!=x y'"});
  const simdjson::dom::array inputs = scope["inputs"];
  REQUIRE(inputs.size() == 1);
  CHECK(std::string_view(inputs.at(0)["name"]) == path);
  CHECK(std::uint64_t(inputs.at(0)["bytes"]) == testing::read_file(path).size());
  CHECK(std::string_view(inputs.at(0)["sha256"]) == digest);

  // The same inputs and the same SOURCE_DATE_EPOCH: the same bytes, to diff two runs.
  CHECK(run_trail(args, "", epoch + " TZ=UTC").out == first.out);

  // Text says it before any count; standard input is named as such and hashed as read.
  auto text = run_trail("report", testing::read_file(path), epoch);
  REQUIRE(text.status == 0);
  const std::size_t scope_at = text.out.find("Scope\n");
  CHECK(scope_at < text.out.find("Totals\n"));
  CHECK(text.out.find("period_since  open: from the first event read") != std::string::npos);
  CHECK(text.out.find("filters       none: every audit event read") != std::string::npos);
  CHECK(text.out.find("generated_at  2025-12-01T00:00:00Z") != std::string::npos);
  CHECK(text.out.find("(standard input)") != std::string::npos);
  CHECK(text.out.find(digest) != std::string::npos);

  auto bad = run_trail("report " + kLog, "", "SOURCE_DATE_EPOCH=yesterday");
  CHECK(bad.status == 0);
  CHECK(bad.err.find("SOURCE_DATE_EPOCH") != std::string::npos);
}

}  // namespace pkgly_trail
