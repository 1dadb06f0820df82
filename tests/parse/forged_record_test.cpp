// A Display value with a newline followed by a whole fake record creates no event and changes
// no field, in every text format.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "parse/audit_lines.hpp"
#include "parse/parse_helpers.hpp"

namespace pkgly_trail {
using testing::audit_record;
using testing::Dialect;
using testing::dialects;
using testing::field_text;
using testing::parse_text;

TEST_CASE("a newline and a fake audit record inside a value forge nothing",
          "[parse][schema][security]") {
  for (const Dialect& d : dialects()) {
    DYNAMIC_SECTION(d.name) {
      // The fake record is written the way the real formatter would write it.
      std::string fake = audit_record(d, "admin", "", "200");
      fake.replace(fake.find("package.search"), 14, "user.delete");
      std::string query = "x\n" + fake;
      std::string log = audit_record(d, "bob", query, "201");
      if (std::string(d.name) == "pretty") log += "\n    at pkgly/src/audit/mod.rs:38\n";
      log += "\n" + audit_record(d, "carol", "ok", "200") + "\n";
      auto parsed = parse_text(log);
      std::vector<const Record*> audits;
      for (const Record& r : parsed.records)
        if (r.is_audit()) audits.push_back(&r);
      REQUIRE(audits.size() == 2);
      CHECK(field_text(*audits[0], "actor_username") == "bob");
      CHECK(field_text(*audits[0], "action") == "package.search");
      CHECK(field_text(*audits[0], "query") == query);
      CHECK(field_text(*audits[0], "http_response_status_code") == "201");
      CHECK(field_text(*audits[1], "actor_username") == "carol");
      CHECK(parsed.stats.unparsed_lines == 0);
    }
  }
}

TEST_CASE("a record that fits its schema waits for the next line or for idle - not for the end",
          "[parse][schema][live]") {
  // The next line may still show that a value went on over a newline (see
  // continuation_test.cpp); a quiet live stream hands the record on at once.
  Dialect plain = dialects()[0];
  testing::CollectRecords collected;
  RecordAssembler assembler(collected);
  assembler.begin_input("-");
  assembler.on_line(audit_record(plain, "bob", "q", "200"), 1);
  CHECK(collected.records.empty());
  assembler.on_idle();
  REQUIRE(collected.records.size() == 1);
  CHECK(collected.records[0].schema_fit == SchemaFit::Complete);
  CHECK(collected.records[0].suspect.empty());
}

}  // namespace pkgly_trail

namespace pkgly_trail {

TEST_CASE("a json audit record naming a field twice is marked suspect and shows the later value",
          "[parse][security]") {
  const std::string head =
      R"({"timestamp":"2025-11-20T10:00:00.000000Z","level":"INFO","fields":{"message":"Audit event",)"
      R"("action":"auth.login","outcome":"success",)";
  const std::string tail = R"(,"request_id":"r1"},"target":"pkgly::audit"})";
  auto parsed = testing::parse_text(head + R"("actor_username":"alice","actor_username":"bob")" +
                                    tail + "\n");
  REQUIRE(parsed.records.size() == 1);
  CHECK(testing::field_text(parsed.records[0], "actor_username") == "bob");
  CHECK(parsed.records[0].suspect.find("written twice") != std::string_view::npos);
  // The same value twice reads one way only: no doubt to report.
  parsed =
      testing::parse_text(head + R"("actor_username":"bob","actor_username":"bob")" + tail + "\n");
  REQUIRE(parsed.records.size() == 1);
  CHECK(parsed.records[0].suspect.empty());
}

}  // namespace pkgly_trail

namespace pkgly_trail {

TEST_CASE("a json record naming a member twice is marked suspect", "[parse][security]") {
  const std::string fields =
      R"("fields":{"message":"Audit event","action":"auth.login","outcome":"success",)"
      R"("actor_username":"alice","request_id":"r1"})";
  const std::string genuine = R"({"timestamp":"2025-11-20T10:00:00.000000Z","level":"INFO",)" +
                              fields + R"(,"target":"pkgly::audit"})";
  CHECK(testing::parse_text(genuine + "\n").records.at(0).suspect.empty());
  for (
      const std::string& line : std::vector<std::string>{
          // jq and jsonb read these as something else than the first reading.
          R"({"timestamp":"2025-11-20T10:00:00.000000Z","level":"INFO",)" + fields +
              R"(,"fields":{"message":"nothing"},"target":"pkgly::audit"})",
          R"({"timestamp":"2025-11-20T10:00:00.000000Z","level":"INFO",)" + fields +
              R"(,"target":"pkgly::audit","target":"pkgly::audit"})",
          R"({"timestamp":"2025-11-20T10:00:00.000000Z","timestamp":"2025-11-21T00:00:00Z",)"
          R"("level":"INFO",)" +
              fields + R"(,"target":"pkgly::audit"})",
          R"({"timestamp":"2025-11-20T10:00:00.000000Z","level":"INFO","level":"INFO",)" + fields +
              R"(,"target":"pkgly::audit"})",
          std::string(
              R"({"timestamp":"2025-11-20T10:00:00.000000Z","level":"INFO","fields":{"message":)"
              R"("Audit event","message":"hello","action":"auth.login"},"target":"pkgly::audit"})"),
      }) {
    INFO(line);
    const auto parsed = testing::parse_text(line + "\n");
    REQUIRE(parsed.records.size() == 1);
    CHECK(parsed.records[0].suspect.find("written twice") != std::string_view::npos);
  }
}

}  // namespace pkgly_trail
