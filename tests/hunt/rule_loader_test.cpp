#include "pkgly_trail/hunt/rule_loader.hpp"

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "hunt/map_event.hpp"
#include "hunt/rule_text.hpp"
#include "pkgly_trail/hunt/detection.hpp"

using namespace pkgly_trail;
using namespace pkgly_trail::hunt;
using namespace pkgly_trail::testing::rule_text;
using Catch::Matchers::StartsWith;
using pkgly_trail::testing::MapEvent;

namespace {

// A directory of files under /tmp, removed at the end of the test.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "pkgly-trail-rules-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  std::string path(const std::string& name = "") const { return (path_ / name).string(); }
  std::string write(const std::string& name, const std::string& text) const {
    const std::filesystem::path file = path_ / name;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << text;
    return file.string();
  }

 private:
  std::filesystem::path path_;
};

}  // namespace

TEST_CASE("rule loader reads a detection rule with its metadata", "[hunt][rule-loader]") {
  const RuleSet set = load(R"(title: Publish by a bot account
id: 6f1c3a8e-0000-4000-8000-000000000001
name: bot_publish
status: experimental
description: A bot account published a package
author: pkgly-trail
date: 2025-11-20
modified: 2025-11-21
references:
  - https://example.invalid/pkgly
tags:
  - attack.supply_chain
  - attack.t1195
falsepositives: release automation
level: high
license: MIT
related:
  - id: 6f1c3a8e-0000-4000-8000-000000000002
    type: similar
fields:
  - actor_username
logsource:
  product: pkgly
  service: audit
  definition: Pkgly audit events joined with their requests
detection:
  selection:
    action: package.publish
    actor_username|startswith: bot-
  condition: selection
)");
  REQUIRE(set.detections.size() == 1);
  CHECK(set.correlations.empty());
  const RuleInfo& info = set.detections[0].info;
  CHECK(info.title == "Publish by a bot account");
  CHECK(info.id == "6f1c3a8e-0000-4000-8000-000000000001");
  CHECK(info.name == "bot_publish");
  CHECK(info.status == "experimental");
  CHECK(info.description == "A bot account published a package");
  CHECK(info.author == "pkgly-trail");
  CHECK(info.level == RuleLevel::High);
  CHECK(info.tags == std::vector<std::string>{"attack.supply_chain", "attack.t1195"});
  CHECK(info.falsepositives == std::vector<std::string>{"release automation"});
  CHECK(info.references == std::vector<std::string>{"https://example.invalid/pkgly"});
  CHECK(info.place.path == "rule.yml");
  CHECK(info.place.line == 1);
  CHECK(info.place.column == 1);
  CHECK(set.detection_alerts == std::vector<bool>{true});
  const Detection& detection = *set.detections[0].detection;
  CHECK(detection.matches(
      MapEvent{}.string("action", "package.publish").string("actor_username", "bot-ci")));
  CHECK_FALSE(detection.matches(
      MapEvent{}.string("action", "package.publish").string("actor_username", "alice")));
}

TEST_CASE("rule loader level defaults to medium and reads each level", "[hunt][rule-loader]") {
  CHECK(load(with_field("f: x")).detections[0].info.level == RuleLevel::Medium);
  const std::vector<std::pair<std::string, RuleLevel>> levels = {
      {"informational", RuleLevel::Informational},
      {"low", RuleLevel::Low},
      {"medium", RuleLevel::Medium},
      {"high", RuleLevel::High},
      {"critical", RuleLevel::Critical}};
  for (const auto& [text, level] : levels)
    CHECK(load(with_field("f: x") + "level: " + text + "\n").detections[0].info.level == level);
}

TEST_CASE("rule loader reads every document of a file", "[hunt][rule-loader]") {
  const RuleSet set =
      load("# rules for publishing\n---\n" + detection_rule("first", "a") + "---\n" +
           detection_rule("second", "b") + "...\n---\n" + detection_rule("third", "c") + "---\n");
  REQUIRE(set.detections.size() == 3);
  CHECK(set.detections[0].info.name == "first");
  CHECK(set.detections[0].info.place.line == 3);
  CHECK(set.detections[1].info.name == "second");
  CHECK(set.detections[1].info.place.line == 13);
  CHECK(set.detections[2].info.name == "third");
  CHECK(set.detections[2].info.place.line == 24);
  CHECK(set.detections[2].detection->matches(MapEvent{}.string("action", "C")));
}

