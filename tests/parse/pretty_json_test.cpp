#include <catch2/catch.hpp>

#include "parse/field_syntax.hpp"
#include "parse/parse_helpers.hpp"
#include "support/truth.hpp"

namespace pkgly_trail {
using testing::field_text;
using testing::parse_text;

TEST_CASE("pretty: event line - location - spans innermost first", "[parse][pretty]") {
  auto parsed = parse_text(
      "  2025-11-20T10:15:30.367639Z  INFO pkgly::audit: Audit event, trace_id: "
      "00000000000000000000000000000000, action: auth.me, outcome: denied, actor_username: a, b, "
      "actor_id: 0, actor_authenticated: false, resource_kind: , resource_id: , resource_name: , "
      "repository_id: , storage_id: , target_user_id: 0, token_id: 0, path: , query: x, y: z, "
      "http_request_method: GET, http_route: /api/user/me, url_path: /api/user/me, "
      "http_response_status_code: 401\n"
      "    at pkgly/src/audit/mod.rs:38\n"
      "    in pkgly::app::auth with project_module: \"Authentication\"\n"
      "    in pkgly::requests::HTTP request with url.path: \"/api/user/me\", request_id: r-9\n"
      "\n"
      "  2025-11-20T10:15:30.4Z DEBUG sqlx::query: summary: \"SELECT 1\"\n"
      "    at x.rs:1\n"
      "\n");
  REQUIRE(parsed.records.size() == 2);
  const Record& r = parsed.records[0];
  CHECK(r.format == Format::Pretty);
  CHECK(r.target == "pkgly::audit");
  CHECK(field_text(r, "actor_username") == "a, b");
  CHECK(field_text(r, "query") == "x, y: z");
  CHECK(field_text(r, "http_response_status_code") == "401");
  REQUIRE(r.spans.size() == 2);
  CHECK(r.spans[0].name == "HTTP request");
  CHECK(r.spans[1].name == "auth");
  CHECK(r.request_id == "r-9");
  CHECK(!parsed.records[1].message);
  CHECK(field_text(parsed.records[1], "summary") == "SELECT 1");
  // 5 + 3 lines: 2 record lines, 6 continuation lines (at, in, blank).
  CHECK(parsed.stats.record_lines == 2);
  CHECK(parsed.stats.continuation_lines == 6);
}

TEST_CASE("json: typed fields - spans root first - request_id from the HTTP request span",
          "[parse][json]") {
  auto parsed = parse_text(
      R"({"timestamp":"2025-11-20T10:15:30.1Z","level":"WARN","fields":{"message":"m","n":5,)"
      R"("f":0.5,"b":true,"s":"x\u001by","o":{"k":[1,2]},"z":null},"target":"t::u",)"
      R"("span":{"name":"inner"},"spans":[{"request_id":"r-1","name":"HTTP request"},)"
      R"({"request_id":"ws","name":"inner"}]})");
  REQUIRE(parsed.records.size() == 1);
  const Record& r = parsed.records[0];
  CHECK(r.format == Format::Json);
  CHECK(r.level == Level::Warn);
  CHECK(r.message == std::optional<std::string_view>("m"));
  CHECK(r.field("n")->kind == ValueKind::Integer);
  CHECK(r.field("f")->kind == ValueKind::Float);
  CHECK(r.field("b")->text == "true");
  CHECK(field_text(r, "s") == "x\x1by");
  CHECK(field_text(r, "o") == R"({"k":[1,2]})");
  CHECK(r.field("z")->kind == ValueKind::Null);
  REQUIRE(r.spans.size() == 2);
  CHECK(r.request_id == "r-1");
}

TEST_CASE("json: not a record - truncated - not an object", "[parse][json]") {
  auto parsed = parse_text("{\"a\":1}\n{\"timestamp\":\"x\",\"level\":\"INFO\"\n[1,2]\n{ broken");
  CHECK(parsed.records.empty());
  CHECK(parsed.stats.unparsed_lines == 3);
  CHECK(parsed.stats.non_tracing_lines == 1);  // "[1,2]" never looked like a record
}

TEST_CASE("json: a line split by docker at 16 KiB is joined again", "[parse][json]") {
  std::string big(20000, 'a');
  std::string line =
      R"({"timestamp":"2025-11-20T10:15:30.1Z","level":"INFO","fields":{"message":")" + big +
      R"("},"target":"t"})";
  std::string split = line.substr(0, 16384) + "\n" + line.substr(16384);
  auto parsed = parse_text(split);
  REQUIRE(parsed.records.size() == 1);
  CHECK(parsed.records[0].message->size() == big.size());
  CHECK(parsed.stats.continuation_lines == 1);
}

