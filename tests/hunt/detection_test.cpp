#include "pkgly_trail/hunt/detection.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>

#include "hunt/map_event.hpp"
#include "hunt/wildcard.hpp"
#include "pkgly_trail/hunt/rule_loader.hpp"

using namespace pkgly_trail;
using namespace pkgly_trail::hunt;
using pkgly_trail::testing::MapEvent;

namespace {

// A whole rule around `detection`, loaded as a rule author's file would be.
std::shared_ptr<const Detection> compile(std::string_view detection) {
  const std::string text =
      "title: test rule\nlogsource:\n  product: pkgly\n  service: audit\n" + std::string(detection);
  const RuleSet set = load_rules({{"test.yml", text}});
  REQUIRE(set.detections.size() == 1);
  REQUIRE(set.detections.front().detection != nullptr);
  return set.detections.front().detection;
}

// One field test `key: value` as the whole selection.
std::shared_ptr<const Detection> one(std::string_view key, std::string_view value) {
  return compile("detection:\n  sel:\n    " + std::string(key) + ": " + std::string(value) +
                 "\n  condition: sel\n");
}

MapEvent with_string(std::string name, std::string text) {
  MapEvent event;
  event.string(std::move(name), std::move(text));
  return event;
}

bool matches_string(std::string_view key, std::string_view value, std::string text) {
  return one(key, value)->matches(with_string("f", std::move(text)));
}

}  // namespace

TEST_CASE("detection plain values match whole values ignoring ASCII case", "[hunt][detection]") {
  CHECK(matches_string("f", "package.download", "package.download"));
  CHECK(matches_string("f", "package.download", "Package.DOWNLOAD"));
  CHECK(matches_string("f", "PACKAGE.download", "package.download"));
  CHECK_FALSE(matches_string("f", "package.download", "package.download2"));
  CHECK_FALSE(matches_string("f", "package.download", "package"));
  // Only ASCII letters fold: É and é are different characters here.
  CHECK_FALSE(matches_string("f", "'café'", "CAFÉ"));
  CHECK(matches_string("f", "'café'", "CAFé"));
}

TEST_CASE("detection cased makes matching case-sensitive", "[hunt][detection]") {
  CHECK(matches_string("f|cased", "Alice", "Alice"));
  CHECK_FALSE(matches_string("f|cased", "Alice", "alice"));
  CHECK(matches_string("f|contains|cased", "Admin", "SuperAdmin"));
  CHECK_FALSE(matches_string("f|contains|cased", "Admin", "superadmin"));
  CHECK(matches_string("f|cased|startswith", "Ad*n", "AdXXn-1"));
  CHECK_FALSE(matches_string("f|cased|startswith", "Ad*n", "adXXn-1"));
}

TEST_CASE("detection wildcards star and question mark", "[hunt][detection]") {
  CHECK(matches_string("f", "'package.*'", "package.download"));
  CHECK(matches_string("f", "'package.*'", "package."));
  CHECK_FALSE(matches_string("f", "'package.*'", "package"));
  CHECK(matches_string("f", "'*.download'", "package.download"));
  CHECK(matches_string("f", "'p*e*d'", "package.download.d"));
  CHECK(matches_string("f", "'*'", ""));
  CHECK(matches_string("f", "'**'", "anything"));
  CHECK(matches_string("f", "'a?c'", "abc"));
  CHECK_FALSE(matches_string("f", "'a?c'", "ac"));
  CHECK_FALSE(matches_string("f", "'a?c'", "abbc"));
  CHECK(matches_string("f", "'a*b?d'", "aXXbbXd"));
  // `?` is one character, not one byte.
  CHECK(matches_string("f", "'caf?'", "café"));
  CHECK_FALSE(matches_string("f",
                             "'caf?"
                             "?'",
                             "café"));  // (split: no trigraph)
  CHECK(matches_string("f", "'*?'", "é"));
}

TEST_CASE("detection escapes make wildcards literal", "[hunt][detection]") {
  CHECK(matches_string("f", R"('a\*b')", "a*b"));
  CHECK_FALSE(matches_string("f", R"('a\*b')", "aXb"));
  CHECK(matches_string("f", R"('a\?b')", "a?b"));
  CHECK_FALSE(matches_string("f", R"('a\?b')", "aXb"));
  // \\ is one backslash; a backslash before anything else is itself.
  CHECK(matches_string("f", R"('C:\\dir')", R"(C:\dir)"));
  CHECK(matches_string("f", R"('C:\dir')", R"(C:\dir)"));
  // \\* is a backslash, then a wildcard; \\\* a backslash and a star.
  CHECK(matches_string("f", R"('a\\*')", R"(a\anything)"));
  CHECK_FALSE(matches_string("f", R"('a\\*')", "anything"));
  CHECK(matches_string("f", R"('a\\\*')", R"(a\*)"));
  CHECK_FALSE(matches_string("f", R"('a\\\*')", R"(a\x)"));
  CHECK(WildcardPattern::from_sigma(R"(a\*b*c\\)", false).to_sigma() == R"(a\*b*c\\)");
}

