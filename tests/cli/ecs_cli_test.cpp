// End to end: `-o ecs` for audit and join (Elastic Common Schema NDJSON), and the commands that
// refuse it.
#include <simdjson.h>

#include <catch2/catch.hpp>
#include <sstream>

#include "support/process.hpp"
#include "support/text_lines.hpp"
#include "support/truth.hpp"

namespace pkgly_trail {
namespace {
using testing::fixture_arg;
using testing::run_trail;

const std::string kLog = fixture_arg("full-ansi-compose.log");
const std::size_t kAuditEvents = 115;  // lines of full-ansi-compose.truth.ndjson

// The lines `pkgly-trail <args>` writes on the sample: one ECS document per audit event, each
// with the fields a SIEM keys on.
std::vector<std::string> ecs_documents(const std::string& args) {
  const auto result = run_trail(args);
  REQUIRE(result.status == 0);
  CHECK(result.err.empty());
  auto lines = testing::lines_of(result.out);
  REQUIRE(lines.size() == kAuditEvents);
  simdjson::dom::parser parser;
  for (const std::string& line : lines) {
    INFO(line.substr(0, 300));
    simdjson::dom::element doc;
    REQUIRE(parser.parse(line).get(doc) == simdjson::SUCCESS);
    std::string_view timestamp, action, outcome;
    REQUIRE(doc["@timestamp"].get(timestamp) == simdjson::SUCCESS);
    CHECK(timestamp.starts_with("2025-11-"));
    REQUIRE(doc["event"]["action"].get(action) == simdjson::SUCCESS);
    CHECK(!action.empty());
    REQUIRE(doc["event"]["outcome"].get(outcome) == simdjson::SUCCESS);
    CHECK((outcome == "success" || outcome == "failure"));
  }
  return lines;
}

}  // namespace

TEST_CASE("audit -o ecs: one ECS document per audit event - no join", "[cli][ecs]") {
  const auto lines = ecs_documents("audit -o ecs " + kLog);
  simdjson::dom::parser parser;
  for (const std::string& line : lines) {
    simdjson::dom::element doc = parser.parse(line);
    // Not joined: no access record, so neither joined_by nor the access-only fields.
    CHECK(doc["labels"]["joined_by"].error() == simdjson::NO_SUCH_FIELD);
    CHECK(doc["event"]["duration"].error() == simdjson::NO_SUCH_FIELD);
  }
  auto denied = run_trail("audit -o ecs --outcome denied " + kLog);
  REQUIRE(denied.status == 0);
  for (const std::string& line : testing::lines_of(denied.out))
    CHECK(line.find("\"outcome\":\"failure\"") != std::string::npos);
}

TEST_CASE("join -o ecs: source.ip is the access record's client.address", "[cli][ecs]") {
  const auto documents = ecs_documents("join -o ecs " + kLog);
  // Each document against its line of the ground truth, which knows the access record.
  const auto truth = testing::read_lines(testing::fixture_path("full-ansi-compose.truth.ndjson"));
  REQUIRE(truth.size() == documents.size());
  simdjson::dom::parser ecs_parser, truth_parser;
  std::size_t compared = 0, without_address = 0;
  for (std::size_t i = 0; i < documents.size(); ++i) {
    INFO(documents[i].substr(0, 300));
    simdjson::dom::element doc = ecs_parser.parse(documents[i]);
    simdjson::dom::element want = truth_parser.parse(truth[i]);
    CHECK(std::string_view(doc["@timestamp"]) == std::string_view(want["timestamp"]));
    CHECK(std::string_view(doc["event"]["action"]) == std::string_view(want["action"]));
    // ECS outcome: success or failure (a denied event failed).
    CHECK(std::string_view(doc["event"]["outcome"]) ==
          (std::string_view(want["outcome"]) == "success" ? "success" : "failure"));
    CHECK(std::string_view(doc["user"]["name"]) == std::string_view(want["actor_username"]));
    CHECK(std::string_view(doc["user"]["id"]) == std::to_string(int64_t(want["actor_id"])));
    CHECK(std::string_view(doc["transaction"]["id"]) == std::string_view(want["request_id"]));
    simdjson::dom::element access = want["access"];
    REQUIRE(!access.is_null());  // every event of this sample has its access record
    CHECK(std::string_view(doc["labels"]["joined_by"]) == "request_id");
    CHECK(int64_t(doc["http"]["response"]["status_code"]) ==
          int64_t(access["http.response.status_code"]));
    // duration_ms as ECS nanoseconds.
    CHECK(int64_t(doc["event"]["duration"]) == int64_t(access["duration_ms"]) * 1000000);
    if (access["client.address"].is_null()) {
      ++without_address;
      continue;
    }
    CHECK(std::string_view(doc["source"]["ip"]) == std::string_view(access["client.address"]));
    ++compared;
  }
  // 4 access records of the sample carry no client.address (their ECS source.ip comes from the
  // audit event's HTTP request span).
  CHECK(without_address == 4);
  CHECK(compared == kAuditEvents - 4);
  // One line checked by hand: the first event of the sample (erin.k, npm download).
  CHECK(documents[0].find("\"source\":{\"ip\":\"2001:db8::8a2e:370:7334\"}") != std::string::npos);
}

TEST_CASE("records and trace refuse -o ecs - report too", "[cli][ecs]") {
  for (const std::string& args : {"records -o ecs " + kLog, "trace -o ecs 2053a960 " + kLog,
                                  "records -o ECS " + kLog, "report -o ecs " + kLog}) {
    INFO(args);
    auto result = run_trail(args);
    CHECK(result.status == 2);
    CHECK(result.out.empty());
    CHECK(result.err.find("-o ecs") != std::string::npos);
    CHECK(result.err.find("pkgly-trail join -o ecs") != std::string::npos);
  }
}

}  // namespace pkgly_trail
