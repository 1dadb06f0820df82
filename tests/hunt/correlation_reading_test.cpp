// `correlation:` blocks (src/hunt/correlation_reading.cpp, timespan.cpp): what they read
// into a CorrelationRule, and their errors, each at its place.
#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

#include "hunt/rule_text.hpp"

using namespace pkgly_trail::hunt;
using namespace pkgly_trail::testing::rule_text;

TEST_CASE("correlation block reads an event_count correlation", "[hunt][rule-loader]") {
  const RuleSet set = load(detection_rule("failed_login", "login.failed") + R"(---
title: Many failed logins
id: 0e95725d-7320-415d-80f7-004da920fc11
level: critical
tags: [attack.t1110]
correlation:
  type: event_count
  rules:
    - failed_login
  group-by:
    - actor_username
    - client_ip
  timespan: 5m
  condition:
    gte: 10
)");
  REQUIRE(set.correlations.size() == 1);
  const CorrelationRule& c = set.correlations[0];
  CHECK(c.info.title == "Many failed logins");
  CHECK(c.info.id == "0e95725d-7320-415d-80f7-004da920fc11");
  CHECK(c.info.level == RuleLevel::Critical);
  CHECK(c.info.tags == std::vector<std::string>{"attack.t1110"});
  CHECK(c.info.place.line == 11);
  CHECK(c.type == CorrelationType::EventCount);
  CHECK(c.rule_names == std::vector<std::string>{"failed_login"});
  CHECK(c.rule_indexes == std::vector<std::size_t>{0});
  CHECK(c.group_by == std::vector<std::string>{"actor_username", "client_ip"});
  CHECK(c.timespan_us == 5 * 60 * 1'000'000LL);
  REQUIRE(c.condition.has_value());
  CHECK(c.condition->op == Threshold::Op::Gte);
  CHECK(c.condition->value == 10);
  CHECK(c.value_field.empty());
  CHECK_FALSE(c.generate);
  // Used by a correlation that does not generate: no alerts of its own.
  CHECK(set.detection_alerts == std::vector<bool>{false});
}

TEST_CASE("correlation block reads a value_count correlation", "[hunt][rule-loader]") {
  const RuleSet set = load(detection_rule("download", "package.download") + R"(---
title: One address, many accounts
correlation:
  type: value_count
  rules: download
  group-by: client_ip
  timespan: 1h
  condition:
    field: actor_username
    gt: 3
)");
  REQUIRE(set.correlations.size() == 1);
  const CorrelationRule& c = set.correlations[0];
  CHECK(c.type == CorrelationType::ValueCount);
  CHECK(c.rule_names == std::vector<std::string>{"download"});
  CHECK(c.group_by == std::vector<std::string>{"client_ip"});
  CHECK(c.timespan_us == 3600LL * 1'000'000);
  REQUIRE(c.condition.has_value());
  CHECK(c.condition->op == Threshold::Op::Gt);
  CHECK(c.condition->value == 3);
  CHECK(c.value_field == "actor_username");
}