TEST_CASE("detection contains startswith endswith", "[hunt][detection]") {
  CHECK(matches_string("f|contains", "eslint", "@acme/ESLINT-config"));
  CHECK_FALSE(matches_string("f|contains", "eslint", "@acme/es-lint"));
  CHECK(matches_string("f|contains", "''", "anything"));
  CHECK(matches_string("f|startswith", "'@acme/'", "@acme/eslint-config"));
  CHECK_FALSE(matches_string("f|startswith", "'@acme/'", "x@acme/eslint-config"));
  CHECK(matches_string("f|endswith", "-config", "@acme/eslint-CONFIG"));
  CHECK_FALSE(matches_string("f|endswith", "-config", "@acme/eslint-config.tgz"));
  // Wildcards and escapes work inside them too.
  CHECK(matches_string("f|contains", "'a?c'", "xxabcxx"));
  CHECK(matches_string("f|contains", R"('a\*c')", "xxa*cxx"));
  CHECK_FALSE(matches_string("f|contains", R"('a\*c')", "xxabcxx"));
  CHECK(matches_string("f|startswith", "'a*c'", "abbbcdef"));
  CHECK(matches_string("f|endswith", "'a*c'", "xxabbbc"));
  // A number under contains is its text.
  CHECK(matches_string("f|startswith", "4", "404"));
}

TEST_CASE("detection wildcard matching stays fast on hostile input", "[hunt][detection]") {
  const auto detection = one("f", "'*a*a*a*a*a*a*a*a*b'");
  const MapEvent event = with_string("f", std::string(20000, 'a'));
  const auto start = std::chrono::steady_clock::now();
  CHECK_FALSE(detection->matches(event));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
}

TEST_CASE("detection a list of values is any of them unless all", "[hunt][detection]") {
  const auto any = one("f", "[login.failed, login.locked]");
  CHECK(any->matches(with_string("f", "login.failed")));
  CHECK(any->matches(with_string("f", "LOGIN.LOCKED")));
  CHECK_FALSE(any->matches(with_string("f", "login.success")));
  const auto all = one("f|contains|all", "[eslint, config]");
  CHECK(all->matches(with_string("f", "@acme/eslint-config")));
  CHECK_FALSE(all->matches(with_string("f", "@acme/eslint")));
  CHECK_FALSE(all->matches(with_string("f", "@acme/config")));
}

TEST_CASE("detection a map is AND and a list of maps is OR", "[hunt][detection]") {
  const auto both = compile(R"(detection:
  sel:
    action: package.publish
    outcome: failure
  condition: sel
)");
  MapEvent event;
  event.string("action", "package.publish").string("outcome", "failure");
  CHECK(both->matches(event));
  event.string("outcome", "success");
  CHECK_FALSE(both->matches(event));

  const auto either = compile(R"(detection:
  sel:
    - action: package.publish
    - outcome: failure
  condition: sel
)");
  CHECK(either->matches(event));
  MapEvent other;
  other.string("action", "package.download").string("outcome", "failure");
  CHECK(either->matches(other));
  other.string("outcome", "success");
  CHECK_FALSE(either->matches(other));
}

TEST_CASE("detection null means absent or null", "[hunt][detection]") {
  const auto absent = one("f", "null");
  CHECK(absent->matches(MapEvent{}));
  CHECK(absent->matches(MapEvent{}.null("f")));
  CHECK_FALSE(absent->matches(with_string("f", "")));
  CHECK_FALSE(absent->matches(with_string("f", "null")));
  CHECK(one("f", "~")->matches(MapEvent{}));
  // Quoted, 'null' is the text null.
  CHECK(one("f", "'null'")->matches(with_string("f", "NULL")));
  CHECK_FALSE(one("f", "'null'")->matches(MapEvent{}));
  // A null or absent field matches no text, not even the empty one.
  CHECK_FALSE(one("f", "'*'")->matches(MapEvent{}.null("f")));
  CHECK_FALSE(one("f", "'*'")->matches(MapEvent{}));
}