TEST_CASE("formats may be mixed in one stream - per record", "[parse]") {
  auto parsed = parse_text(
      "2025-11-20T10:15:30.1Z  INFO pkgly::a: one\n"
      R"({"timestamp":"2025-11-20T10:15:30.2Z","level":"INFO","fields":{"message":"two"},"target":"pkgly::b"})"
      "\n  2025-11-20T10:15:30.3Z  INFO pkgly::c: three\n    at c.rs:1\n\n"
      "2025-11-20T10:15:30.4Z \x1b[32mINFO\x1b[0m [s] pkgly::d: four\n");
  REQUIRE(parsed.records.size() == 4);
  CHECK(parsed.records[0].format == Format::Full);
  CHECK(parsed.records[1].format == Format::Json);
  CHECK(parsed.records[2].format == Format::Pretty);
  CHECK(parsed.records[3].format == Format::Compact);
  CHECK(parsed.records[3].message == std::optional<std::string_view>("four"));
}

TEST_CASE("every line of every sample is accounted for", "[parse][stats]") {
  for (const std::string& name : testing::sample_names()) {
    DYNAMIC_SECTION(name) {
      auto parsed = parse_text(testing::read_file(testing::fixture_path(name + ".log")));
      const ParseStats& s = parsed.stats;
      CHECK(s.lines == s.record_lines + s.continuation_lines + s.non_tracing_lines +
                           s.unparsed_lines + s.other_service_lines);
      CHECK(s.records == s.record_lines);
      CHECK(s.unparsed_lines == 0);
    }
  }
}

TEST_CASE("the same event is the same record in every format", "[parse][normalize]") {
  // The sample generator wrote the same requests in each format; the audit events with the
  // same actor, action and url path must have identical typed fields.
  auto audits = [](const std::string& name) {
    auto parsed = parse_text(testing::read_file(testing::fixture_path(name + ".log")));
    std::vector<Record> out;
    for (Record& r : parsed.records)
      if (r.is_audit()) out.push_back(std::move(r));
    return out;
  };
  auto full = audits("full-ansi-compose");
  auto plain = audits("full-plain-compose");
  REQUIRE(full.size() == plain.size());
  for (std::size_t i = 0; i < full.size(); ++i) {
    REQUIRE(full[i].fields.size() == plain[i].fields.size());
    for (std::size_t j = 0; j < full[i].fields.size(); ++j) {
      CHECK(full[i].fields[j].key == plain[i].fields[j].key);
      CHECK(full[i].fields[j].value == plain[i].fields[j].value);
    }
    CHECK(full[i].request_id == plain[i].request_id);
  }
  for (std::string other : {"json-plain-zero", "pretty-noansi", "compact-pkgly-ansi"}) {
    for (const Record& r : audits(other)) {
      REQUIRE(r.fields.size() == 19);
      CHECK(r.fields[4].key == "actor_id");
      CHECK(r.fields[4].value.kind == ValueKind::Integer);
      CHECK(r.fields[5].value.kind == ValueKind::Bool);
      CHECK(r.fields[13].value.kind == ValueKind::String);
      CHECK(r.fields[18].value.kind == ValueKind::Integer);
    }
  }
}

}  // namespace pkgly_trail

namespace pkgly_trail {

TEST_CASE("required text skips parsing records that cannot match - and only those",
          "[parse][prefilter]") {
  for (const std::string& name : testing::sample_names()) {
    DYNAMIC_SECTION(name) {
      std::string log = testing::read_file(testing::fixture_path(name + ".log"));
      auto all = testing::parse_text(log);
      AssemblerOptions options;
      options.required_text = {"pkgly::audit"};
      auto filtered = testing::parse_text(log, options);
      std::vector<std::string> want, got;
      for (const Record& r : all.records)
        if (r.is_audit()) want.emplace_back(r.timestamp);
      for (const Record& r : filtered.records)
        if (r.is_audit()) got.emplace_back(r.timestamp);
      CHECK(got == want);
      CHECK(filtered.stats.records == all.stats.records);
      CHECK(filtered.stats.records_skipped > filtered.stats.records / 2);
      CHECK(filtered.stats.lines ==
            filtered.stats.record_lines + filtered.stats.continuation_lines +
                filtered.stats.non_tracing_lines + filtered.stats.unparsed_lines +
                filtered.stats.other_service_lines);
    }
  }
}

}  // namespace pkgly_trail

namespace pkgly_trail {

TEST_CASE("json: an object of a million members keeps 256 - and says so",
          "[parse][json][cost][security]") {
  std::string fields = "\"message\":\"many\"";
  for (int i = 0; i < 100000; ++i) fields += ",\"a" + std::to_string(i) + "\":\"\"";
  auto parsed = testing::parse_text(
      "{\"timestamp\":\"2025-11-20T10:15:30.1Z\",\"level\":\"DEBUG\",\"fields\":{" + fields +
      "},\"target\":\"pkgly::x\"}\n");
  REQUIRE(parsed.records.size() == 1);
  CHECK(parsed.records[0].fields.size() == kMaxSplitFields);
  CHECK(parsed.records[0].message == std::optional<std::string_view>("many"));
  CHECK(parsed.records[0].suspect.find("256 fields") != std::string_view::npos);
  CHECK(parsed.stats.suspect_records == 1);
}

}  // namespace pkgly_trail
