#include "hunt/condition.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace pkgly_trail::hunt;

namespace {

const std::vector<std::string> kNames = {"sel",      "filter_a", "filter_b", "_helper",
                                         "keywords", "Sel2",     "x-y"};

std::string tree(std::string_view text, const std::vector<std::string>& names = kNames) {
  ConditionError error;
  const std::optional<Condition> condition = Condition::parse(text, names, error);
  if (!condition) return "error at " + std::to_string(error.offset) + ": " + error.what;
  return condition->describe(names);
}

ConditionError error_of(std::string_view text, const std::vector<std::string>& names = kNames) {
  ConditionError error;
  const std::optional<Condition> condition = Condition::parse(text, names, error);
  REQUIRE_FALSE(condition.has_value());
  return error;
}

// The condition's value when exactly the selections whose bit is set in `mask` match.
bool holds(std::string_view text, unsigned mask, const std::vector<std::string>& names = kNames) {
  ConditionError error;
  const std::optional<Condition> condition = Condition::parse(text, names, error);
  REQUIRE(condition.has_value());
  return condition->evaluate([&](std::size_t i) { return ((mask >> i) & 1U) != 0; });
}

}  // namespace

TEST_CASE("condition precedence is not over and over or", "[hunt][condition]") {
  CHECK(tree("sel or filter_a and filter_b") == "or(sel, and(filter_a, filter_b))");
  CHECK(tree("sel and filter_a or filter_b") == "or(and(sel, filter_a), filter_b)");
  CHECK(tree("not sel and filter_a") == "and(not(sel), filter_a)");
  CHECK(tree("sel and not filter_a or keywords") == "or(and(sel, not(filter_a)), keywords)");
  CHECK(tree("not not sel") == "not(not(sel))");
  CHECK(tree("sel and filter_a and filter_b") == "and(sel, filter_a, filter_b)");
}

TEST_CASE("condition parentheses group", "[hunt][condition]") {
  CHECK(tree("(sel or filter_a) and filter_b") == "and(or(sel, filter_a), filter_b)");
  CHECK(tree("not (sel or filter_a)") == "not(or(sel, filter_a))");
  CHECK(tree("((sel))") == "sel");
  CHECK(tree("sel and(filter_a or filter_b)") == "and(sel, or(filter_a, filter_b))");
}

TEST_CASE("condition names are case-sensitive and may hold dashes", "[hunt][condition]") {
  CHECK(tree("Sel2") == "Sel2");
  CHECK(tree("x-y and sel") == "and(x-y, sel)");
  const ConditionError error = error_of("sel2");
  CHECK(error.offset == 0);
  CHECK(error.what == "unknown selection 'sel2' (names are case-sensitive: 'Sel2'?)");
}

TEST_CASE("condition quantifiers expand name patterns", "[hunt][condition]") {
  CHECK(tree("1 of filter_*") == "or(filter_a, filter_b)");
  CHECK(tree("any of filter_*") == "or(filter_a, filter_b)");
  CHECK(tree("all of filter_*") == "and(filter_a, filter_b)");
  CHECK(tree("all of *_a") == "filter_a");
  CHECK(tree("1 of f*r_?") ==
        "error at 9: unexpected character '?' (a condition has selection "
        "names, and, or, not, 1 of, all of and parentheses)");
  CHECK(tree("sel and not 1 of filter*") == "and(sel, not(or(filter_a, filter_b)))");
}

TEST_CASE("condition them and patterns leave out underscore names", "[hunt][condition]") {
  CHECK(tree("1 of them") == "or(sel, filter_a, filter_b, keywords, Sel2, x-y)");
  CHECK(tree("all of them") == "and(sel, filter_a, filter_b, keywords, Sel2, x-y)");
  CHECK(tree("1 of *") == "or(sel, filter_a, filter_b, keywords, Sel2, x-y)");
  // A pattern that starts with `_` asks for them by name.
  CHECK(tree("1 of _h*") == "_helper");
  CHECK(tree("_helper") == "_helper");
  const std::vector<std::string> only_helpers = {"_a", "_b"};
  CHECK(error_of("1 of them", only_helpers).what ==
        "'them' names no selection (names starting with _ are left out)");
}

