// pipeline_fuzz found it (2026-11-30): a held record whose text grew without its last key
// was handed on from a parse of its earlier text, whose views pointed into the text's old
// buffer (heap-use-after-free under ASan, wrong values without).
#include <catch2/catch.hpp>

#include "parse/audit_lines.hpp"
#include "parse/parse_helpers.hpp"

namespace pkgly_trail {

TEST_CASE("a held record that grows and ends with the input is parsed from its whole text",
          "[parse][continuation][regression]") {
  const testing::Dialect& d = testing::dialects()[0];
  std::string head = testing::audit_record(d, "bob", "start", "200");
  head = head.substr(0, head.find(" http_request_method="));  // cut inside the query: held
  std::string log = head + "\n";
  for (int i = 0; i < 200; ++i) log += "more text of the value " + std::to_string(i) + "\n";
  auto parsed = testing::parse_text(log);
  REQUIRE(parsed.records.size() == 1);
  const Record& record = parsed.records[0];
  CHECK(record.is_audit());
  CHECK_FALSE(record.suspect.empty());  // its end never came
  const Value* query = record.field("query");
  REQUIRE(query != nullptr);
  CHECK(query->text.starts_with("start\nmore text of the value 0"));
  CHECK(query->text.ends_with("more text of the value 199"));
}

}  // namespace pkgly_trail