TEST_CASE("rule loader resolves references by name and by id across files", "[hunt][rule-loader]") {
  const std::string by_id = R"(title: Has only an id
id: 5638f7c0-ac70-491d-8465-2a65075e0d86
logsource:
  product: pkgly
  service: audit
detection:
  sel:
    action: a
  condition: sel
)";
  const std::string correlation = R"(title: Both
correlation:
  type: temporal
  rules:
    - 5638f7c0-ac70-491d-8465-2a65075e0d86
    - named
  timespan: 1m
)";
  const RuleSet set = load_rules({{"a.yml", by_id},
                                  {"b.yml", correlation},
                                  {"c.yml", detection_rule("named", "b")},
                                  {"d.yml", detection_rule("alone", "c")}});
  REQUIRE(set.detections.size() == 3);
  REQUIRE(set.correlations.size() == 1);
  CHECK(set.correlations[0].rule_indexes == std::vector<std::size_t>{0, 1});
  CHECK(set.correlations[0].info.place.path == "b.yml");
  CHECK(set.detection_alerts == std::vector<bool>{false, false, true});
}

TEST_CASE("rule loader generate lets referenced rules alert", "[hunt][rule-loader]") {
  const std::string rules = detection_rule("a", "x") + "---\n" + detection_rule("b", "y") +
                            "---\n" + detection_rule("c", "z");
  SECTION("inside correlation") {
    const RuleSet set = load(rules + R"(---
title: quiet
correlation:
  type: event_count
  rules: [a, b]
  timespan: 1m
  condition: {gte: 2}
---
title: loud
correlation:
  type: event_count
  rules: [b]
  timespan: 1m
  condition: {gte: 2}
  generate: true
)");
    CHECK(set.correlations[0].generate == false);
    CHECK(set.correlations[1].generate == true);
    // a: used by quiet only; b: also by loud, which generates; c: used by none.
    CHECK(set.detection_alerts == std::vector<bool>{false, true, true});
  }
  SECTION("beside correlation as Sigma's schema has it") {
    const RuleSet set = load(rules + R"(---
title: loud
generate: true
correlation:
  type: event_count
  rules: [a]
  timespan: 1m
  condition: {gte: 2}
)");
    CHECK(set.correlations[0].generate == true);
    CHECK(set.detection_alerts == std::vector<bool>{true, true, true});
  }
}

TEST_CASE("rule loader reports YAML syntax errors and goes on", "[hunt][rule-loader]") {
  const std::string text = detection_rule("fine", "x") + "---\ntitle: [unclosed\n" +
                           "---\ntitle: after the broken one\n";
  check_errors(errors_of(text), {{12, 1, "invalid YAML: end of sequence flow not found"},
                                 {13, 1, "the rule has no 'logsource'"},
                                 {13, 1, "the rule has no 'detection'"}});
}

TEST_CASE("rule loader refuses unknown and misplaced keys", "[hunt][rule-loader]") {
  check_error(kHead + "author: me\nseverity: high\n" +
                  "detection:\n  s:\n    f: x\n  "
                  "condition: s\n",
              6, 1, "unknown key 'severity' (a detection rule has title, id, name");
  check_error(with_field("f: x") + "action: global\n", 9, 1,
              "'action' (Sigma's rule collections) is not supported");
  check_error(with_field("f: x") + "generate: true\n", 9, 1,
              "'generate' belongs to a correlation rule");
  check_error(with_field("f: x") + "title: again\n", 9, 1,
              "'title' is written twice (first at line 1)");
}

TEST_CASE("rule loader requires title logsource and detection", "[hunt][rule-loader]") {
  check_errors(errors_of("\n\nname: bare\n"), {{3, 1, "the rule has no 'title'"},
                                               {3, 1, "the rule has no 'logsource'"},
                                               {3, 1, "the rule has no 'detection'"}});
  check_error(
      "title: ''\nlogsource: {product: pkgly, service: audit}\ndetection:\n  s: {f: x}\n"
      "  condition: s\n",
      1, 8, "'title' is empty");
  check_error("- just\n- a list\n", 1, 1, "a rule must be a YAML mapping");
}