TEST_CASE("condition evaluation follows the tree", "[hunt][condition]") {
  // bits: sel=1, filter_a=2, filter_b=4
  CHECK(holds("sel and not filter_a", 0b001));
  CHECK_FALSE(holds("sel and not filter_a", 0b011));
  CHECK_FALSE(holds("sel and not filter_a", 0b000));
  CHECK(holds("sel or filter_a and filter_b", 0b001));
  CHECK(holds("sel or filter_a and filter_b", 0b110));
  CHECK_FALSE(holds("sel or filter_a and filter_b", 0b010));
  CHECK_FALSE(holds("(sel or filter_a) and filter_b", 0b001));
  CHECK(holds("(sel or filter_a) and filter_b", 0b101));
  CHECK(holds("all of filter_*", 0b110));
  CHECK_FALSE(holds("all of filter_*", 0b010));
  CHECK(holds("1 of filter_*", 0b010));
  CHECK_FALSE(holds("1 of filter_*", 0b001));
  CHECK(holds("not 1 of filter_*", 0b001));
}

TEST_CASE("condition evaluation stops at the first answer", "[hunt][condition]") {
  ConditionError error;
  const std::optional<Condition> condition = Condition::parse("sel or filter_a", kNames, error);
  REQUIRE(condition);
  std::vector<std::size_t> asked;
  CHECK(condition->evaluate([&](std::size_t i) {
    asked.push_back(i);
    return true;
  }));
  CHECK(asked == std::vector<std::size_t>{0});
}

TEST_CASE("condition errors say what and where", "[hunt][condition]") {
  CHECK(error_of("").what == "empty condition");
  CHECK(error_of("   ").what == "empty condition");
  ConditionError e = error_of("sel and nope");
  CHECK(e.offset == 8);
  CHECK(e.what == "unknown selection 'nope'");
  e = error_of("sel AND filter_a");
  CHECK(e.offset == 4);
  CHECK(e.what == "expected 'and' or 'or' before 'AND'");
  e = error_of("AND");
  CHECK(e.what == "unknown selection 'AND' (keywords are lower case)");
  e = error_of("filter_*");
  CHECK(e.what == "'filter_*' is a pattern: write '1 of filter_*' or 'all of filter_*'");
  e = error_of("2 of filter_*");
  CHECK(e.offset == 0);
  CHECK(e.what == "'2 of' is not supported: write '1 of', 'any of' or 'all of'");
  e = error_of("1 of nothing*");
  CHECK(e.offset == 5);
  CHECK(e.what == "'nothing*' matches no selection");
  e = error_of("1 of and");
  CHECK(e.what == "'1 of' needs a name pattern (such as sel*) or 'them'");
  e = error_of("all sel");
  CHECK(e.what == "expected 'of' after 'all'");
  e = error_of("(sel or filter_a");
  CHECK(e.offset == 16);
  CHECK(e.what == "missing ')'");
  e = error_of("sel)");
  CHECK(e.offset == 3);
  CHECK(e.what == "')' without its '('");
  e = error_of("sel and");
  CHECK(e.offset == 7);
  CHECK(e.what == "the condition ends too early");
  e = error_of("sel and or filter_a");
  CHECK(e.what == "expected a selection name, found 'or'");
  e = error_of("()");
  CHECK(e.what == "expected a selection name, 'not', '1 of', 'all of' or '(' before ')'");
  e = error_of("sel | count() > 5");
  CHECK(e.offset == 4);
  CHECK(e.what ==
        "aggregations ('| count() ...') are not supported: a correlation rule (event_count, "
        "value_count) counts events");
  e = error_of("sel && filter_a");
  CHECK(e.offset == 4);
}

TEST_CASE("condition nesting is bounded", "[hunt][condition]") {
  const std::string deep_ok = std::string(Condition::kMaxDepth - 1, '(') + "sel" +
                              std::string(Condition::kMaxDepth - 1, ')');
  CHECK(tree(deep_ok) == "sel");
  const std::string too_deep =
      std::string(Condition::kMaxDepth, '(') + "sel" + std::string(Condition::kMaxDepth, ')');
  CHECK(error_of(too_deep).what == "the condition nests deeper than 64 levels");
  std::string nots;
  for (int i = 0; i < Condition::kMaxDepth; ++i) nots += "not ";
  CHECK(error_of(nots + "sel").what == "the condition nests deeper than 64 levels");
}

TEST_CASE("selection names exclude keywords and punctuation", "[hunt][condition]") {
  CHECK(is_selection_name("selection_1"));
  CHECK(is_selection_name("filter-main"));
  CHECK(is_selection_name("_helper"));
  CHECK_FALSE(is_selection_name(""));
  CHECK_FALSE(is_selection_name("them"));
  CHECK_FALSE(is_selection_name("and"));
  CHECK_FALSE(is_selection_name("1"));
  CHECK_FALSE(is_selection_name("sel*"));
  CHECK_FALSE(is_selection_name("sel.a"));
  CHECK_FALSE(is_selection_name("sel a"));
}
