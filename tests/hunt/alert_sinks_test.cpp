// hunt's printers: what each format writes for an alert, and that log text in an alert cannot
// drive a terminal or break a line of NDJSON.
#include <catch2/catch.hpp>

#include "pkgly_trail/hunt/alert_sink.hpp"
#include "sink/capture.hpp"

namespace pkgly_trail::hunt {

namespace {

RuleInfo brute_force_rule() {
  RuleInfo rule;
  rule.id = "26c8a8c0-bbc7-485a-b6a8-f2f0911e38c6";
  rule.title = "Brute force";
  rule.level = RuleLevel::High;
  rule.tags = {"attack.t1110.001"};
  rule.place = {"rules/brute-force-login.yml", 19, 1};
  return rule;
}

// A correlation alert whose group value and event hold what an attacker may log: ESC, a
// newline, a quote.
Alert hostile_alert(const RuleInfo& rule) {
  Alert alert;
  alert.rule = &rule;
  alert.correlation = true;
  alert.type = CorrelationType::EventCount;
  alert.group = {{"actor_username", "eve\x1b[2J\n\"x"}};
  alert.first_us = 1'763'460'000'000'000;
  alert.last_us = 1'763'460'090'000'060;
  alert.count = 10;
  AlertEvent event;
  event.input = "pkgly.log";
  event.line = 12;
  event.timestamp = "2025-11-18T10:00:00.000060Z";
  event.action = "auth.login";
  event.outcome = "denied";
  event.actor = "eve\x1b[2J\n\"x";
  event.client_address = "203.0.113.7";
  event.url_path = "/api/user/login";
  event.suspect = "a value with a newline";
  alert.events = {event};
  alert.events_omitted = 9;
  alert.suspect_events = 1;
  return alert;
}

std::string print(const Alert& alert, OutputFormat format) {
  testing::PipeFds pipe;
  OutputStream out(pipe.write_fd());
  SinkOptions options;
  options.format = format;
  auto sink = make_alert_sink(out, options);
  CHECK(sink->on_alert(alert));
  sink->finish();
  return pipe.drain();
}

}  // namespace

TEST_CASE("hunt text alerts escape log text and say what is suspect", "[hunt][sink]") {
  const RuleInfo rule = brute_force_rule();
  const std::string text = print(hostile_alert(rule), OutputFormat::Text);
  CHECK(text.find('\x1b') == std::string::npos);  // no colour asked, and the ESC made visible
  CHECK(text.find("\\e[2J") != std::string::npos);
  CHECK(text.find("high") == 0);
  CHECK(text.find("Brute force  (event_count, rules/brute-force-login.yml:19)") !=
        std::string::npos);
  CHECK(text.find("10 events") != std::string::npos);
  CHECK(text.find("pkgly.log:12") != std::string::npos);
  CHECK(text.find("SUSPECT: a value with a newline") != std::string::npos);
  CHECK(text.find("... and 9 more event(s)") != std::string::npos);
  // Three lines: the rule, the window and group, the event; then the "more" line.
  CHECK(std::count(text.begin(), text.end(), '\n') == 4);
}

TEST_CASE("hunt json alerts are one line of the contract", "[hunt][sink]") {
  const RuleInfo rule = brute_force_rule();
  const std::string json = print(hostile_alert(rule), OutputFormat::Json);
  CHECK(std::count(json.begin(), json.end(), '\n') == 1);
  CHECK(json.rfind("{\"contract\":1,\"rule\":{\"id\":\"26c8a8c0", 0) == 0);
  CHECK(json.find("\"kind\":\"event_count\"") != std::string::npos);
  CHECK(json.find("\"group\":{\"actor_username\":\"eve\\u001b[2J\\n\\\"x\"}") != std::string::npos);
  CHECK(json.find("\"first\":\"2025-11-18T10:00:00Z\",\"last\":\"2025-11-18T10:01:30.000060Z\"") !=
        std::string::npos);
  CHECK(json.find("\"suspect\":true,\"suspect_events\":1,") != std::string::npos);
  CHECK(json.find("\"source\":\"pkgly.log:12\"") != std::string::npos);
  CHECK(json.find("\"events_omitted\":9}") != std::string::npos);
}

TEST_CASE("hunt ecs alerts are event.kind alert with the rule", "[hunt][sink]") {
  const RuleInfo rule = brute_force_rule();
  const std::string ecs = print(hostile_alert(rule), OutputFormat::Ecs);
  CHECK(std::count(ecs.begin(), ecs.end(), '\n') == 1);
  CHECK(ecs.find("\"event\":{\"kind\":\"alert\"") != std::string::npos);
  CHECK(ecs.find("\"severity\":75") != std::string::npos);
  CHECK(ecs.find("\"rule\":{\"id\":\"26c8a8c0-bbc7-485a-b6a8-f2f0911e38c6\",\"name\":\"Brute "
                 "force\"") != std::string::npos);
}

TEST_CASE("hunt csv alerts quote hostile cells", "[hunt][sink]") {
  const RuleInfo rule = brute_force_rule();
  const std::string csv = print(hostile_alert(rule), OutputFormat::Csv);
  CHECK(csv.rfind("first,last,level,rule_id,title,kind,group,count,suspect,sources\n", 0) == 0);
  // The group's value holds a newline and a quote: quoted in the group text (the quote and
  // backslash escaped), and the cell quoted for CSV (every quote doubled).
  CHECK(csv.find("\"actor_username=\"\"eve\x1b[2J\n\\\"\"x\"\"\"") != std::string::npos);
  CHECK(csv.find("pkgly.log:12 (+9 more)") != std::string::npos);
}

TEST_CASE("hunt alert groups cannot pass for other pairs", "[hunt][sink]") {
  RuleInfo rule = brute_force_rule();
  Alert alert = hostile_alert(rule);
  alert.group = {{"user_agent.original", "curl/8 actor_username=admin"},
                 {"actor_username", "mallory"},
                 {"client.address", ""}};
  CHECK(alert_group_text(alert) ==
        "user_agent.original=\"curl/8 actor_username=admin\" actor_username=mallory "
        "client.address=\"\"");
}

TEST_CASE("hunt alerts of events without a time write null not 1970", "[hunt][sink]") {
  const RuleInfo rule = brute_force_rule();
  Alert alert = hostile_alert(rule);
  alert.first_us = alert.last_us = kAlertWithoutTime;
  const std::string json = print(alert, OutputFormat::Json);
  CHECK(json.find("\"first\":null,\"last\":null") != std::string::npos);
  CHECK(json.find("1970") == std::string::npos);
  const std::string ecs = print(alert, OutputFormat::Ecs);
  CHECK(ecs.find("\"@timestamp\":null") != std::string::npos);
  CHECK(ecs.find("1970") == std::string::npos);
}

}  // namespace pkgly_trail::hunt
