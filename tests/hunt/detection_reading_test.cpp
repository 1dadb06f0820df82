// The errors of a `detection:` block (src/hunt/detection_reading.cpp), each at its place.
#include <catch2/catch.hpp>
#include <string>

#include "hunt/rule_text.hpp"

using namespace pkgly_trail::testing::rule_text;

TEST_CASE("detection block unknown modifier at its key", "[hunt][rule-loader]") {
  check_error(with_field("action|foo: x"), 7, 5, "unknown modifier 'foo' (supported: contains");
}

TEST_CASE("detection block refuses unsupported and conflicting modifiers", "[hunt][rule-loader]") {
  for (const std::string name : {"windash", "base64", "base64offset", "utf16le", "utf16be", "utf16",
                                 "wide", "neq", "fieldref", "expand", "hour"})
    check_error(with_field("f|" + name + ": x"), 7, 5,
                "modifier '" + name + "' is not supported (supported: contains");
  check_error(with_field("f|contains|endswith: x"), 7, 5,
              "modifiers 'contains' and 'endswith' do not combine");
  check_error(with_field("f|re|cidr: x"), 7, 5, "modifiers 're' and 'cidr' do not combine");
  check_error(with_field("f|contains|contains: x"), 7, 5, "modifier 'contains' is written twice");
  check_error(with_field("f|i: x"), 7, 5, "'i' is a flag of 're': write FIELD|re|i");
  check_error(with_field("f|contains|m: x"), 7, 5, "'m' is a flag of 're'");
  check_error(with_field("f|re|cased: x"), 7, 5, "'cased' does not combine with 're'");
  check_error(with_field("f|cidr|cased: 10.0.0.0/8"), 7, 5, "'cased' does not apply to 'cidr'");
  check_error(with_field("f|gt|cased: 5"), 7, 5, "'cased' does not apply to 'gt'");
  check_error(with_field("f|all: x"), 7, 5, "'all' needs a list of values, not a single one");
  check_error(with_field("f|all: [x]"), 7, 5, "'all' needs a list of two values or more");
  check_error(with_field("f|exists|all: [true, false]"), 7, 5,
              "'all' does not combine with 'exists'");
  check_error(with_field("f||contains: x"), 7, 5, "empty modifier");
}

TEST_CASE("detection block refuses bad values at their place", "[hunt][rule-loader]") {
  check_error(with_field("f|re: 'a(b'"), 7, 11, "invalid regular expression 'a(b': missing )");
  check_error(with_field("f|re: '(?<=a)b'"), 7, 11, "invalid regular expression '(?<=a)b'");
  check_error(with_field("f|cidr: 10.0.0.0/33"), 7, 13,
              "invalid CIDR network: '33' is not a prefix length (0 to 32)");
  check_error(with_field("f|cidr: 10.1.2.3/8"), 7, 13,
              "invalid CIDR network: '10.1.2.3/8' has host bits set after the prefix: did you "
              "mean 10.0.0.0/8?");
  check_error(with_field("f|cidr: 'fe80::1/10'"), 7, 13,
              "invalid CIDR network: 'fe80::1/10' has host bits set after the prefix: did you "
              "mean fe80::/10?");
  check_error(with_field("f|cidr: example.com"), 7, 13,
              "invalid CIDR network: 'example.com' is not an IPv4 or IPv6 address");
  check_error(with_field("f|exists: yes"), 7, 15, "'exists' takes true or false");
  check_error(with_field("f|exists: [true]"), 7, 15, "'exists' takes one value");
  check_error(with_field("f|gte: many"), 7, 12, "'gte' needs a number, not 'many'");
  check_error(with_field("f|lt: true"), 7, 11, "'lt' needs a number, not 'true'");
  check_error(with_field("f|contains: null"), 7, 17, "null takes no 'contains'");
  check_error(with_field("f: {a: b}"), 7, 8, "'f' must be a value or a list of values");
  check_error(with_field("f: []"), 7, 8, "'f' has an empty list of values");
  check_error(with_field("f:\n      - ok\n      - [nested]"), 9, 9,
              "a list of values holds plain values");
  check_error(with_field("f: x\n    f: y"), 8, 5, "'f' is written twice (first at line 7)");
}

TEST_CASE("detection block refuses keyword selections", "[hunt][rule-loader]") {
  check_errors(errors_of(kHead + "detection:\n  keywords:\n    - evil\n    - worse\n"
                                 "  condition: keywords\n"),
               {{7, 7, "keyword selections are not supported: name a field"},
                {8, 7, "keyword selections are not supported: name a field"}});
  check_error(kHead +
                  "detection:\n  keywords:\n    '|all':\n      - a\n      - b\n"
                  "  condition: keywords\n",
              7, 5, "keyword selections are not supported");
  check_error(kHead + "detection:\n  keywords: evil\n  condition: keywords\n", 6, 13,
              "keyword selections are not supported");
}

TEST_CASE("detection block refuses malformed detections", "[hunt][rule-loader]") {
  check_error(kHead + "detection:\n  sel:\n  condition: sel\n", 6, 3, "selection 'sel' is empty");
  check_error(kHead + "detection:\n  sel: {}\n  condition: sel\n", 6, 8,
              "selection 'sel' has an empty mapping");
  check_error(kHead + "detection:\n  sel: []\n  condition: sel\n", 6, 8,
              "selection 'sel' is an empty list");
  check_error(kHead + "detection:\n  sel: {f: x}\n  timeframe: 5m\n  condition: sel\n", 7, 3,
              "'timeframe' (Sigma's old aggregation window) is not supported");
  check_error(kHead + "detection:\n  sel.one: {f: x}\n  ok: {f: y}\n  condition: ok\n", 6, 3,
              "'sel.one' cannot name a selection");
  check_error(kHead + "detection:\n  them: {f: x}\n  ok: {f: y}\n  condition: ok\n", 6, 3,
              "'them' cannot name a selection");
  check_error(kHead + "detection:\n  sel: {f: x}\n", 5, 1, "'detection' has no 'condition'");
  check_error(kHead + "detection:\n  condition: sel\n", 5, 1, "'detection' has no selection");
  check_error(kHead + "detection: sel\n", 5, 12, "'detection' must be a mapping");
}

TEST_CASE("detection block places condition errors at their token", "[hunt][rule-loader]") {
  check_error(kHead + "detection:\n  sel: {f: x}\n  condition: sel and not filter\n", 7, 26,
              "unknown selection 'filter'");
  check_error(kHead + "detection:\n  sel: {f: x}\n  condition: 'sel or nope'\n", 7, 22,
              "unknown selection 'nope'");
  // A condition spread over lines: its own place, for the offset cannot be trusted.
  check_error(kHead + "detection:\n  sel: {f: x}\n  condition: sel and\n    nope\n", 7, 14,
              "unknown selection 'nope'");
  check_error(kHead + "detection:\n  sel: {f: x}\n  condition:\n    - sel\n    - 1 of f*\n", 9, 12,
              "'f*' matches no selection");
  check_error(kHead + "detection:\n  sel: {f: x}\n  condition: sel | count() > 5\n", 7, 18,
              "aggregations ('| count() ...') are not supported");
  check_error(kHead + "detection:\n  sel: {f: x}\n  condition: {a: b}\n", 7, 14,
              "'condition' must be a string, or a list of strings");
}
