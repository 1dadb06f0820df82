// The correlation engine on hand-made detection hits: when each correlation type fires, in event
// time, per group; the reset after an alert; lt/lte/eq at window close; out-of-order and late
// events; the bounds and the work per event; windows carried across runs by the state file.
#include "pkgly_trail/hunt/correlation.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hunt/group_key.hpp"
#include "pkgly_trail/hunt/hunt_state.hpp"
#include "support/sqlite_query.hpp"

namespace pkgly_trail::hunt {
namespace {

constexpr std::int64_t kSecond = 1'000'000;
// 2025-11-20T10:15:30Z.
constexpr std::int64_t kT0 = 1'763'633'730 * kSecond;

std::int64_t at(double seconds) {
  return kT0 + static_cast<std::int64_t>(seconds * kSecond);
}

// An event's fields, by name; a name set to nullopt is logged as null.
class Fields final : public EventFields {
 public:
  Fields() = default;
  Fields(std::initializer_list<std::pair<const std::string, std::optional<std::string>>> values)
      : values_(values) {}
  std::optional<Value> field(std::string_view name) const override {
    const auto it = values_.find(std::string(name));
    if (it == values_.end()) return std::nullopt;
    if (!it->second) return Value::null();
    return Value::string(*it->second);
  }
  std::string text(const std::string& name) const {
    const auto it = values_.find(name);
    return it == values_.end() || !it->second ? std::string() : *it->second;
  }

 private:
  std::map<std::string, std::optional<std::string>> values_;
};

Fields actor(const std::string& name) {
  return Fields{{"actor_username", name}};
}

struct Rules {
  RuleSet set;

  std::size_t detection(const std::string& name) {
    DetectionRule rule;
    rule.info.id = "id-" + name;
    rule.info.name = name;
    rule.info.title = "Detection " + name;
    set.detections.push_back(std::move(rule));
    set.detection_alerts.push_back(false);
    return set.detections.size() - 1;
  }

  CorrelationRule& correlation(CorrelationType type, std::vector<std::size_t> detections,
                               std::int64_t timespan_s, std::optional<Threshold> condition,
                               std::vector<std::string> group_by = {"actor_username"}) {
    CorrelationRule rule;
    rule.info.id = "id-correlation-" + std::to_string(set.correlations.size());
    rule.info.title = "Correlation " + std::to_string(set.correlations.size());
    rule.type = type;
    for (std::size_t d : detections) rule.rule_names.push_back(set.detections[d].info.name);
    rule.rule_indexes = std::move(detections);
    rule.group_by = std::move(group_by);
    rule.timespan_us = timespan_s * kSecond;
    rule.condition = condition;
    set.correlations.push_back(std::move(rule));
    return set.correlations.back();
  }
};

Threshold when(Threshold::Op op, std::int64_t value) {
  return Threshold{op, value};
}
constexpr auto kGt = Threshold::Op::Gt;
constexpr auto kGte = Threshold::Op::Gte;
constexpr auto kLt = Threshold::Op::Lt;
constexpr auto kLte = Threshold::Op::Lte;
constexpr auto kEq = Threshold::Op::Eq;

CorrelationLimits in_order() {
  CorrelationLimits limits;
  limits.out_of_order_us = 0;
  return limits;
}

// An engine over `rules`, and the alerts it fired; each event gets the next line number.
struct Run {
  Run(const RuleSet& rules, CorrelationLimits limits, std::string input = "pkgly.log")
      : engine(rules, limits), input(std::move(input)) {}

  // An event that matched the rules `detections` (ascending); `suspect` not empty: a suspect
  // one, whose time does not move the clock.
  void event(const std::vector<std::size_t>& detections, double seconds, const Fields& fields,
             const std::string& suspect = "") {
    AlertEvent summary;
    summary.input = input;
    summary.line = ++line;
    summary.actor = fields.text("actor_username");
    summary.client_address = fields.text("client.address");
    summary.suspect = suspect;
    engine.on_event(detections, at(seconds), fields, summary, alerts, suspect.empty());
  }
  // An event that matched one rule.
  void hit(std::size_t detection, double seconds, const Fields& fields,
           const std::string& suspect = "") {
    event({detection}, seconds, fields, suspect);
  }
  void flush() { engine.flush(alerts); }
  void finish(OpenWindows open = OpenWindows::Close) { engine.finish(alerts, open); }

  std::vector<std::uint64_t> lines(std::size_t alert) const {
    std::vector<std::uint64_t> result;
    for (const AlertEvent& e : alerts.at(alert).events) result.push_back(e.line);
    return result;
  }

