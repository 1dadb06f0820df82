#pragma once
// Rule texts for the hunt loader tests, and checks of the errors loading them gives.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "pkgly_trail/hunt/rule_loader.hpp"

// A namespace of its own: `load` and `errors_of` are common names.
namespace pkgly_trail::testing::rule_text {

using hunt::load_rules;
using hunt::RuleError;
using hunt::RuleLoadError;
using hunt::RuleSet;
using hunt::RuleSource;

// Lines 1 to 4 of most rules below: a detection's selections then start on line 6, and their
// fields on line 7 at column 5.
inline const std::string kHead = "title: t\nlogsource:\n  product: pkgly\n  service: audit\n";

// A detection rule named `name`, matching action: `action`.
inline std::string detection_rule(std::string_view name, std::string_view action) {
  return fmt::format(
      "title: {0}\nname: {0}\nlogsource:\n  product: pkgly\n  service: audit\n"
      "detection:\n  sel:\n    action: {1}\n  condition: sel\n",
      name, action);
}

inline RuleSet load(const std::string& text) {
  return load_rules({{"rule.yml", text}});
}

inline std::vector<RuleError> errors_of(const std::vector<RuleSource>& sources) {
  try {
    load_rules(sources);
  } catch (const RuleLoadError& e) {
    return e.errors;
  }
  FAIL("the rules loaded without an error");
  return {};
}
inline std::vector<RuleError> errors_of(const std::string& text) {
  return errors_of({{"rule.yml", text}});
}

struct Expected {
  int line;
  int column;
  std::string what;  // the start of the message
};

inline void check_errors(const std::vector<RuleError>& got, const std::vector<Expected>& want) {
  std::string all;
  for (const RuleError& e : got) all += e.text() + "\n";
  INFO(all);
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    CHECK(got[i].place.line == want[i].line);
    CHECK(got[i].place.column == want[i].column);
    CHECK_THAT(got[i].what, Catch::Matchers::StartsWith(want[i].what));
  }
}

inline void check_error(const std::string& text, int line, int column, const std::string& what) {
  check_errors(errors_of(text), {{line, column, what}});
}

// kHead, then a detection with one selection `sel` holding `field_line` (at line 7).
inline std::string with_field(std::string_view field_line) {
  return kHead + "detection:\n  sel:\n    " + std::string(field_line) + "\n  condition: sel\n";
}

}  // namespace pkgly_trail::testing::rule_text
