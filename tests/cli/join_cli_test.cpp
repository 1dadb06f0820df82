// End to end: `join` and `trace` on the sample logs: shapes, filters on the access record,
// exit codes, and a live pipe.
#include <poll.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <regex>
#include <sstream>

#include "pkgly_trail/sink/joined_sink.hpp"
#include "support/live_trail.hpp"
#include "support/process.hpp"
#include "support/text_lines.hpp"
#include "support/truth_audit.hpp"
#include "support/truth_run.hpp"

namespace pkgly_trail {
namespace {
using testing::fixture_arg;
using testing::lines_of;
using testing::run_trail;

const std::string kLog = fixture_arg("full-ansi-compose.log");
const std::size_t kAuditEvents = 115;  // lines of full-ansi-compose.truth.ndjson
const std::string kDenied = "3054f32c-0828-4296-bea3-a64f2b3ff8e4";  // lines 32-37 of the log

}  // namespace

TEST_CASE("join -o json of every sample is its ground truth: audit - access - related",
          "[cli][join][truth]") {
  for (const std::string& name : testing::sample_names()) {
    DYNAMIC_SECTION(name) {
      // Compact logs carry no span fields: the access record is joined by adjacency and the
      // related records cannot be told apart (docs/join.md).
      const bool compact = name.find("compact") != std::string::npos;
      testing::check_against_truth(
          "join -o json", name, [&](simdjson::dom::object got, simdjson::dom::object want) {
            const std::string audit_text = [&] {
              // The audit part: the join's object without its three join members.
              std::string text = "{";
              for (auto [key, value] : got) {
                if (key == "access" || key == "related" || key == "joined_by") continue;
                if (text.size() > 1) text += ',';
                text += testing::json_quote(key) + ":" + simdjson::minify(value);
              }
              return text + "}";
            }();
            simdjson::dom::parser audit_parser;
            simdjson::dom::object audit_only;
            REQUIRE(audit_parser.parse(audit_text).get(audit_only) == simdjson::SUCCESS);
            testing::check_audit_json(audit_only, want, compact);
            CHECK(testing::object_keys(got).size() == 13);
            testing::check_access_json(got["access"], want["access"]);
            const std::string joined_by = got["joined_by"].is_null()
                                              ? std::string("null")
                                              : std::string(std::string_view(got["joined_by"]));
            CHECK(joined_by == (want["access"].is_null() ? "null"
                                : compact                ? "adjacency"
                                                         : "request_id"));
            if (compact) {
              CHECK(simdjson::dom::array(got["related"]).size() == 0);
            } else {
              testing::check_related_json(got["related"], want["related"]);
            }
          });
    }
  }
}

TEST_CASE("join -o json: one object per audit event - audit contract keys first", "[cli][join]") {
  auto result = run_trail("join -o json " + kLog);
  REQUIRE(result.status == 0);
  CHECK(result.err.empty());
  auto lines = lines_of(result.out);
  REQUIRE(lines.size() == kAuditEvents);
  CHECK(testing::read_lines(testing::fixture_path("full-ansi-compose.truth.ndjson")).size() ==
        kAuditEvents);
  const std::vector<std::string> keys{"contract", "timestamp", "level",      "target",   "message",
                                      "fields",   "spans",     "request_id", "trace_id", "source",
                                      "access",   "related",   "joined_by"};
  simdjson::dom::parser parser;
  for (const std::string& line : lines) {
    simdjson::dom::object event = parser.parse(line);
    std::vector<std::string> got;
    for (auto [key, value] : event) got.emplace_back(key);
    INFO(line.substr(0, 200));
    REQUIRE(got == keys);
    CHECK(std::string_view(event["target"]) == "pkgly::audit");
    CHECK(std::string_view(event["joined_by"]) == "request_id");
    CHECK(std::string_view(event["access"]["target"]) == "pkgly::access");
    CHECK(std::string_view(event["access"]["request_id"]) == std::string_view(event["request_id"]));
  }
}

TEST_CASE("join --access-only gives every event its access and no related", "[cli][join]") {
  auto result = run_trail("join -o json --access-only " + kLog);
  REQUIRE(result.status == 0);
  auto lines = lines_of(result.out);
  REQUIRE(lines.size() == kAuditEvents);
  simdjson::dom::parser parser;
  for (const std::string& line : lines) {
    simdjson::dom::object event = parser.parse(line);
    CHECK(simdjson::dom::array(event["related"]).size() == 0);
    CHECK(!event["access"].is_null());
  }
}

TEST_CASE("join --where and --match may name fields of the access record", "[cli][join]") {
  auto where = run_trail("join -o json --where client.address=198.51.100.7 " + kLog);
  REQUIRE(where.status == 0);
  auto lines = lines_of(where.out);
  CHECK(!lines.empty());
  CHECK(lines.size() < kAuditEvents);
  simdjson::dom::parser parser;
  for (const std::string& line : lines) {
    simdjson::dom::object event = parser.parse(line);
    CHECK(std::string_view(event["access"]["fields"]["client.address"]) == "198.51.100.7");
  }
  auto unknown = run_trail("join -o json --where client.address=192.0.2.250 " + kLog);
  CHECK(unknown.status == 1);
  CHECK(unknown.out.empty());

  auto match = run_trail("join -o json --match 'user_agent.original~curl|Maven' " + kLog);
  REQUIRE(match.status == 0);
  lines = lines_of(match.out);
  CHECK(!lines.empty());
  CHECK(lines.size() < kAuditEvents);
  const std::regex agent("curl|Maven");
  for (const std::string& line : lines) {
    simdjson::dom::object event = parser.parse(line);
    std::string_view ua = event["access"]["fields"]["user_agent.original"];
    CHECK(std::regex_search(std::string(ua), agent));
  }
}

TEST_CASE("join -o csv: default columns and the counts of one event", "[cli][join]") {
  auto result = run_trail("join -o csv " + kLog);
  REQUIRE(result.status == 0);
  auto lines = lines_of(result.out);
  REQUIRE(lines.size() == kAuditEvents + 1);
  std::string header;
  for (const std::string& column : default_join_columns())
    header += (header.empty() ? "" : ",") + column;
  CHECK(lines[0] == header);
  // Request 3054f32c: a DEBUG and an ERROR record, then the 401 access (duration_ms=0) and the
  // denied audit event.
  const std::string row =
      "2025-11-20T10:15:30.361335Z,auth.me,denied,anonymous,,,,GET,/api/user/me,401,0,10.0.7.6,"
      "\"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/130.0.0.0 Safari/537.36\"," +
      kDenied + ",request_id,2,1,1";
  CHECK(std::find(lines.begin(), lines.end(), row) != lines.end());
}

TEST_CASE("join exit codes and --stats", "[cli][join]") {
  auto bad = run_trail("join --window nonsense " + kLog);
  CHECK(bad.status == 2);
  CHECK(bad.err.find("--window") != std::string::npos);
  CHECK(run_trail("join --max-memory lots " + kLog).status == 2);
  auto stats = run_trail("join --stats " + kLog);
  CHECK(stats.status == 0);
  CHECK(stats.err.find("audit events        115\n") != std::string::npos);
  CHECK(stats.err.find("  without access    0\n") != std::string::npos);
}

TEST_CASE("trace prints the records of one request", "[cli][trace]") {
  auto full = run_trail("trace -o json " + kDenied + " " + kLog);
  REQUIRE(full.status == 0);
  auto lines = lines_of(full.out);
  REQUIRE(lines.size() == 4);
  simdjson::dom::parser parser;
  std::vector<std::string> targets;
  for (const std::string& line : lines) {
    simdjson::dom::object record = parser.parse(line);
    CHECK(std::string_view(record["request_id"]) == kDenied);
    targets.emplace_back(std::string_view(record["target"]));
  }
  CHECK(targets.back() == "pkgly::audit");
  CHECK(targets[2] == "pkgly::access");
  auto prefix = run_trail("trace -o json " + kDenied.substr(0, 8) + " " + kLog);
  CHECK(prefix.status == 0);
  CHECK(prefix.out == full.out);
  auto timeline = run_trail("trace " + kDenied.substr(0, 8) + " " + kLog);
  CHECK(timeline.status == 0);
  CHECK(lines_of(timeline.out).size() == 4);
  CHECK(timeline.out.starts_with("+     0.000 ms  "));
}

TEST_CASE("trace refuses short and ambiguous ids", "[cli][trace]") {
  auto short_id = run_trail("trace 3054f32 " + kLog);
  CHECK(short_id.status == 2);
  CHECK(short_id.out.empty());
  const std::string input =
      "2025-11-20T10:15:30.100000Z  INFO HTTP request{request_id=abcdef01-1111-4111-8111-"
      "111111111111}: pkgly::app: one\n"
      "2025-11-20T10:15:30.200000Z  INFO HTTP request{request_id=abcdef01-2222-4222-8222-"
      "222222222222}: pkgly::app: two\n";
  auto ambiguous = run_trail("trace abcdef01", input);
  CHECK(ambiguous.status == 2);
  CHECK(ambiguous.err.find("ambiguous") != std::string::npos);
  CHECK(ambiguous.out.empty());
  CHECK(run_trail("trace abcdef01-2", input).status == 0);
  CHECK(run_trail("trace 99999999 " + kLog).status == 1);
}

TEST_CASE("join on a trickling pipe prints an event before the input ends", "[cli][join]") {
  // The records of one request, in log order: related records, access, audit.
  const std::string rid = "\"request_id\":\"d3818917-cf49-4d3a-a632-5bf06d12990c\"";
  std::string request;
  for (const std::string& line : testing::read_lines(testing::fixture_path("json-plain-zero.log")))
    if (line.find(rid) != std::string::npos) request += line + "\n";
  REQUIRE(request.find("\"target\":\"pkgly::access\"") != std::string::npos);
  REQUIRE(request.find("\"target\":\"pkgly::audit\"") != std::string::npos);

  testing::LiveTrail trail({"join", "-o", "json"});
  trail.send(request);
  const std::string got = trail.take_line(std::chrono::seconds(3));
  trail.close_input();  // only now does the input end
  const int status = trail.wait();
  REQUIRE(got.find('\n') != std::string::npos);
  simdjson::dom::parser parser;
  simdjson::dom::object event = parser.parse(got.substr(0, got.find('\n')));
  CHECK(std::string_view(event["target"]) == "pkgly::audit");
  CHECK(std::string_view(event["access"]["target"]) == "pkgly::access");
  CHECK(simdjson::dom::array(event["related"]).size() > 0);
  CHECK(std::string_view(event["joined_by"]) == "request_id");
  CHECK(status == 0);
}

}  // namespace pkgly_trail