  CorrelationEngine engine;
  std::string input;
  std::vector<Alert> alerts;
  std::uint64_t line = 0;
};

using Lines = std::vector<std::uint64_t>;
using Group = std::vector<std::pair<std::string, std::string>>;
using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("event_count fires once at its threshold and then needs a new burst", "[hunt]") {
  Rules rules;
  const std::size_t failed = rules.detection("failed");
  rules.correlation(CorrelationType::EventCount, {failed}, 60, when(kGte, 3));
  Run run(rules.set, in_order());

  run.hit(failed, 0, actor("alice"));
  run.hit(failed, 1, actor("alice"));
  CHECK(run.alerts.empty());
  run.hit(failed, 2, actor("alice"));
  REQUIRE(run.alerts.size() == 1);
  const Alert& alert = run.alerts[0];
  CHECK(alert.correlation);
  CHECK(alert.type == CorrelationType::EventCount);
  CHECK(alert.rule == &rules.set.correlations[0].info);
  CHECK(alert.group == Group{{"actor_username", "alice"}});
  CHECK(alert.count == 3);
  CHECK(alert.first_us == at(0));
  CHECK(alert.last_us == at(2));
  CHECK(run.lines(0) == Lines{1, 2, 3});
  CHECK(alert.events_omitted == 0);

  // The window was reset: two more events are not a new burst of three, the third is.
  run.hit(failed, 3, actor("alice"));
  run.hit(failed, 4, actor("alice"));
  CHECK(run.alerts.size() == 1);
  run.hit(failed, 5, actor("alice"));
  REQUIRE(run.alerts.size() == 2);
  CHECK(run.lines(1) == Lines{4, 5, 6});
}

TEST_CASE("gt needs one event more than its value", "[hunt]") {
  Rules rules;
  const std::size_t failed = rules.detection("failed");
  rules.correlation(CorrelationType::EventCount, {failed}, 60, when(kGt, 2));
  Run run(rules.set, in_order());
  run.hit(failed, 0, actor("alice"));
  run.hit(failed, 1, actor("alice"));
  CHECK(run.alerts.empty());
  run.hit(failed, 2, actor("alice"));
  REQUIRE(run.alerts.size() == 1);
  CHECK(run.alerts[0].count == 3);
}

TEST_CASE("event_count windows slide in event time", "[hunt]") {
  Rules rules;
  const std::size_t failed = rules.detection("failed");
  rules.correlation(CorrelationType::EventCount, {failed}, 60, when(kGte, 3));
  Run run(rules.set, in_order());
  run.hit(failed, 0, actor("alice"));
  run.hit(failed, 40, actor("alice"));
  run.hit(failed, 80, actor("alice"));  // the first is more than 60 s before it
  CHECK(run.alerts.empty());
  run.hit(failed, 100, actor("alice"));  // 40, 80, 100: the edge (100 - 60 = 40) is inside
  REQUIRE(run.alerts.size() == 1);
  CHECK(run.alerts[0].first_us == at(40));
  CHECK(run.lines(0) == Lines{2, 3, 4});
}

TEST_CASE("groups count apart and a missing or null group-by field is the empty value", "[hunt]") {
  Rules rules;
  const std::size_t denied = rules.detection("denied");
  rules.correlation(CorrelationType::EventCount, {denied}, 60, when(kGte, 2),
                    {"actor_username", "client.address"});
  Run run(rules.set, in_order());
  run.hit(denied, 0, Fields{{"actor_username", "alice"}, {"client.address", "192.0.2.1"}});
  run.hit(denied, 1, Fields{{"actor_username", "alice"}, {"client.address", "192.0.2.2"}});
  run.hit(denied, 2, Fields{{"actor_username", "bob"}});
  CHECK(run.alerts.empty());
  run.hit(denied, 3, Fields{{"actor_username", "bob"}, {"client.address", std::nullopt}});
  REQUIRE(run.alerts.size() == 1);
  CHECK(run.alerts[0].group == Group{{"actor_username", "bob"}, {"client.address", ""}});
  run.hit(denied, 4, Fields{{"actor_username", "alice"}, {"client.address", "192.0.2.1"}});
  REQUIRE(run.alerts.size() == 2);
  CHECK(run.alerts[1].group == Group{{"actor_username", "alice"}, {"client.address", "192.0.2.1"}});
  CHECK(run.lines(1) == Lines{1, 5});
}

TEST_CASE("no group-by counts all events in one group", "[hunt]") {
  Rules rules;
  const std::size_t denied = rules.detection("denied");
  rules.correlation(CorrelationType::EventCount, {denied}, 60, when(kGte, 2), {});
  Run run(rules.set, in_order());
  run.hit(denied, 0, actor("alice"));
  run.hit(denied, 1, actor("bob"));
  REQUIRE(run.alerts.size() == 1);
  CHECK(run.alerts[0].group.empty());
}

TEST_CASE("hostile group-by values never share a group", "[hunt]") {
  Rules rules;
  const std::size_t denied = rules.detection("denied");
  rules.correlation(CorrelationType::EventCount, {denied}, 60, when(kGte, 2), {"a", "b"});
  Run run(rules.set, in_order());
  using namespace std::string_literals;
  // With a separator instead of lengths, each pair would read as one of the others.
  const std::vector<std::pair<std::string, std::string>> tuples{
      {"x\0"s, "y"}, {"x", "\0y"s}, {"x\ny", ""}, {"x", "\ny"}, {"", "x\ny"}, {"x\0\0\0"s, ""},
  };
  double t = 0;
  for (const auto& [a, b] : tuples) run.hit(denied, t++, Fields{{"a", a}, {"b", b}});
  CHECK(run.alerts.empty());
  CHECK(run.engine.stats().groups_held == tuples.size());

  const std::string huge(1 << 20, '\n');
  run.hit(denied, t++, Fields{{"a", huge}, {"b", "\0"s}});
  run.hit(denied, t++, Fields{{"a", huge}, {"b", "\0"s}});
  REQUIRE(run.alerts.size() == 1);
  CHECK(run.alerts[0].group == Group{{"a", huge}, {"b", "\0"s}});
}

TEST_CASE("a group key splits back into its values and refuses what is not one", "[hunt]") {
  using namespace std::string_literals;
  const Fields fields{{"a", "x\0y"s}, {"b", std::nullopt}};
  std::string key = "left over";
  build_group_key(fields, {"a", "b", "c"}, key);
  const auto values = split_group_key(key, 3);
  REQUIRE(values);
  CHECK(*values == Strings{"x\0y"s, "", ""});
  CHECK_FALSE(split_group_key(key, 2));
  CHECK_FALSE(split_group_key(key, 4));
  CHECK_FALSE(split_group_key(key.substr(0, key.size() - 1), 3));
  CHECK_FALSE(split_group_key(std::string(8, '\xff'), 1));  // a length beyond the end
}

TEST_CASE("value_count counts distinct values and skips events without the field", "[hunt]") {
  Rules rules;
  const std::size_t login = rules.detection("login");
  CorrelationRule& rule =
      rules.correlation(CorrelationType::ValueCount, {login}, 600, when(kGte, 3));
  rule.value_field = "client.address";
  Run run(rules.set, in_order());
  auto from = [](const char* address) {
    return Fields{{"actor_username", "alice"}, {"client.address", address}};
  };
  run.hit(login, 0, from("192.0.2.1"));
  run.hit(login, 1, from("192.0.2.2"));
  run.hit(login, 2, from("192.0.2.1"));
  run.hit(login, 3, actor("alice"));  // no address: not counted
  run.hit(login, 4, Fields{{"actor_username", "alice"}, {"client.address", std::nullopt}});
  CHECK(run.alerts.empty());
  run.hit(login, 5, from(""));  // an empty value is a value
  REQUIRE(run.alerts.size() == 1);
  const Alert& alert = run.alerts[0];
  CHECK(alert.type == CorrelationType::ValueCount);
  CHECK(alert.count == 3);
  // Oldest last occurrence first; each value's last event.
  CHECK(alert.values == Strings{"192.0.2.2", "192.0.2.1", ""});
  CHECK(run.lines(0) == Lines{2, 3, 6});
  CHECK(alert.first_us == at(1));
  CHECK(alert.last_us == at(5));
}

TEST_CASE("value_count values slide out of the window", "[hunt]") {
  Rules rules;
  const std::size_t login = rules.detection("login");
  rules.correlation(CorrelationType::ValueCount, {login}, 60, when(kGte, 3)).value_field = "ip";
  Run run(rules.set, in_order());
  run.hit(login, 0, Fields{{"actor_username", "alice"}, {"ip", "a"}});
  run.hit(login, 30, Fields{{"actor_username", "alice"}, {"ip", "b"}});
  run.hit(login, 70, Fields{{"actor_username", "alice"}, {"ip", "c"}});  // a is gone
  CHECK(run.alerts.empty());
  run.hit(login, 75, Fields{{"actor_username", "alice"}, {"ip", "a"}});
  REQUIRE(run.alerts.size() == 1);
  CHECK(run.alerts[0].values == Strings{"b", "c", "a"});
}

TEST_CASE("an alert lists the first events and values and counts the rest", "[hunt]") {
  Rules rules;
  const std::size_t denied = rules.detection("denied");
  const std::size_t login = rules.detection("login");
  rules.correlation(CorrelationType::EventCount, {denied}, 600, when(kGte, 30));
  rules.correlation(CorrelationType::ValueCount, {login}, 600, when(kGte, 25)).value_field = "ip";
  Run run(rules.set, in_order());
  for (int i = 0; i < 30; ++i) run.hit(denied, i, actor("alice"));
  REQUIRE(run.alerts.size() == 1);
  CHECK(run.alerts[0].count == 30);
  REQUIRE(run.alerts[0].events.size() == kMaxAlertEvents);
  CHECK(run.alerts[0].events.front().line == 1);
  CHECK(run.alerts[0].events.back().line == kMaxAlertEvents);
  CHECK(run.alerts[0].events_omitted == 30 - static_cast<std::int64_t>(kMaxAlertEvents));

  for (int i = 0; i < 25; ++i)
    run.hit(login, 100 + i, Fields{{"actor_username", "bob"}, {"ip", "ip" + std::to_string(i)}});
  REQUIRE(run.alerts.size() == 2);
  const Alert& values = run.alerts[1];
  CHECK(values.count == 25);
  REQUIRE(values.values.size() == kMaxAlertValues);
  CHECK(values.values.front() == "ip0");
  CHECK(values.values_omitted == 25 - static_cast<std::int64_t>(kMaxAlertValues));
  CHECK(values.events.size() == kMaxAlertEvents);
  CHECK(values.events_omitted == 25 - static_cast<std::int64_t>(kMaxAlertEvents));
}

TEST_CASE("temporal fires when every rule matched in the group within the timespan", "[hunt]") {
  Rules rules;
  const std::size_t token = rules.detection("token");
  const std::size_t publish = rules.detection("publish");
  rules.correlation(CorrelationType::Temporal, {token, publish}, 60, std::nullopt);
  Run run(rules.set, in_order());
  run.hit(publish, 0, actor("alice"));  // any order
  run.hit(token, 0, actor("bob"));
  run.hit(token, 30, actor("alice"));
  REQUIRE(run.alerts.size() == 1);
  CHECK(run.alerts[0].type == CorrelationType::Temporal);
  CHECK(run.alerts[0].count == 2);
  CHECK(run.alerts[0].group == Group{{"actor_username", "alice"}});
  CHECK(run.lines(0) == Lines{3, 1});  // in the order of `rules:`
  CHECK(run.alerts[0].first_us == at(0));
  CHECK(run.alerts[0].last_us == at(30));
  run.hit(publish, 61, actor("bob"));  // 61 s after bob's token
  CHECK(run.alerts.size() == 1);
}

TEST_CASE("temporal with a condition counts the rules matched", "[hunt]") {
  Rules rules;
  const std::size_t a = rules.detection("a");
  const std::size_t b = rules.detection("b");
  const std::size_t c = rules.detection("c");
  rules.correlation(CorrelationType::Temporal, {a, b, c}, 60, when(kGte, 2));
  Run run(rules.set, in_order());
  run.hit(c, 0, actor("alice"));
  run.hit(c, 1, actor("alice"));
  CHECK(run.alerts.empty());
  run.hit(a, 2, actor("alice"));
  REQUIRE(run.alerts.size() == 1);
  CHECK(run.alerts[0].count == 2);
}

TEST_CASE("temporal_ordered needs the rules in their listed order within the timespan", "[hunt]") {
  Rules rules;
  const std::size_t failed = rules.detection("failed");
  const std::size_t success = rules.detection("success");
  const std::size_t publish = rules.detection("publish");
  rules.correlation(CorrelationType::TemporalOrdered, {failed, success, publish}, 60, std::nullopt);
  Run run(rules.set, in_order());

  run.hit(success, 0, actor("bob"));  // bob: wrong order
  run.hit(failed, 1, actor("bob"));
  run.hit(publish, 2, actor("bob"));
  run.hit(failed, 0, actor("carol"));  // carol: right order, too slow
  run.hit(success, 30, actor("carol"));
  run.hit(publish, 61, actor("carol"));
  CHECK(run.alerts.empty());

  run.hit(failed, 100, actor("alice"));
  run.hit(failed, 110, actor("alice"));  // a later start leaves more room
  run.hit(success, 120, actor("alice"));
  run.hit(success, 125, actor("alice"));
  run.hit(publish, 165, actor("alice"));  // 55 s after the second failure
  REQUIRE(run.alerts.size() == 1);
  const Alert& alert = run.alerts[0];
  CHECK(alert.type == CorrelationType::TemporalOrdered);
  CHECK(alert.count == 3);
  CHECK(alert.first_us == at(110));
  CHECK(alert.last_us == at(165));
  CHECK(run.lines(0) == Lines{8, 9, 11});
}

TEST_CASE("temporal_ordered chains a rule listed twice with two events", "[hunt]") {
  Rules rules;
  const std::size_t failed = rules.detection("failed");
  const std::size_t success = rules.detection("success");
  rules.correlation(CorrelationType::TemporalOrdered, {failed, failed, success}, 60, std::nullopt);
  Run run(rules.set, in_order());
  run.hit(failed, 0, actor("alice"));
  run.hit(success, 1, actor("alice"));
  CHECK(run.alerts.empty());  // one failure cannot be both first links
  run.hit(failed, 2, actor("alice"));
  run.hit(failed, 3, actor("alice"));
  run.hit(success, 4, actor("alice"));
  REQUIRE(run.alerts.size() == 1);
  CHECK(run.lines(0) == Lines{3, 4, 5});
}

TEST_CASE("the rules of one correlation count in one group space", "[hunt]") {
  Rules rules;
  const std::size_t denied = rules.detection("denied");
  const std::size_t failed = rules.detection("failed");
  rules.correlation(CorrelationType::EventCount, {denied, failed}, 60, when(kGte, 3));
  Run run(rules.set, in_order());
  run.hit(denied, 0, actor("alice"));
  run.hit(failed, 1, actor("alice"));
  run.hit(denied, 2, actor("bob"));
  run.hit(denied, 3, actor("alice"));
  REQUIRE(run.alerts.size() == 1);
  CHECK(run.lines(0) == Lines{1, 2, 4});
}

TEST_CASE("event_count counts an event that matched two of its rules once", "[hunt]") {
  Rules rules;
  const std::size_t denied = rules.detection("denied");
  const std::size_t failed = rules.detection("failed");
  rules.correlation(CorrelationType::EventCount, {denied, failed}, 60, when(kGte, 3));
  rules.correlation(CorrelationType::EventCount, {failed, denied}, 60, when(kLt, 2));
  Run run(rules.set, in_order());
  run.event({denied, failed}, 0, actor("alice"));
  run.event({denied, failed}, 1, actor("alice"));
  CHECK(run.alerts.empty());  // two events, not four
  run.hit(failed, 2, actor("alice"));
  REQUIRE(run.alerts.size() == 1);
  CHECK(run.alerts[0].count == 3);
  CHECK(run.lines(0) == Lines{1, 2, 3});

  run.event({denied, failed}, 3, actor("bob"));  // one event: fewer than 2
  run.finish();
  REQUIRE(run.alerts.size() == 2);
  CHECK(run.alerts[1].rule == &rules.set.correlations[1].info);
  CHECK(run.alerts[1].group == Group{{"actor_username", "bob"}});
  CHECK(run.alerts[1].count == 1);
  CHECK(run.lines(1) == Lines{4});
}

TEST_CASE("one event that matched every rule of a temporal correlation satisfies it", "[hunt]") {
  Rules rules;
  const std::size_t a = rules.detection("a");
  const std::size_t b = rules.detection("b");
  const std::size_t c = rules.detection("c");
  rules.correlation(CorrelationType::Temporal, {a, b, c}, 60, std::nullopt);
  Run run(rules.set, in_order());
  run.event({a, b}, 0, actor("alice"));
  CHECK(run.alerts.empty());
  run.event({a, b, c}, 5, actor("bob"));
  REQUIRE(run.alerts.size() == 1);
  CHECK(run.alerts[0].group == Group{{"actor_username", "bob"}});
  CHECK(run.alerts[0].count == 3);
  CHECK(run.lines(0) == Lines{2});  // listed once
  CHECK(run.alerts[0].events_omitted == 0);
  CHECK(run.alerts[0].first_us == at(5));
  CHECK(run.alerts[0].last_us == at(5));
  run.hit(c, 10, actor("alice"));
  REQUIRE(run.alerts.size() == 2);
  CHECK(run.alerts[1].count == 3);
  CHECK(run.lines(1) == Lines{1, 3});
}

TEST_CASE("temporal_ordered: one event takes the steps it matched in the listed order", "[hunt]") {
  // The same rules loaded in either order (file names decide it) give the same alert.
  for (const bool token_first : {true, false}) {
    Rules rules;
    const std::size_t login = rules.detection("login");
    std::size_t token = 0;
    std::size_t publish = 0;
    if (token_first) {
      token = rules.detection("token");
      publish = rules.detection("publish");
    } else {
      publish = rules.detection("publish");
      token = rules.detection("token");
    }
    rules.correlation(CorrelationType::TemporalOrdered, {login, token, publish}, 60, std::nullopt);
    Run run(rules.set, in_order());
    const std::vector<std::size_t> both = token_first ? std::vector<std::size_t>{token, publish}
                                                      : std::vector<std::size_t>{publish, token};
    run.event(both, 0, actor("bob"));  // the second and third steps, without the first
    run.hit(login, 1, actor("alice"));
    CHECK(run.alerts.empty());
    run.event(both, 2, actor("alice"));  // the second and third steps after alice's login
    REQUIRE(run.alerts.size() == 1);
    CHECK(run.alerts[0].group == Group{{"actor_username", "alice"}});
    CHECK(run.alerts[0].count == 3);
    CHECK(run.lines(0) == Lines{2, 3});  // each event once
    CHECK(run.alerts[0].first_us == at(1));
    CHECK(run.alerts[0].last_us == at(2));
  }
}

TEST_CASE("temporal_ordered: one event never takes two steps of one rule", "[hunt]") {
  Rules rules;
  const std::size_t a = rules.detection("a");
  const std::size_t b = rules.detection("b");
  rules.correlation(CorrelationType::TemporalOrdered, {a, b, a}, 60, std::nullopt);
  Run run(rules.set, in_order());
  run.event({a, b}, 0, actor("alice"));  // steps 1 and 2; step 3 is `a` again
  CHECK(run.alerts.empty());
  run.hit(a, 1, actor("alice"));
  REQUIRE(run.alerts.size() == 1);
  CHECK(run.alerts[0].count == 3);
  CHECK(run.lines(0) == Lines{1, 2});

  run.hit(a, 10, actor("bob"));
  run.event({a, b}, 11, actor("bob"));  // steps 2 and 3 after bob's first `a`
  REQUIRE(run.alerts.size() == 2);
  CHECK(run.alerts[1].count == 3);
  CHECK(run.lines(1) == Lines{3, 4});
  CHECK(run.alerts[1].first_us == at(10));
}

TEST_CASE("lt is evaluated when the window closes in event time", "[hunt]") {
  Rules rules;
  const std::size_t login = rules.detection("login");
  rules.correlation(CorrelationType::EventCount, {login}, 60, when(kLt, 3));
  Run run(rules.set, in_order());
  run.hit(login, 0, actor("alice"));
  run.hit(login, 10, actor("alice"));
  run.hit(login, 0, actor("bob"));
  run.hit(login, 5, actor("bob"));
  run.hit(login, 10, actor("bob"));
  run.hit(login, 60, actor("carol"));  // alice's window ends at 60: still open
  CHECK(run.alerts.empty());
  run.hit(login, 61, actor("carol"));
  REQUIRE(run.alerts.size() == 1);
  CHECK(run.alerts[0].group == Group{{"actor_username", "alice"}});
  CHECK(run.alerts[0].count == 2);
  CHECK(run.lines(0) == Lines{1, 2});
  CHECK(run.engine.stats().windows_expired == 2);  // alice's and bob's
  CHECK(run.engine.stats().groups_held == 1);
}

TEST_CASE("an event after the end of its group's window opens the next one", "[hunt]") {
  Rules rules;
  const std::size_t login = rules.detection("login");
  rules.correlation(CorrelationType::EventCount, {login}, 60, when(kLte, 1));
  Run run(rules.set, in_order());
  run.hit(login, 30, actor("bob"));
  run.hit(login, 0, actor("alice"));   // late: alice's window opens after bob's
  run.hit(login, 70, actor("alice"));  // bob's window (to 90) is open, alice's (to 60) is not
  REQUIRE(run.alerts.size() == 1);
  CHECK(run.alerts[0].group == Group{{"actor_username", "alice"}});
  CHECK(run.lines(0) == Lines{2});
  run.finish();
  REQUIRE(run.alerts.size() == 3);
  CHECK(run.lines(1) == Lines{1});
  CHECK(run.lines(2) == Lines{3});
}

TEST_CASE("finish evaluates the windows still open unless asked to keep them", "[hunt]") {
  Rules rules;
  const std::size_t login = rules.detection("login");
  rules.correlation(CorrelationType::EventCount, {login}, 3600, when(kLte, 2));
  for (const OpenWindows open : {OpenWindows::Close, OpenWindows::Keep}) {
    Run run(rules.set, in_order());
    run.hit(login, 0, actor("bob"));
    run.hit(login, 5, actor("alice"));
    run.hit(login, 6, actor("alice"));
    run.hit(login, 7, actor("carol"));
    run.hit(login, 8, actor("carol"));
    run.hit(login, 9, actor("carol"));
    CHECK(run.alerts.empty());
    run.finish(open);
    if (open == OpenWindows::Close) {
      REQUIRE(run.alerts.size() == 2);  // in time order
      CHECK(run.alerts[0].group == Group{{"actor_username", "bob"}});
      CHECK(run.alerts[1].group == Group{{"actor_username", "alice"}});
      CHECK(run.engine.stats().groups_held == 0);
    } else {
      CHECK(run.alerts.empty());
      CHECK(run.engine.stats().groups_held == 3);
    }
  }
}

TEST_CASE("eq fires for exactly that many events in a window", "[hunt]") {
  Rules rules;
  const std::size_t publish = rules.detection("publish");
  rules.correlation(CorrelationType::EventCount, {publish}, 60, when(kEq, 3));
  Run run(rules.set, in_order());
  for (int i = 0; i < 3; ++i) run.hit(publish, i, actor("alice"));
  for (int i = 0; i < 4; ++i) run.hit(publish, i, actor("bob"));
  for (int i = 0; i < 2; ++i) run.hit(publish, i, actor("carol"));
  CHECK(run.alerts.empty());  // not before the window ends
  run.hit(publish, 100, actor("dave"));
  REQUIRE(run.alerts.size() == 1);
  CHECK(run.alerts[0].group == Group{{"actor_username", "alice"}});
  CHECK(run.alerts[0].count == 3);
}

TEST_CASE("value_count with lt counts distinct values at window close", "[hunt]") {
  Rules rules;
  const std::size_t download = rules.detection("download");
  rules.correlation(CorrelationType::ValueCount, {download}, 60, when(kLt, 2)).value_field =
      "package";
  Run run(rules.set, in_order());
  for (int i = 0; i < 5; ++i)
    run.hit(download, i, Fields{{"actor_username", "ci"}, {"package", "left-pad"}});
  run.hit(download, 0, Fields{{"actor_username", "alice"}, {"package", "a"}});
  run.hit(download, 1, Fields{{"actor_username", "alice"}, {"package", "b"}});
  run.finish();
  REQUIRE(run.alerts.size() == 1);
  CHECK(run.alerts[0].group == Group{{"actor_username", "ci"}});
  CHECK(run.alerts[0].values == Strings{"left-pad"});
  CHECK(run.lines(0) == Lines{5});
}

TEST_CASE("events slightly out of order are counted in time order", "[hunt]") {
  Rules rules;
  const std::size_t failed = rules.detection("failed");
  const std::size_t success = rules.detection("success");
  rules.correlation(CorrelationType::TemporalOrdered, {failed, success}, 60, std::nullopt);

  // A replica's line comes late: the success (10.001 s) is read before the failure (10.000 s).
  Run tolerant(rules.set, CorrelationLimits{});
  tolerant.hit(success, 10.001, actor("alice"));
  tolerant.hit(failed, 10.000, actor("alice"));
  CHECK(tolerant.alerts.empty());  // held until the watermark passes them
  CHECK(tolerant.engine.stats().events_waiting == 2);
  tolerant.hit(failed, 16, actor("bob"));
  REQUIRE(tolerant.alerts.size() == 1);
  CHECK(tolerant.lines(0) == Lines{2, 1});
  CHECK(tolerant.engine.stats().late_events == 0);

  Run strict(rules.set, in_order());
  strict.hit(success, 10.001, actor("alice"));
  strict.hit(failed, 10.000, actor("alice"));
  strict.finish();
  CHECK(strict.alerts.empty());
  CHECK(strict.engine.stats().late_events == 1);
}

TEST_CASE("finish counts the events still waiting for the watermark", "[hunt]") {
  Rules rules;
  const std::size_t failed = rules.detection("failed");
  rules.correlation(CorrelationType::EventCount, {failed}, 60, when(kGte, 2));
  Run run(rules.set, CorrelationLimits{});
  run.hit(failed, 0, actor("alice"));
  run.hit(failed, 1, actor("alice"));
  CHECK(run.alerts.empty());
  run.finish();
  REQUIRE(run.alerts.size() == 1);
  CHECK(run.engine.stats().events_waiting == 0);
}

TEST_CASE("a late event counts while its window is open and is dropped after", "[hunt]") {
  Rules rules;
  const std::size_t failed = rules.detection("failed");
  rules.correlation(CorrelationType::EventCount, {failed}, 60, when(kGte, 3));
  Run run(rules.set, CorrelationLimits{});  // 5 s tolerance
  run.hit(failed, 90, actor("alice"));
  run.hit(failed, 91, actor("alice"));
  run.hit(failed, 100, actor("bob"));   // watermark 95
  run.hit(failed, 60, actor("alice"));  // late, but alice's window reaches back to 31
  REQUIRE(run.alerts.size() == 1);
  CHECK(run.lines(0) == Lines{4, 1, 2});
  CHECK(run.engine.stats().late_events == 1);
  CHECK(run.engine.stats().events_dropped == 0);

  run.hit(failed, 200, actor("bob"));    // watermark 195: alice's group has expired
  run.hit(failed, 120, actor("alice"));  // 120 + 60 < 195: no window could hold it
  CHECK(run.engine.stats().late_events == 2);
  CHECK(run.engine.stats().events_dropped == 1);
  CHECK(run.alerts.size() == 1);
}

TEST_CASE("a late event older than the event that fired does not count again", "[hunt]") {
  Rules rules;
  const std::size_t failed = rules.detection("failed");
  rules.correlation(CorrelationType::EventCount, {failed}, 60, when(kGte, 2));
  Run run(rules.set, in_order());
  run.hit(failed, 10, actor("alice"));
  run.hit(failed, 20, actor("alice"));
  REQUIRE(run.alerts.size() == 1);
  run.hit(failed, 15, actor("alice"));  // late, before the reset
  run.hit(failed, 25, actor("alice"));
  CHECK(run.alerts.size() == 1);
  CHECK(run.engine.stats().events_dropped == 1);
}

TEST_CASE("an alert counts the suspect events it counted whether listed or not", "[hunt]") {
  Rules rules;
  const std::size_t a = rules.detection("a");
  const std::size_t b = rules.detection("b");
  const std::size_t c = rules.detection("c");
  auto is_listed_suspect = [](const Alert& alert) {
    std::int64_t n = 0;
    for (const AlertEvent& e : alert.events) n += e.suspect.empty() ? 0 : 1;
    return n;
  };

  SECTION("event_count, sliding: beyond the events listed, and until it slides out") {
    rules.correlation(CorrelationType::EventCount, {a}, 60, when(kGte, 25));
    rules.correlation(CorrelationType::EventCount, {b}, 60, when(kGte, 3));
    Run run(rules.set, in_order());
    for (int i = 0; i < 25; ++i) run.hit(a, i, actor("alice"), i == 22 ? "forged" : "");
    REQUIRE(run.alerts.size() == 1);
    CHECK(run.alerts[0].events.size() == kMaxAlertEvents);
    CHECK(is_listed_suspect(run.alerts[0]) == 0);
    CHECK(run.alerts[0].suspect_events == 1);

    run.hit(b, 100, actor("bob"), "forged");
    run.hit(b, 150, actor("bob"));
    run.hit(b, 170, actor("bob"));  // the suspect one has slid out
    CHECK(run.alerts.size() == 1);
    run.hit(b, 180, actor("bob"));
    REQUIRE(run.alerts.size() == 2);
    CHECK(run.lines(1) == Lines{27, 28, 29});
    CHECK(run.alerts[1].suspect_events == 0);
  }
  SECTION("event_count at close, beyond the events listed") {
    rules.correlation(CorrelationType::EventCount, {a}, 60, when(kLte, 30));
    Run run(rules.set, in_order());
    for (int i = 0; i < 25; ++i) run.hit(a, i, actor("alice"), i >= 21 ? "forged" : "");
    run.hit(a, 30, actor("alice"));
    run.hit(a, 5.5, actor("alice"), "late and forged");  // before the last one listed
    run.finish();
    REQUIRE(run.alerts.size() == 1);
    CHECK(run.alerts[0].count == 27);
    CHECK(is_listed_suspect(run.alerts[0]) == 1);
    CHECK(run.alerts[0].suspect_events == 5);
  }
  SECTION("value_count: the event each value is counted by") {
    rules.correlation(CorrelationType::ValueCount, {a, b}, 60, when(kGte, 3)).value_field = "ip";
    Run run(rules.set, in_order());
    auto from = [](const char* ip) { return Fields{{"actor_username", "alice"}, {"ip", ip}}; };
    run.hit(a, 0, from("x"), "forged");
    run.event({a, b}, 1, from("y"), "forged");  // one event, one value
    run.hit(a, 2, from("x"));                   // x is now counted by a genuine event
    run.hit(b, 3, from("z"));
    REQUIRE(run.alerts.size() == 1);
    CHECK(run.alerts[0].values == Strings{"y", "x", "z"});
    CHECK(run.lines(0) == Lines{2, 3, 4});
    CHECK(run.alerts[0].suspect_events == 1);

    run.hit(a, 10, from("x"), "forged");
    run.hit(a, 11, from("y"));
    run.hit(a, 80, from("v"));  // x and y slide out
    run.hit(a, 81, from("w"));
    CHECK(run.alerts.size() == 1);
    run.hit(a, 82, from("x"));
    REQUIRE(run.alerts.size() == 2);
    CHECK(run.alerts[1].suspect_events == 0);
  }
  SECTION("temporal and temporal_ordered: the distinct events used") {
    rules.correlation(CorrelationType::Temporal, {a, b, c}, 60, std::nullopt);
    rules.correlation(CorrelationType::TemporalOrdered, {a, b, c}, 60, std::nullopt);
    Run run(rules.set, in_order());
    run.hit(a, 0, actor("alice"));
    run.event({b, c}, 1, actor("alice"), "forged");
    run.hit(a, 2, actor("bob"));  // the clock reaches the suspect event
    REQUIRE(run.alerts.size() == 2);
    for (const Alert& alert : run.alerts) {
      CHECK(alert.count == 3);
      CHECK(run.lines(static_cast<std::size_t>(&alert - run.alerts.data())) == Lines{1, 2});
      CHECK(alert.suspect_events == 1);
    }
  }
}

TEST_CASE("a suspect event dated ahead closes no window even at flush", "[hunt]") {
  Rules rules;
  const std::size_t failed = rules.detection("failed");
  rules.correlation(CorrelationType::EventCount, {failed}, 60, when(kGte, 3));
  Run run(rules.set, CorrelationLimits{});
  constexpr double kYear = 365.0 * 86400;
  run.hit(failed, 0, actor("alice"));
  run.hit(failed, 1, actor("alice"));
  run.hit(failed, kYear, actor("mallory"), "forged");  // another group
  run.hit(failed, kYear, actor("alice"), "forged");    // alice's own
  run.flush();                                         // the input goes quiet
  CHECK(run.alerts.empty());
  CHECK(run.engine.stats().events_waiting == 2);  // the clock has not reached them
  CHECK(run.engine.stats().windows_expired == 0);
  run.hit(failed, 6, actor("alice"), "forged");  // ahead, but within the tolerance
  run.flush();
  REQUIRE(run.alerts.size() == 1);
  CHECK(run.lines(0) == Lines{1, 2, 5});
  CHECK(run.alerts[0].suspect_events == 1);
  run.finish();  // the input is all there is: counted last
  CHECK(run.engine.stats().events_waiting == 0);
  CHECK(run.engine.stats().events_dropped == 0);
}

TEST_CASE("a suspect event's time closes no window", "[hunt]") {
  Rules rules;
  const std::size_t login = rules.detection("login");
  rules.correlation(CorrelationType::EventCount, {login}, 60, when(kLt, 2));
  Run run(rules.set, CorrelationLimits{});  // 5 s tolerance
  run.hit(login, 0, actor("bob"));
  run.hit(login, 59, actor("carol"));
  run.hit(login, 63, actor("mallory"), "forged");  // after the newest, within the tolerance
  run.flush();
  CHECK(run.alerts.empty());  // bob's window (0 to 60) is still open
  run.hit(login, 60, actor("bob"));
  run.finish();
  // bob logged in twice, not fewer than 2 times; carol and mallory once.
  REQUIRE(run.alerts.size() == 2);
  CHECK(run.alerts[0].group == Group{{"actor_username", "carol"}});
  CHECK(run.alerts[0].suspect_events == 0);
  CHECK(run.alerts[1].group == Group{{"actor_username", "mallory"}});
  CHECK(run.alerts[1].suspect_events == 1);
}

TEST_CASE("groups expire once event time has passed their window", "[hunt]") {
  Rules rules;
  const std::size_t failed = rules.detection("failed");
  rules.correlation(CorrelationType::EventCount, {failed}, 60, when(kGte, 2));
  Run run(rules.set, CorrelationLimits{});
  for (int i = 0; i < 1000; ++i) run.hit(failed, i * 0.01, actor("user" + std::to_string(i)));
  run.hit(failed, 64, actor("late-comer"));  // watermark 59: nothing has expired yet
  CHECK(run.engine.stats().groups_held + run.engine.stats().events_waiting >= 1000);
  run.hit(failed, 3600, actor("next-hour"));
  // Watermark 3595: every group, the late-comer's too, is more than 60 s behind it.
  const CorrelationEngine::Stats stats = run.engine.stats();
  CHECK(stats.groups_held == 0);
  CHECK(stats.events_waiting == 1);  // next-hour's
  CHECK(stats.windows_expired == 1001);
  CHECK(stats.groups_peak == 1000);
  CHECK(stats.events_held == 0);
  CHECK(run.alerts.empty());
}

TEST_CASE("max_groups evicts the least recently updated group", "[hunt]") {
  Rules rules;
  const std::size_t failed = rules.detection("failed");
  rules.correlation(CorrelationType::EventCount, {failed}, 600, when(kGte, 3));
  CorrelationLimits limits = in_order();
  limits.max_groups = 3;
  Run run(rules.set, limits);
  run.hit(failed, 0, actor("a"));
  run.hit(failed, 1, actor("b"));
  run.hit(failed, 2, actor("c"));
  run.hit(failed, 3, actor("a"));  // a is now more recent than b
  run.hit(failed, 4, actor("d"));  // evicts b
  CHECK(run.engine.stats().groups_evicted == 1);
  CHECK(run.engine.stats().groups_held == 3);
  run.hit(failed, 5, actor("a"));
  REQUIRE(run.alerts.size() == 1);  // a kept its two earlier events
  CHECK(run.lines(0) == Lines{1, 4, 6});
  run.hit(failed, 6, actor("b"));
  run.hit(failed, 7, actor("b"));
  CHECK(run.alerts.size() == 1);  // b starts again from nothing
  CHECK(run.engine.stats().groups_evicted == 2);
}

TEST_CASE("max_held_events bounds the event summaries held", "[hunt]") {
  Rules rules;
  const std::size_t failed = rules.detection("failed");
  rules.correlation(CorrelationType::EventCount, {failed}, 600, when(kGte, 1000));
  CorrelationLimits limits = in_order();
  limits.max_held_events = 50;
  Run run(rules.set, limits);
  std::size_t most = 0;
  for (int i = 0; i < 500; ++i) {
    run.hit(failed, i * 0.1, actor("user" + std::to_string(i % 7)));
    most = std::max(most, run.engine.stats().events_held);
  }
  CHECK(most <= 50);
  CHECK(run.engine.stats().groups_evicted > 0);
  CHECK(run.alerts.empty());
}

TEST_CASE("max_held_events bounds the reorder buffer too", "[hunt]") {
  Rules rules;
  const std::size_t failed = rules.detection("failed");
  rules.correlation(CorrelationType::EventCount, {failed}, 60, when(kGte, 3));
  CorrelationLimits limits;  // 5 s tolerance
  limits.max_held_events = 10;
  Run run(rules.set, limits);
  // Suspect events dated after every genuine one wait for the clock; a flood of them must not
  // grow the buffer without end.
  for (int i = 0; i < 100; ++i) run.hit(failed, 1e6 + i, actor("mallory"), "forged");
  CHECK(run.engine.stats().events_waiting == 10);
  CHECK(run.engine.stats().events_dropped == 90);
  for (int i = 0; i < 3; ++i) run.hit(failed, i, actor("alice"));
  run.flush();
  REQUIRE(run.alerts.size() == 1);
  CHECK(run.lines(0) == Lines{101, 102, 103});
  CHECK(run.engine.stats().events_waiting <= 10);
}

TEST_CASE("the work per event stays flat with a hundred thousand groups", "[hunt]") {
  // Each check counts the groups the engine looked at: a path that visits every group per
  // event would visit about 5e9 here.
  Rules rules;
  const std::size_t failed = rules.detection("failed");
  const std::size_t login = rules.detection("login");
  rules.correlation(CorrelationType::EventCount, {failed}, 3600, when(kGte, 2));
  rules.correlation(CorrelationType::EventCount, {login}, 1, when(kLt, 2));
  constexpr int kEvents = 100'000;

  SECTION("all groups held") {
    Run run(rules.set, CorrelationLimits{});
    for (int i = 0; i < kEvents; ++i) run.hit(failed, i * 0.001, actor(std::to_string(i)));
    run.finish(OpenWindows::Keep);
    const CorrelationEngine::Stats stats = run.engine.stats();
    CHECK(stats.groups_held == kEvents);
    CHECK(stats.group_visits <= 5u * kEvents);
  }
  SECTION("groups evicted") {
    CorrelationLimits limits;
    limits.max_groups = 1000;
    Run run(rules.set, limits);
    for (int i = 0; i < kEvents; ++i) run.hit(failed, i * 0.001, actor(std::to_string(i)));
    const CorrelationEngine::Stats stats = run.engine.stats();
    CHECK(stats.groups_held <= 1000);
    CHECK(stats.groups_evicted >= kEvents - 1000 - stats.events_waiting);
    CHECK(stats.group_visits <= 6u * kEvents);
  }
  SECTION("groups closing all the time") {
    Run run(rules.set, CorrelationLimits{});
    for (int i = 0; i < kEvents; ++i) run.hit(login, i * 0.001, actor(std::to_string(i)));
    run.finish();
    const CorrelationEngine::Stats stats = run.engine.stats();
    CHECK(run.alerts.size() == kEvents);  // each actor logged in once: fewer than 2
    CHECK(stats.windows_expired > kEvents / 2);
    CHECK(stats.group_visits <= 6u * kEvents);
  }
}

TEST_CASE("a rule no correlation refers to costs nothing", "[hunt]") {
  Rules rules;
  const std::size_t failed = rules.detection("failed");
  const std::size_t other = rules.detection("other");
  rules.correlation(CorrelationType::EventCount, {failed}, 60, when(kGte, 1));
  Run run(rules.set, in_order());
  run.hit(other, 0, actor("alice"));
  run.hit(99, 0, actor("alice"));  // not a detection at all
  CHECK(run.alerts.empty());
  CHECK(run.engine.stats().group_visits == 0);
  run.hit(failed, 0, actor("alice"));
  CHECK(run.alerts.size() == 1);
}

namespace {

// A day's run: the rules as loaded that day (the same text, new objects), the state file
// opened, windows restored, events counted, windows kept and saved.
struct Day {
  Day(const std::string& path, const RuleSet& rules, CorrelationLimits limits,
      const std::string& input)
      : state(path), run(rules, limits, input) {
    restored = run.engine.restore_windows(state);
  }
  void end() {
    run.finish(OpenWindows::Keep);
    run.engine.save_windows(state);
    state.save();
  }
  HuntState state;
  Run run;
  CorrelationEngine::RestoreStats restored;
};

Rules carried_rules(std::int64_t threshold = 3) {
  Rules rules;
  const std::size_t failed = rules.detection("failed");
  const std::size_t success = rules.detection("success");
  rules.correlation(CorrelationType::EventCount, {failed}, 600, when(kGte, threshold));
  rules.correlation(CorrelationType::TemporalOrdered, {failed, success}, 600, std::nullopt);
  rules.correlation(CorrelationType::EventCount, {success}, 600, when(kLt, 2));
  rules.correlation(CorrelationType::ValueCount, {failed}, 600, when(kGte, 2)).value_field =
      "client.address";
  return rules;
}

Fields alice_from(const char* address) {
  return Fields{{"actor_username", "alice"}, {"client.address", address}};
}

}  // namespace

TEST_CASE("open windows carry over to the next run through the state file", "[hunt]") {
  testing::TempDir dir;
  const std::string path = dir.file("hunt.state");
  const Rules monday = carried_rules();
  {
    Day day(path, monday.set, CorrelationLimits{}, "monday.log");
    CHECK(day.restored.restored == 0);
    day.run.hit(0, 0, alice_from("192.0.2.1"));            // failed
    day.run.hit(0, 1, alice_from("192.0.2.1"));            // failed
    day.run.hit(1, 2, Fields{{"actor_username", "bob"}});  // success: bob's lt window opens
    day.end();
    CHECK(day.run.alerts.empty());
    // event_count, temporal_ordered (alice), lt (bob), value_count; not bob's empty chain.
    CHECK(day.state.windows().size() == 4);
  }
  const Rules tuesday = carried_rules();
  Day day(path, tuesday.set, CorrelationLimits{}, "tuesday.log");
  CHECK(day.restored.restored == 4);
  CHECK(day.restored.rule_changed == 0);
  CHECK(day.restored.unreadable == 0);
  CHECK(day.run.engine.stats().groups_held == 4);
  day.run.hit(1, 50, alice_from("192.0.2.2"));               // success after monday's failures
  day.run.hit(0, 60, alice_from("192.0.2.2"));               // failed: the third, a new address
  day.run.hit(0, 700, Fields{{"actor_username", "carol"}});  // time moves on
  day.run.finish();
  std::map<std::string, std::vector<const Alert*>> by_rule;
  for (const Alert& alert : day.run.alerts) by_rule[alert.rule->id].push_back(&alert);

  REQUIRE(by_rule["id-correlation-0"].size() == 1);
  const Alert& count = *by_rule["id-correlation-0"][0];
  CHECK(count.count == 3);
  REQUIRE(count.events.size() == 3);
  CHECK(count.events[0].input == "monday.log");
  CHECK(count.events[0].line == 1);
  CHECK(count.events[0].client_address == "192.0.2.1");
  CHECK(count.events[2].input == "tuesday.log");
  CHECK(count.events[2].line == 2);

  REQUIRE(by_rule["id-correlation-1"].size() == 1);
  CHECK(by_rule["id-correlation-1"][0]->first_us == at(1));  // the chain began on monday
  CHECK(by_rule["id-correlation-1"][0]->last_us == at(50));

  // bob's window of monday closed on tuesday with one success; alice's at the end of input.
  REQUIRE(by_rule["id-correlation-2"].size() == 2);
  CHECK(by_rule["id-correlation-2"][0]->group == Group{{"actor_username", "bob"}});
  CHECK(by_rule["id-correlation-2"][0]->events.at(0).input == "monday.log");
  CHECK(by_rule["id-correlation-2"][1]->group == Group{{"actor_username", "alice"}});

  REQUIRE(by_rule["id-correlation-3"].size() == 1);
  CHECK(by_rule["id-correlation-3"][0]->values == Strings{"192.0.2.1", "192.0.2.2"});
}

TEST_CASE("a saved window of a changed or vanished rule is dropped", "[hunt]") {
  testing::TempDir dir;
  const std::string path = dir.file("hunt.state");
  const Rules monday = carried_rules();
  {
    Day day(path, monday.set, CorrelationLimits{}, "monday.log");
    day.run.hit(0, 0, alice_from("192.0.2.1"));
    day.run.hit(1, 1, Fields{{"actor_username", "bob"}});
    day.end();
    REQUIRE(day.state.windows().size() == 4);
  }
  Rules tuesday = carried_rules(5);             // the event_count threshold changed
  tuesday.set.correlations.pop_back();          // the value_count rule is gone
  tuesday.set.correlations[1].info.id.clear();  // found by title now: another name
  Day day(path, tuesday.set, CorrelationLimits{}, "tuesday.log");
  CHECK(day.restored.restored == 1);  // only the lt window
  CHECK(day.restored.rule_changed == 3);
  CHECK(day.restored.unreadable == 0);
}

TEST_CASE("a saved window this build cannot read is dropped", "[hunt]") {
  testing::TempDir dir;
  const std::string path = dir.file("hunt.state");
  const Rules monday = carried_rules();
  {
    Day day(path, monday.set, CorrelationLimits{}, "monday.log");
    day.run.hit(0, 0, alice_from("192.0.2.1"));
    day.end();
  }
  {
    testing::Query query(path);
    REQUIRE(query.value("SELECT count(*) FROM correlation_windows") == "3");
    query.exec("UPDATE correlation_windows SET state = substr(state, 1, 20) WHERE seq = 1");
    // Format 1, an earlier build's (it counted an event matching two rules twice).
    query.exec("UPDATE correlation_windows SET state = x'01' || substr(state, 2) WHERE seq = 2");
    query.exec("UPDATE correlation_windows SET group_key = x'ff' WHERE seq = 3");
  }
  const Rules tuesday = carried_rules();
  Day day(path, tuesday.set, CorrelationLimits{}, "tuesday.log");
  CHECK(day.restored.restored == 0);
  CHECK(day.restored.unreadable == 3);
  day.run.hit(0, 1, alice_from("192.0.2.1"));
  day.run.finish();
  CHECK(day.run.alerts.empty());
}

TEST_CASE("windows kept for the next run take no suspect event dated ahead", "[hunt]") {
  testing::TempDir dir;
  const std::string path = dir.file("hunt.state");
  const Rules monday = carried_rules();
  {
    Day day(path, monday.set, CorrelationLimits{}, "monday.log");
    day.run.hit(0, 0, alice_from("192.0.2.1"));
    day.run.hit(0, 1, alice_from("192.0.2.1"));
    day.run.hit(0, 365.0 * 86400, alice_from("192.0.2.1"), "forged");
    day.end();
    CHECK(day.run.alerts.empty());
    // For event_count, temporal_ordered and value_count.
    CHECK(day.run.engine.stats().events_dropped == 3);
    CHECK(day.run.engine.stats().windows_expired == 0);
  }
  const Rules tuesday = carried_rules();
  Day day(path, tuesday.set, CorrelationLimits{}, "tuesday.log");
  day.run.hit(0, 2, alice_from("192.0.2.1"));
  day.run.finish();
  REQUIRE(day.run.alerts.size() == 1);
  CHECK(day.run.alerts[0].rule->id == "id-correlation-0");
  CHECK(day.run.alerts[0].count == 3);
  CHECK(day.run.alerts[0].suspect_events == 0);
}

TEST_CASE("a window saved beyond its listed events keeps their suspect count", "[hunt]") {
  testing::TempDir dir;
  const std::string path = dir.file("hunt.state");
  Rules rules;
  const std::size_t login = rules.detection("login");
  rules.correlation(CorrelationType::EventCount, {login}, 600, when(kLte, 30));
  {
    Day day(path, rules.set, in_order(), "monday.log");
    for (int i = 0; i < 25; ++i)
      day.run.hit(login, i, actor("alice"), i >= 20 && i < 23 ? "forged" : "");
    day.end();
  }
  Day day(path, rules.set, in_order(), "tuesday.log");
  REQUIRE(day.restored.restored == 1);
  day.run.finish();
  REQUIRE(day.run.alerts.size() == 1);
  CHECK(day.run.alerts[0].count == 25);
  CHECK(day.run.alerts[0].suspect_events == 3);
}

}  // namespace pkgly_trail::hunt