TEST_CASE("rule loader requires the pkgly audit logsource", "[hunt][rule-loader]") {
  const std::string tail = "detection:\n  s:\n    f: x\n  condition: s\n";
  check_error("title: t\nlogsource:\n  product: windows\n  service: audit\n" + tail, 3, 12,
              "product 'windows': this tool reads Pkgly audit events, product: pkgly");
  check_error("title: t\nlogsource:\n  product: pkgly\n  service: access\n" + tail, 4, 12,
              "service 'access': this tool reads Pkgly audit events, service: audit");
  check_error("title: t\nlogsource:\n  category: web\n  product: pkgly\n  service: audit\n" + tail,
              3, 3, "'category' is not used");
  check_errors(errors_of("title: t\nlogsource:\n  product: pkgly\n" + tail),
               {{2, 1, "'logsource' has no 'service' (audit)"}});
  check_error("title: t\nlogsource: pkgly\n" + tail, 2, 12, "'logsource' must be a mapping");
}

TEST_CASE("rule loader refuses bad metadata values", "[hunt][rule-loader]") {
  check_error(with_field("f: x") + "level: urgent\n", 9, 8,
              "level 'urgent' is none of informational, low, medium, high, critical");
  check_error(with_field("f: x") + "tags:\n  nested: map\n", 10, 3,
              "'tags' must be a string or a list of strings");
  check_error(with_field("f: x") + "tags:\n  - ok\n  - [nested]\n", 11, 5,
              "'tags' must be a list of strings");
  check_error(with_field("f: x") + "related: 12\n", 9, 10, "'related' must be a list");
}

TEST_CASE("rule loader places bad references at the reference", "[hunt][rule-loader]") {
  const std::string text = detection_rule("known", "x") + R"(---
title: first correlation
name: chained
correlation:
  type: temporal
  rules:
    - known
    - unknown_rule
  timespan: 1m
---
title: second correlation
correlation:
  type: event_count
  rules: chained
  timespan: 1m
  condition: {gte: 2}
)";
  check_errors(errors_of(text),
               {{17, 7, "no rule has the name or id 'unknown_rule'"},
                {23, 10,
                 "'chained' is a correlation rule: a correlation of correlations is not "
                 "supported"}});
}

TEST_CASE("rule loader refuses the same rule referred to twice", "[hunt][rule-loader]") {
  const std::string text = R"(title: t
id: abc-1
name: by_name
logsource: {product: pkgly, service: audit}
detection:
  s: {f: x}
  condition: s
---
title: c
correlation:
  type: temporal
  rules: [by_name, abc-1]
  timespan: 1m
)";
  check_error(text, 12, 20, "'abc-1' is a rule this correlation lists already");
}

TEST_CASE("rule loader refuses duplicate names and ids", "[hunt][rule-loader]") {
  const std::string twice = detection_rule("same", "x");
  check_errors(errors_of({{"a.yml", twice}, {"b.yml", twice}}),
               {{1, 1, "name 'same' is also the name of the rule at a.yml:1"}});
  CHECK(errors_of({{"a.yml", twice}, {"b.yml", twice}})[0].place.path == "b.yml");
  const std::string id =
      "title: t\nid: 42\nlogsource: {product: pkgly, service: audit}\n"
      "detection: {s: {f: x}, condition: s}\n";
  check_errors(errors_of(id + "---\n" + id), {{6, 1,
                                               "id '42' is also the id of the rule at "
                                               "rule.yml:1"}});
}

TEST_CASE("rule loader does not cascade from a broken referenced rule", "[hunt][rule-loader]") {
  const std::string text = R"(title: t
name: broken
logsource: {product: pkgly, service: audit}
detection:
  s: {f|nope: x}
  condition: s
---
title: c
correlation:
  type: temporal
  rules: [broken]
  timespan: 1m
)";
  check_errors(errors_of(text), {{5, 7, "unknown modifier 'nope'"}});
}

TEST_CASE("rule loader reports every error of every file in order", "[hunt][rule-loader]") {
  const std::vector<RuleError> errors =
      errors_of({{"z.yml", with_field("f|foo: x") + "level: loud\n"},
                 {"a.yml", "title: t\n"},
                 {"m.yml", detection_rule("ok", "x")},
                 {"empty.yml", "# nothing but a comment\n---\n"}});
  std::vector<std::string> texts;
  for (const RuleError& e : errors) texts.push_back(e.text());
  REQUIRE(texts.size() == 5);
  CHECK_THAT(texts[0], StartsWith("z.yml:7:5: unknown modifier 'foo'"));
  CHECK(texts[1] ==
        "z.yml:9:8: level 'loud' is none of informational, low, medium, high, critical");
  CHECK(texts[2] == "a.yml:1:1: the rule has no 'logsource' (product: pkgly, service: audit)");
  CHECK(texts[3] == "a.yml:1:1: the rule has no 'detection' (nor 'correlation')");
  CHECK(texts[4] == "empty.yml:0:0: no rule in this file");
}