TEST_CASE("detection an empty string matches an empty value only", "[hunt][detection]") {
  const auto empty = one("f", "''");
  CHECK(empty->matches(with_string("f", "")));
  CHECK_FALSE(empty->matches(with_string("f", " ")));
  CHECK_FALSE(empty->matches(MapEvent{}));
  CHECK_FALSE(empty->matches(MapEvent{}.null("f")));
}

TEST_CASE("detection exists asks whether the field is there", "[hunt][detection]") {
  const auto exists = one("f|exists", "true");
  CHECK(exists->matches(with_string("f", "")));
  CHECK(exists->matches(MapEvent{}.null("f")));
  CHECK_FALSE(exists->matches(MapEvent{}));
  const auto missing = one("f|exists", "false");
  CHECK(missing->matches(MapEvent{}));
  CHECK_FALSE(missing->matches(with_string("f", "x")));
}

TEST_CASE("detection numbers compare as numbers with numeric fields", "[hunt][detection]") {
  const auto status = one("status", "200");
  CHECK(status->matches(MapEvent{}.integer("status", "200")));
  CHECK(status->matches(MapEvent{}.floating("status", "200.0")));
  CHECK(status->matches(with_string("status", "200")));
  CHECK_FALSE(status->matches(with_string("status", "200.0")));  // text compare for a string
  CHECK_FALSE(status->matches(MapEvent{}.integer("status", "201")));
  CHECK(one("status", "007")->matches(MapEvent{}.integer("status", "7")));
  CHECK(one("ratio", "0.5")->matches(MapEvent{}.floating("ratio", "0.50")));
  CHECK(one("ratio", "-1e3")->matches(MapEvent{}.integer("ratio", "-1000")));
  // Quoted, a number is text: matched as text against any kind.
  CHECK(one("status", "'200'")->matches(MapEvent{}.integer("status", "200")));
  CHECK_FALSE(one("status", "'200'")->matches(MapEvent{}.floating("status", "200.0")));
  CHECK(one("status", "'2*'")->matches(MapEvent{}.integer("status", "201")));
  CHECK(one("status", "[200, 204]")->matches(MapEvent{}.integer("status", "204")));
}

TEST_CASE("detection booleans match true and false", "[hunt][detection]") {
  const auto authenticated = one("actor_authenticated", "true");
  CHECK(authenticated->matches(MapEvent{}.boolean("actor_authenticated", true)));
  CHECK_FALSE(authenticated->matches(MapEvent{}.boolean("actor_authenticated", false)));
  CHECK(authenticated->matches(with_string("actor_authenticated", "True")));
  CHECK(one("actor_authenticated", "False")
            ->matches(MapEvent{}.boolean("actor_authenticated", false)));
  CHECK_FALSE(authenticated->matches(MapEvent{}));
}

TEST_CASE("detection re is RE2 unanchored and case-sensitive", "[hunt][detection]") {
  CHECK(matches_string("f|re", "'^package\\.(publish|yank)$'", "package.yank"));
  CHECK_FALSE(matches_string("f|re", "'^package\\.(publish|yank)$'", "package.download"));
  CHECK(matches_string("f|re", "'[0-9]{3}'", "status 404 here"));
  CHECK_FALSE(matches_string("f|re", "'admin'", "ADMIN"));
  CHECK(matches_string("f|re|i", "'admin'", "ADMIN"));
  CHECK_FALSE(matches_string("f|re", "'^b'", "a\nb"));
  CHECK(matches_string("f|re|m", "'^b'", "a\nb"));
  CHECK_FALSE(matches_string("f|re", "'a.b'", "a\nb"));
  CHECK(matches_string("f|re|s", "'a.b'", "a\nb"));
  CHECK(matches_string("f|re|i|s", "'A.B'", "a\nb"));
  CHECK_FALSE(one("f|re", "'.*'")->matches(MapEvent{}));
}

