// Found by fuzz/json_format_fuzz: a JSON value that starts with 'n' but is not `null` (`nul`,
// `nt_id"`) made JsonRecordParser convert a failed simdjson_result<bool> to bool, which throws;
// the exception ended the whole run (std::terminate, exit 134) on one hostile line.
#include <catch2/catch.hpp>
#include <string>

#include "parse/json_format.hpp"
#include "parse/parse_helpers.hpp"

namespace pkgly_trail {

TEST_CASE("json: a value that only starts like null is unparsed - not an exception",
          "[parse][json][regression]") {
  const std::string head = R"({"timestamp":"2025-11-20T10:15:31Z","level":"INFO",)";
  for (const std::string& line : {
           head + R"("fields":{"message":"x","a":nul},"target":"t::x"})",
           head + R"("fields":{"message":"x","a":nullx},"target":"t::x"})",
           head + R"("fields":{"message":"x"},"target":"t::x","spans":[{"a":nt_id"}]})",
       }) {
    JsonRecordParser parser;
    Record record;
    bool parsed = true;
    CHECK_NOTHROW(parsed = parser.parse(line, record));
    CHECK_FALSE(parsed);
  }
}

TEST_CASE("json: a genuine null still parses - and a bad line does not stop the next ones",
          "[parse][json][regression]") {
  auto result = testing::parse_text(
      R"({"timestamp":"2025-11-20T10:15:31Z","level":"INFO","fields":{"message":"x","a":nul},"target":"t::x"})"
      "\n"
      R"({"timestamp":"2025-11-20T10:15:32Z","level":"INFO","fields":{"message":"y","a":null},"target":"t::y"})"
      "\n");
  REQUIRE(result.records.size() == 1);
  CHECK(result.records[0].target == "t::y");
  const Value* a = result.records[0].field("a");
  REQUIRE(a != nullptr);
  CHECK(a->kind == ValueKind::Null);
  CHECK(result.stats.unparsed_lines == 1);
}

}  // namespace pkgly_trail