TEST_CASE("rule loader error text and what", "[hunt][rule-loader]") {
  const RuleError error{{"rules/x.yml", 7, 5}, "unknown modifier 'foo'"};
  CHECK(error.text() == "rules/x.yml:7:5: unknown modifier 'foo'");
  const RuleLoadError failure({error, {{"rules/y.yml", 0, 0}, "cannot read: gone"}});
  CHECK(std::string(failure.what()) ==
        "rules/x.yml:7:5: unknown modifier 'foo'\nrules/y.yml:0:0: cannot read: gone");
  CHECK(failure.errors.size() == 2);
}

TEST_CASE("rule loader loads nothing from no sources", "[hunt][rule-loader]") {
  const RuleSet set = load_rules({});
  CHECK(set.detections.empty());
  CHECK(set.correlations.empty());
  CHECK(set.detection_alerts.empty());
}

TEST_CASE("rule loader reads rule directories recursively in path order", "[hunt][rule-loader]") {
  const ScratchDir dir;
  dir.write("rules/b.yml", detection_rule("b", "x"));
  dir.write("rules/a.yaml", detection_rule("a", "x"));
  dir.write("rules/sub/c.yml", detection_rule("c", "x"));
  dir.write("rules/notes.txt", "not yaml: [");
  dir.write("rules/sub/upper.YML", "not read either: [");
  const std::string single = dir.write("one.rule", detection_rule("one", "x"));
  const std::vector<RuleSource> sources = read_rule_sources({dir.path("rules"), single});
  std::vector<std::string> paths;
  for (const RuleSource& source : sources) paths.push_back(source.path);
  CHECK(paths == std::vector<std::string>{dir.path("rules/a.yaml"), dir.path("rules/b.yml"),
                                          dir.path("rules/sub/c.yml"), single});
  CHECK(sources[0].text == detection_rule("a", "x"));
  CHECK(load_rules(sources).detections.size() == 4);
}

TEST_CASE("rule loader names every path it cannot read", "[hunt][rule-loader]") {
  const ScratchDir dir;
  dir.write("empty/notes.txt", "no rules here");
  try {
    read_rule_sources({dir.path("missing.yml"), dir.path("empty")});
    FAIL("read_rule_sources read a missing file");
  } catch (const RuleLoadError& e) {
    REQUIRE(e.errors.size() == 2);
    CHECK(e.errors[0].text() ==
          dir.path("missing.yml") + ":0:0: cannot read: No such file or directory");
    CHECK(e.errors[1].text() ==
          dir.path("empty") + ":0:0: cannot read: no *.yml or *.yaml file in this directory");
  }
}

TEST_CASE("rule loader reports every error of the bad rules fixtures", "[hunt][rule-loader]") {
  const std::string dir = std::string(PKGLY_TRAIL_FIXTURES) + "/hunt/bad-rules";
  const std::vector<RuleSource> sources = read_rule_sources({dir});
  REQUIRE(sources.size() == 3);
  std::vector<std::string> texts;
  for (const RuleError& e : errors_of(sources)) texts.push_back(e.text());
  REQUIRE(texts.size() == 7);
  CHECK(texts[0] == dir + "/correlation.yml:5:7: no rule has the name or id 'no_such_rule'");
  CHECK(texts[1] == dir +
                        "/correlation.yml:6:13: timespan '1M': the unit 'M' is not supported "
                        "(units: s, m, h, d; a week is 7d)");
  CHECK_THAT(texts[2], StartsWith(dir + "/modifiers.yml:7:5: unknown modifier 'foo'"));
  CHECK_THAT(texts[3], StartsWith(dir + "/modifiers.yml:8:5: modifier 'windash' is not supported"));
  CHECK(texts[4] == dir +
                        "/modifiers.yml:9:18: invalid regular expression '(unclosed': "
                        "missing ): (unclosed");
  CHECK_THAT(texts[5], StartsWith(dir + "/syntax.yaml:2:1: invalid YAML: "));
  CHECK_THAT(texts[6], StartsWith(dir + "/syntax.yaml:10:7: keyword selections are not supported"));
}
