// The comparison the truth tests rely on must see every kind of difference: if it could not
// fail, neither could they.
#include "support/json_compare.hpp"

#include <catch2/catch.hpp>

namespace pkgly_trail {
namespace {

std::string diff(const std::string& want, const std::string& got) {
  simdjson::dom::parser a, b;
  return testing::json_diff(a.parse(want), b.parse(got));
}

}  // namespace

TEST_CASE("json_diff: equal values have no difference") {
  CHECK(diff(R"({"a":1,"b":[true,null,"x"],"c":{"d":1.5}})",
             R"({"c":{"d":1.5},"b":[true,null,"x"],"a":1})") == "");
}

TEST_CASE("json_diff: a missing - extra or doubled key is a difference") {
  CHECK(diff(R"({"a":1,"b":2})", R"({"a":1})") == "$.b: missing (want 2)\n");
  CHECK(diff(R"({"a":1})", R"({"a":1,"actor_id":1})") == "$.actor_id: not expected (got 1)\n");
  CHECK(diff(R"({"a":1})", R"({"a":1,"a":1})") == "$.a: key written twice\n");
}

TEST_CASE("json_diff: types count - an integer is not a string or a float") {
  CHECK(diff(R"({"a":1})", R"({"a":"1"})") == "$.a: want integer 1, got string \"1\"\n");
  CHECK(diff(R"([1])", R"([1.0])") == "$[0]: want integer 1, got float 1.0\n");
  CHECK(diff(R"([true])", R"(["true"])") != "");
  CHECK(diff(R"([null])", R"([""])") != "");
  CHECK(diff(R"({"a":{"b":"x"}})", R"({"a":{"b":"y"}})") == "$.a.b: want \"x\", got \"y\"\n");
}

TEST_CASE("json_diff: arrays are compared element by element and by length") {
  CHECK(diff(R"(["a","b"])", R"(["a"])") == "$: want 2 elements, got 1\n");
  CHECK(diff(R"(["a","b"])", R"(["b","a"])") != "");
}

TEST_CASE("json_quote escapes quotes - backslashes and controls") {
  CHECK(testing::json_quote("a\"b\\c\n\x01") == R"("a\"b\\c\u000a\u0001")");
}

}  // namespace pkgly_trail