TEST_CASE("correlation block reads temporal correlations with their default condition",
          "[hunt][rule-loader]") {
  const std::string rules = detection_rule("token_created", "token.create") + "---\n" +
                            detection_rule("publish", "package.publish") + "---\n" +
                            detection_rule("yank", "package.yank");
  const RuleSet set = load(rules + R"(---
title: Token then publish
correlation:
  type: temporal_ordered
  rules: [token_created, publish, yank]
  group-by: [actor_username]
  timespan: 30s
---
title: Any two of them
correlation:
  type: temporal
  rules: [yank, publish, token_created]
  timespan: 2d
  condition:
    eq: 2
)");
  REQUIRE(set.correlations.size() == 2);
  const CorrelationRule& ordered = set.correlations[0];
  CHECK(ordered.type == CorrelationType::TemporalOrdered);
  CHECK(ordered.rule_indexes == std::vector<std::size_t>{0, 1, 2});
  CHECK(ordered.timespan_us == 30'000'000LL);
  REQUIRE(ordered.condition.has_value());
  CHECK(ordered.condition->op == Threshold::Op::Gte);
  CHECK(ordered.condition->value == 3);
  const CorrelationRule& any = set.correlations[1];
  CHECK(any.type == CorrelationType::Temporal);
  CHECK(any.rule_indexes == std::vector<std::size_t>{2, 1, 0});
  CHECK(any.group_by.empty());
  CHECK(any.timespan_us == 2 * 86'400'000'000LL);
  REQUIRE(any.condition.has_value());
  CHECK(any.condition->op == Threshold::Op::Eq);
  CHECK(any.condition->value == 2);
}

TEST_CASE("correlation block reads each threshold operator", "[hunt][rule-loader]") {
  const std::vector<std::pair<std::string, Threshold::Op>> ops = {{"gt", Threshold::Op::Gt},
                                                                  {"gte", Threshold::Op::Gte},
                                                                  {"lt", Threshold::Op::Lt},
                                                                  {"lte", Threshold::Op::Lte},
                                                                  {"eq", Threshold::Op::Eq}};
  for (const auto& [key, op] : ops) {
    const RuleSet set = load(detection_rule("r", "x") +
                             "---\ntitle: c\ncorrelation:\n  type: event_count\n  rules: r\n"
                             "  timespan: 10s\n  condition:\n    " +
                             key + ": 7\n");
    REQUIRE(set.correlations.size() == 1);
    REQUIRE(set.correlations[0].condition.has_value());
    CHECK(set.correlations[0].condition->op == op);
    CHECK(set.correlations[0].condition->value == 7);
  }
}

TEST_CASE("correlation block refuses bad correlations", "[hunt][rule-loader]") {
  const std::string rule = detection_rule("r", "x") + "---\ntitle: c\n";  // line 11: title
  const auto correlation = [&](const std::string& body) {
    return rule + "correlation:\n" + body;  // correlation: at line 12, body from line 13
  };
  check_error(correlation("  type: count\n  rules: r\n  timespan: 1m\n"), 13, 9,
              "unknown correlation type 'count' (supported: event_count, value_count, temporal,");
  check_error(correlation("  type: value_sum\n  rules: r\n  timespan: 1m\n"), 13, 9,
              "unsupported correlation type 'value_sum'");
  check_errors(errors_of(correlation("  group-by: [u]\n")),
               {{12, 1, "'correlation' has no 'type'"},
                {12, 1, "'correlation' has no 'rules'"},
                {12, 1, "'correlation' has no 'timespan'"}});
  check_error(correlation("  type: event_count\n  rules: r\n  timespan: 1m\n"), 12, 1,
              "event_count needs a 'condition' (one of gt, gte, lt, lte, eq)");
  check_error(correlation("  type: value_count\n  rules: r\n  timespan: 1m\n  condition:\n"
                          "    gte: 3\n"),
              16, 3, "a value_count 'condition' needs 'field'");
  check_error(correlation("  type: event_count\n  rules: r\n  timespan: 1m\n  condition:\n"
                          "    field: u\n    gte: 3\n"),
              17, 5, "'field' belongs to a value_count condition, not to event_count");
  check_error(correlation("  type: event_count\n  rules: r\n  timespan: 1m\n  condition:\n"
                          "    gt: 100\n    lte: 200\n"),
              18, 5, "one comparison only: 'gt' and 'lte' together (a range) are not supported");
  check_errors(errors_of(correlation("  type: event_count\n  rules: r\n  timespan: 1m\n"
                                     "  condition:\n    neq: 3\n")),
               {{16, 3, "'condition' needs one of gt, gte, lt, lte, eq"},
                {17, 5, "'neq' is not supported"}});
  check_error(correlation("  type: event_count\n  rules: r\n  timespan: 1m\n  condition:\n"
                          "    gte: 2.5\n"),
              17, 10, "'gte' needs a whole number, 0 or more");
  check_error(correlation("  type: temporal\n  rules: r\n  timespan: 1m\n  condition: r and r\n"),
              16, 14, "an expression over rule names as 'condition' is not supported");
  check_error(correlation("  type: temporal\n  rules: r\n  timespan: 1m\n  aliases:\n"
                          "    ip: {r: client_ip}\n"),
              16, 3, "'aliases' is not supported");
  check_error(correlation("  type: temporal\n  rules: r\n  timespan: 1m\n  group_by: [u]\n"), 16, 3,
              "unknown key 'group_by' in 'correlation' (it has type, rules, group-by,");
  check_error(correlation("  type: temporal\n  rules: [r, r]\n  timespan: 1m\n"), 14, 14,
              "rule 'r' is listed twice");
  check_error(correlation("  type: temporal\n  rules: []\n  timespan: 1m\n"), 14, 10,
              "'rules' must name a rule, or list rules by name or id");
  check_error(correlation("  type: temporal\n  rules: r\n  timespan: 1m\n  group-by: [u, u]\n"), 16,
              13, "'group-by' lists 'u' twice");
  check_error(rule +
                  "generate: false\ncorrelation:\n  type: temporal\n  rules: r\n"
                  "  timespan: 1m\n  generate: true\n",
              12, 1, "'generate' is false here but true inside 'correlation' (line 17)");
  check_error(correlation("  type: temporal\n  rules: r\n  timespan: 1m\n  generate: 1\n"), 16, 13,
              "'generate' must be true or false");
  check_error(correlation("  type: temporal\n  rules: r\n  timespan: 1m\n") +
                  "detection:\n  s: {f: x}\n  condition: s\n",
              16, 1, "a correlation rule has no 'detection': the rules it lists have");
}

TEST_CASE("correlation block refuses bad timespans", "[hunt][rule-loader]") {
  const auto timespan = [](const std::string& value) {
    return detection_rule("r", "x") +
           "---\ntitle: c\ncorrelation:\n  type: temporal\n  rules: r\n  timespan: " + value + "\n";
  };
  check_error(timespan("1M"), 15, 13,
              "timespan '1M': the unit 'M' is not supported (units: s, m, h, d; a week is 7d)");
  check_error(timespan("1y"), 15, 13, "timespan '1y': the unit 'y' is not supported");
  check_error(timespan("2w"), 15, 13, "timespan '2w': the unit 'w' is not supported");
  check_error(timespan("0s"), 15, 13, "timespan '0s' must be longer than zero");
  check_error(timespan("-5m"), 15, 13, "timespan '-5m' is not a whole number and a unit");
  check_error(timespan("1h30m"), 15, 13, "timespan '1h30m' is not a whole number and a unit");
  check_error(timespan("90"), 15, 13, "timespan '90' is not a whole number and a unit");
  check_error(timespan("99999999999999d"), 15, 13, "timespan '99999999999999d' is too long");
  check_error(timespan("''"), 15, 13, "timespan is empty");
}
