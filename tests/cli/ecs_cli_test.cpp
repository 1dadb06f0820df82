// End to end: `-o ecs` for audit and join (Elastic Common Schema NDJSON), and the commands that
// refuse it.
#include <simdjson.h>

#include <catch2/catch.hpp>
#include <sstream>

#include "support/process.hpp"

namespace pkgly_trail {
namespace {
using testing::fixture_arg;
using testing::run_trail;

const std::string kLog = fixture_arg("full-ansi-compose.log");
const std::size_t kAuditEvents = 115;  // lines of full-ansi-compose.truth.ndjson

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Every line is one ECS document with the fields a SIEM keys on.
void check_ecs_lines(const std::vector<std::string>& lines) {
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
}

}  // namespace

TEST_CASE("audit -o ecs: one ECS document per audit event - no join", "[cli][ecs]") {
  auto result = run_trail("audit -o ecs " + kLog);
  REQUIRE(result.status == 0);
  CHECK(result.err.empty());
  auto lines = lines_of(result.out);
  REQUIRE(lines.size() == kAuditEvents);
  check_ecs_lines(lines);
  simdjson::dom::parser parser;
  for (const std::string& line : lines) {
    simdjson::dom::element doc = parser.parse(line);
    // Not joined: no access record, so neither joined_by nor the access-only fields.
    CHECK(doc["labels"]["joined_by"].error() == simdjson::NO_SUCH_FIELD);
    CHECK(doc["event"]["duration"].error() == simdjson::NO_SUCH_FIELD);
  }
  auto denied = run_trail("audit -o ecs --outcome denied " + kLog);
  REQUIRE(denied.status == 0);
  for (const std::string& line : lines_of(denied.out))
    CHECK(line.find("\"outcome\":\"failure\"") != std::string::npos);
}

TEST_CASE("join -o ecs: source.ip is the access record's client.address", "[cli][ecs]") {
  auto ecs = run_trail("join -o ecs " + kLog);
  REQUIRE(ecs.status == 0);
  CHECK(ecs.err.empty());
  auto documents = lines_of(ecs.out);
  REQUIRE(documents.size() == kAuditEvents);
  check_ecs_lines(documents);
  // The same events in the same order as join -o json, which shows the access record itself.
  auto json = run_trail("join -o json " + kLog);
  REQUIRE(json.status == 0);
  auto events = lines_of(json.out);
  REQUIRE(events.size() == documents.size());
  simdjson::dom::parser ecs_parser, json_parser;
  std::size_t compared = 0;
  for (std::size_t i = 0; i < documents.size(); ++i) {
    INFO(documents[i].substr(0, 300));
    simdjson::dom::element doc = ecs_parser.parse(documents[i]);
    simdjson::dom::element event = json_parser.parse(events[i]);
    CHECK(std::string_view(doc["@timestamp"]) == std::string_view(event["timestamp"]));
    CHECK(std::string_view(doc["labels"]["joined_by"]) == std::string_view(event["joined_by"]));
    std::string_view client;
    if (event["access"]["fields"]["client.address"].get(client) != simdjson::SUCCESS) continue;
    CHECK(std::string_view(doc["source"]["ip"]) == client);
    ++compared;
  }
  // 4 access records of the sample carry no client.address (their ECS source.ip comes from the
  // audit event's HTTP request span).
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