TEST_CASE("detection cidr for IPv4 and IPv6", "[hunt][detection]") {
  const auto v4 = one("ip|cidr", "10.0.0.0/8");
  CHECK(v4->matches(with_string("ip", "10.1.2.3")));
  CHECK(v4->matches(with_string("ip", "10.255.255.255")));
  CHECK_FALSE(v4->matches(with_string("ip", "11.0.0.1")));
  CHECK_FALSE(v4->matches(with_string("ip", "not an address")));
  CHECK_FALSE(v4->matches(with_string("ip", "10.1.2.3:8080")));
  CHECK_FALSE(v4->matches(with_string("ip", "::ffff:10.1.2.3")));  // another family
  CHECK_FALSE(v4->matches(MapEvent{}));
  const auto odd = one("ip|cidr", "192.168.4.0/22");
  CHECK(odd->matches(with_string("ip", "192.168.7.254")));
  CHECK_FALSE(odd->matches(with_string("ip", "192.168.8.1")));
  const auto host = one("ip|cidr", "192.168.1.1");
  CHECK(host->matches(with_string("ip", "192.168.1.1")));
  CHECK_FALSE(host->matches(with_string("ip", "192.168.1.2")));
  const auto v6 = one("ip|cidr", "'2001:db8::/32'");
  CHECK(v6->matches(with_string("ip", "2001:db8:1::42")));
  CHECK(v6->matches(with_string("ip", "2001:DB8::1")));
  CHECK_FALSE(v6->matches(with_string("ip", "2001:db9::1")));
  CHECK_FALSE(v6->matches(with_string("ip", "10.1.2.3")));
  const auto all = one("ip|cidr", "['0.0.0.0/0', '::/0']");
  CHECK(all->matches(with_string("ip", "8.8.8.8")));
  CHECK(all->matches(with_string("ip", "::1")));
}

TEST_CASE("detection gt gte lt lte compare numbers", "[hunt][detection]") {
  const auto gt = one("status|gt", "399");
  CHECK(gt->matches(MapEvent{}.integer("status", "400")));
  CHECK_FALSE(gt->matches(MapEvent{}.integer("status", "399")));
  CHECK(gt->matches(MapEvent{}.floating("status", "399.5")));
  CHECK(gt->matches(with_string("status", "500")));  // a number written as a string
  CHECK_FALSE(gt->matches(with_string("status", "five hundred")));
  CHECK_FALSE(gt->matches(MapEvent{}.boolean("status", true)));
  CHECK_FALSE(gt->matches(MapEvent{}));
  CHECK(one("status|gte", "400")->matches(MapEvent{}.integer("status", "400")));
  CHECK_FALSE(one("status|gte", "400")->matches(MapEvent{}.integer("status", "399")));
  CHECK(one("status|lt", "400")->matches(MapEvent{}.integer("status", "399")));
  CHECK_FALSE(one("status|lt", "400")->matches(MapEvent{}.integer("status", "400")));
  CHECK(one("status|lte", "400")->matches(MapEvent{}.integer("status", "400")));
  CHECK_FALSE(one("status|lte", "400")->matches(MapEvent{}.integer("status", "401")));
  CHECK(one("seconds|lt", "0.01")->matches(MapEvent{}.floating("seconds", "0.00072")));
  CHECK_FALSE(one("seconds|lt", "0.01")->matches(MapEvent{}.floating("seconds", "1e-1")));
  // 64-bit integers compare exactly, not through a double.
  CHECK(one("n|gt", "9007199254740992")->matches(MapEvent{}.integer("n", "9007199254740993")));
}

TEST_CASE("detection a condition list matches when any of them does", "[hunt][detection]") {
  const auto detection = compile(R"(detection:
  a:
    f: one
  b:
    g: two
  condition:
    - a and b
    - not a and not b
)");
  CHECK(detection->matches(MapEvent{}.string("f", "one").string("g", "two")));
  CHECK(detection->matches(MapEvent{}));
  CHECK_FALSE(detection->matches(MapEvent{}.string("f", "one")));
}

TEST_CASE("detection condition forms over selections", "[hunt][detection]") {
  const auto detection = compile(R"(detection:
  selection_publish:
    action: package.publish
  selection_yank:
    action: package.yank
  filter_bot:
    actor_username|startswith: bot-
  _unused:
    action: never
  condition: 1 of selection_* and not filter_bot
)");
  CHECK(detection->matches(
      MapEvent{}.string("action", "package.yank").string("actor_username", "alice")));
  CHECK_FALSE(detection->matches(
      MapEvent{}.string("action", "package.yank").string("actor_username", "bot-ci")));
  CHECK_FALSE(detection->matches(MapEvent{}.string("action", "package.download")));
}

TEST_CASE("detection field names are listed once in order", "[hunt][detection]") {
  const auto detection = compile(R"(detection:
  a:
    action: x
    outcome|contains: y
  b:
    - action: z
    - http_response_status_code|gte: 400
  condition: a or b
)");
  CHECK(detection->field_names() ==
        std::vector<std::string>{"action", "outcome", "http_response_status_code"});
}