namespace pkgly_trail {

TEST_CASE("a compact log with a json log appended joins the json part by request id",
          "[cli][join][truth]") {
  // Compact logs write no request ids, so their part is joined by adjacency; the part after it
  // writes them, and is joined exactly by them, record by record, not by the shape of the
  // first part (the format is each record's own).
  const std::string compact = testing::read_file(testing::fixture_path("compact-pkgly-ansi.log"));
  const std::string json = testing::read_file(testing::fixture_path("json-plain-zero.log"));
  const auto compact_truth =
      testing::read_lines(testing::fixture_path("compact-pkgly-ansi.truth.ndjson"));
  const auto json_truth =
      testing::read_lines(testing::fixture_path("json-plain-zero.truth.ndjson"));
  const auto result = run_trail("join -o json", compact + json);
  REQUIRE(result.status == 0);
  const std::vector<std::string> got = lines_of(result.out);
  REQUIRE(got.size() == compact_truth.size() + json_truth.size());
  simdjson::dom::parser got_parser, want_parser;
  for (std::size_t i = 0; i < got.size(); ++i) {
    INFO(got[i]);
    simdjson::dom::object event, truth;
    REQUIRE(got_parser.parse(got[i]).get(event) == simdjson::SUCCESS);
    const bool json_part = i >= compact_truth.size();
    const std::string& want = json_part ? json_truth[i - compact_truth.size()] : compact_truth[i];
    REQUIRE(want_parser.parse(want).get(truth) == simdjson::SUCCESS);
    CHECK(std::string_view(event["timestamp"]) == std::string_view(truth["timestamp"]));
    testing::check_access_json(event["access"], truth["access"]);
    const std::string_view want_by = truth["access"].is_null() ? ""
                                     : json_part               ? "request_id"
                                                               : "adjacency";
    CHECK((event["joined_by"].is_null() ? std::string_view()
                                        : std::string_view(event["joined_by"])) == want_by);
    if (json_part) testing::check_related_json(event["related"], truth["related"]);
  }
}

}  // namespace pkgly_trail
