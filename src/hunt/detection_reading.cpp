#include "detection_reading.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "detection_parts.hpp"

namespace pkgly_trail::hunt {
namespace {

enum class Match : std::uint8_t {
  Equals,
  Contains,
  StartsWith,
  EndsWith,
  Regex,
  Cidr,
  Exists,
  Gt,
  Gte,
  Lt,
  Lte
};

struct MatchModifier {
  std::string_view name;
  Match match;
};

constexpr std::array<MatchModifier, 10> kMatchModifiers = {{{"contains", Match::Contains},
                                                            {"startswith", Match::StartsWith},
                                                            {"endswith", Match::EndsWith},
                                                            {"re", Match::Regex},
                                                            {"cidr", Match::Cidr},
                                                            {"exists", Match::Exists},
                                                            {"gt", Match::Gt},
                                                            {"gte", Match::Gte},
                                                            {"lt", Match::Lt},
                                                            {"lte", Match::Lte}}};

// Sigma modifiers this tool knows and refuses: encodings and Windows command-line forms that
// audit events never carry, `neq` and `fieldref` whose meaning on an absent field differs
// between Sigma's backends, placeholders and date parts.
constexpr std::array<std::string_view, 16> kUnsupportedModifiers = {
    "windash",  "base64", "base64offset", "utf16le", "utf16be", "utf16", "wide",  "neq",
    "fieldref", "expand", "minute",       "hour",    "day",     "week",  "month", "year"};

constexpr std::string_view kSupported =
    "supported: contains, startswith, endswith, all, cased, re (and its i, m, s), cidr, exists, "
    "gt, gte, lt, lte";

constexpr std::string_view kKeywordSelection =
    "keyword selections are not supported: name a field, as in 'action|contains: ...' (this "
    "tool has no search over a raw message)";

struct Modifiers {
  Match match = Match::Equals;
  std::string_view match_name;  // as written; empty for Equals
  bool all = false;
  bool cased = false;
  std::string regex_flags;  // of i, m, s
};

template <typename Range>
bool contains(const Range& range, std::string_view word) {
  return std::find(range.begin(), range.end(), word) != range.end();
}

std::optional<Modifiers> read_modifiers(const std::vector<std::string_view>& names,
                                        const RulePlace& place, DocumentReader& reader) {
  const std::size_t errors_before = reader.error_count();
  Modifiers m;
  std::vector<std::string_view> seen;
  for (const std::string_view name : names) {
    if (contains(seen, name)) {
      reader.error(place, fmt::format("modifier '{}' is written twice", name));
      continue;
    }
    seen.push_back(name);
    const auto match = std::find_if(kMatchModifiers.begin(), kMatchModifiers.end(),
                                    [&](const MatchModifier& k) { return k.name == name; });
    if (name == "all") {
      m.all = true;
    } else if (name == "cased") {
      m.cased = true;
    } else if (name == "i" || name == "m" || name == "s") {
      m.regex_flags += name;
    } else if (match != kMatchModifiers.end()) {
      if (m.match != Match::Equals) {
        reader.error(place,
                     fmt::format("modifiers '{}' and '{}' do not combine", m.match_name, name));
        continue;
      }
      m.match = match->match;
      m.match_name = match->name;
    } else if (contains(kUnsupportedModifiers, name)) {
      reader.error(place, fmt::format("modifier '{}' is not supported ({})", name, kSupported));
    } else if (name.empty()) {
      reader.error(place, "empty modifier: a '|' at the end, or two in a row");
    } else {
      reader.error(place, fmt::format("unknown modifier '{}' ({})", name, kSupported));
    }
  }
  if (!m.regex_flags.empty() && m.match != Match::Regex)
    reader.error(place, fmt::format("'{}' is a flag of 're': write FIELD|re|{}",
                                    m.regex_flags.substr(0, 1), m.regex_flags.substr(0, 1)));
  if (m.cased && m.match == Match::Regex)
    reader.error(place,
                 "'cased' does not combine with 're': a regular expression is case-sensitive "
                 "already (re|i makes it insensitive)");
  else if (m.cased && m.match != Match::Equals && m.match != Match::Contains &&
           m.match != Match::StartsWith && m.match != Match::EndsWith)
    reader.error(place, fmt::format("'cased' does not apply to '{}'", m.match_name));
  if (m.all && m.match == Match::Exists)
    reader.error(place, "'all' does not combine with 'exists'");
  if (reader.error_count() != errors_before) return std::nullopt;
  return m;
}

std::optional<ValueMatch> compile_value(const Modifiers& m, const YAML::Node& node,
                                        const RulePlace& place, DocumentReader& reader) {
  const ScalarKind kind = scalar_kind(node);
  const std::string text = kind == ScalarKind::Null ? std::string() : node.Scalar();
  if (kind == ScalarKind::Null && m.match != Match::Equals) {
    reader.error(place, fmt::format("null takes no '{}': write FIELD: null for an absent field, "
                                    "or FIELD|exists: false",
                                    m.match_name));
    return std::nullopt;
  }
  switch (m.match) {
    case Match::Equals:
      if (kind == ScalarKind::Null) return ValueMatch::null();
      if (kind == ScalarKind::Integer || kind == ScalarKind::Float)
        if (const std::optional<Number> number = parse_number(text))
          return ValueMatch::number(*number, text);
      if (kind == ScalarKind::String)
        return ValueMatch::text(WildcardPattern::from_sigma(text, m.cased));
      return ValueMatch::text(WildcardPattern::literal(text, m.cased));
    case Match::Contains:
    case Match::StartsWith:
    case Match::EndsWith: {
      WildcardPattern pattern = WildcardPattern::from_sigma(text, m.cased);
      if (m.match != Match::StartsWith) pattern.star_before();
      if (m.match != Match::EndsWith) pattern.star_after();
      return ValueMatch::text(std::move(pattern));
    }
    case Match::Regex: {
      const std::string pattern =
          m.regex_flags.empty() ? text : fmt::format("(?{}){}", m.regex_flags, text);
      RE2::Options options;
      options.set_log_errors(false);
      auto regex = std::make_unique<const RE2>(pattern, options);
      if (!regex->ok()) {
        reader.error(place,
                     fmt::format("invalid regular expression '{}': {}", text, regex->error()));
        return std::nullopt;
      }
      return ValueMatch::regex(std::move(regex));
    }
    case Match::Cidr: {
      std::string error;
      if (const std::optional<IpNetwork> network = parse_ip_network(text, error))
        return ValueMatch::network(*network);
      reader.error(place, fmt::format("invalid CIDR network: {}", error));
      return std::nullopt;
    }
    case Match::Exists:
      if (kind == ScalarKind::Bool)
        return ValueMatch::exists(text.front() == 't' || text.front() == 'T');
      reader.error(place, "'exists' takes true or false");
      return std::nullopt;
    case Match::Gt:
    case Match::Gte:
    case Match::Lt:
    case Match::Lte: {
      const std::optional<Number> bound =
          kind == ScalarKind::Bool ? std::nullopt : parse_number(text);
      if (!bound) {
        reader.error(place, fmt::format("'{}' needs a number, not '{}'", m.match_name, text));
        return std::nullopt;
      }
      const ValueMatch::Compare op = m.match == Match::Gt    ? ValueMatch::Compare::Gt
                                     : m.match == Match::Gte ? ValueMatch::Compare::Gte
                                     : m.match == Match::Lt  ? ValueMatch::Compare::Lt
                                                             : ValueMatch::Compare::Lte;
      return ValueMatch::comparison(op, *bound);
    }
  }
  return std::nullopt;
}

std::vector<std::string_view> split_key(std::string_view key) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t bar = key.find('|', start);
    parts.push_back(key.substr(start, bar == std::string_view::npos ? bar : bar - start));
    if (bar == std::string_view::npos) return parts;
    start = bar + 1;
  }
}

void read_field_test(const MapEntry& entry, std::vector<FieldTest>& tests,
                     std::vector<std::string>& field_names, DocumentReader& reader) {
  const std::size_t errors_before = reader.error_count();
  const std::vector<std::string_view> parts = split_key(entry.key);
  if (parts.front().empty()) {
    reader.error(entry.key_place, std::string(kKeywordSelection));
    return;
  }
  const std::optional<Modifiers> modifiers =
      read_modifiers({parts.begin() + 1, parts.end()}, entry.key_place, reader);

  std::vector<std::pair<YAML::Node, RulePlace>> values;
  if (entry.value.IsMap()) {
    reader.error(entry.value_place, fmt::format("'{}' must be a value or a list of values, not "
                                                "a mapping",
                                                entry.key));
  } else if (entry.value.IsSequence()) {
    if (entry.value.size() == 0)
      reader.error(entry.value_place, fmt::format("'{}' has an empty list of values", entry.key));
    for (const YAML::Node& item : entry.value) {
      if (item.IsMap() || item.IsSequence())
        reader.error(reader.place(item),
                     "a list of values holds plain values, not lists or "
                     "mappings");
      else
        values.emplace_back(item, reader.place(item));
    }
  } else {
    values.emplace_back(entry.value, entry.value_place);
  }
  if (!modifiers) return;
  if (modifiers->all && entry.value.IsSequence() && entry.value.size() < 2)
    reader.error(entry.key_place, "'all' needs a list of two values or more");
  else if (modifiers->all && !entry.value.IsSequence())
    reader.error(entry.key_place, "'all' needs a list of values, not a single one");
  if (modifiers->match == Match::Exists && entry.value.IsSequence())
    reader.error(entry.value_place, "'exists' takes one value: true or false");

  FieldTest test;
  test.field = std::string(parts.front());
  test.all = modifiers->all;
  for (const auto& [node, place] : values)
    if (std::optional<ValueMatch> match = compile_value(*modifiers, node, place, reader))
      test.values.push_back(std::move(*match));
  if (reader.error_count() != errors_before) return;
  if (!contains(field_names, test.field)) field_names.push_back(test.field);
  tests.push_back(std::move(test));
}

void read_field_map(const YAML::Node& map, const RulePlace& place, Selection& selection,
                    std::vector<std::string>& field_names, DocumentReader& reader) {
  const std::vector<MapEntry> entries = map_entries(map, reader);
  if (map.size() == 0)
    reader.error(place,
                 fmt::format("selection '{}' has an empty mapping: name a field", selection.name));
  std::vector<FieldTest> tests;
  for (const MapEntry& entry : entries) read_field_test(entry, tests, field_names, reader);
  selection.alternatives.push_back(std::move(tests));
}

void read_selection(const MapEntry& entry, Selection& selection,
                    std::vector<std::string>& field_names, DocumentReader& reader) {
  const YAML::Node& value = entry.value;
  if (value.IsMap()) {
    read_field_map(value, entry.value_place, selection, field_names, reader);
  } else if (value.IsSequence()) {
    if (value.size() == 0)
      reader.error(entry.value_place, fmt::format("selection '{}' is an empty list", entry.key));
    for (const YAML::Node& item : value) {
      if (item.IsMap())
        read_field_map(item, reader.place(item), selection, field_names, reader);
      else if (item.IsSequence())
        reader.error(reader.place(item), "a selection's list holds mappings of fields, not lists");
      else
        reader.error(reader.place(item), std::string(kKeywordSelection));
    }
  } else if (value.IsNull()) {
    reader.error(entry.value_place, fmt::format("selection '{}' is empty", entry.key));
  } else {
    reader.error(entry.value_place, std::string(kKeywordSelection));
  }
}

void read_conditions(const MapEntry& entry, const std::vector<std::string>& names,
                     std::vector<Condition>& conditions, DocumentReader& reader) {
  std::vector<YAML::Node> texts;
  if (entry.value.IsScalar()) {
    texts.push_back(entry.value);
  } else if (entry.value.IsSequence() && entry.value.size() > 0) {
    for (const YAML::Node& item : entry.value) {
      if (item.IsScalar())
        texts.push_back(item);
      else
        reader.error(reader.place(item), "a list of conditions holds strings");
    }
  } else {
    reader.error(entry.value_place, "'condition' must be a string, or a list of strings");
  }
  for (const YAML::Node& text : texts) {
    ConditionError error;
    if (std::optional<Condition> condition = Condition::parse(text.Scalar(), names, error))
      conditions.push_back(std::move(*condition));
    else
      reader.error(reader.place_in(text, error.offset), error.what);
  }
}

}  // namespace

std::shared_ptr<const Detection> read_detection(const MapEntry& detection, DocumentReader& reader) {
  if (!detection.value.IsMap()) {
    reader.error(detection.value_place,
                 "'detection' must be a mapping of selections and a 'condition'");
    return nullptr;
  }
  const std::size_t errors_before = reader.error_count();
  auto parts = std::make_unique<Detection::Parts>();
  std::vector<std::string> names;
  const MapEntry* condition = nullptr;
  bool any_selection = false;
  const std::vector<MapEntry> entries = map_entries(detection.value, reader);
  for (const MapEntry& entry : entries) {
    if (entry.key == "condition") {
      condition = &entry;
      continue;
    }
    any_selection = true;
    if (entry.key == "timeframe") {
      reader.error(entry.key_place,
                   "'timeframe' (Sigma's old aggregation window) is not supported: a correlation "
                   "rule's 'timespan' says it");
      continue;
    }
    if (!is_selection_name(entry.key)) {
      reader.error(entry.key_place,
                   fmt::format("'{}' cannot name a selection: use letters, digits, _ and -, and "
                               "no keyword (and, or, not, of, them, all, any, 1)",
                               entry.key));
      continue;
    }
    Selection selection;
    selection.name = entry.key;
    read_selection(entry, selection, parts->field_names, reader);
    names.push_back(entry.key);
    parts->selections.push_back(std::move(selection));
  }
  // Without selections the condition is not read: each name in it would be one more error.
  if (!any_selection)
    reader.error(detection.key_place, "'detection' has no selection");
  else if (condition == nullptr)
    reader.error(detection.key_place, "'detection' has no 'condition'");
  else
    read_conditions(*condition, names, parts->conditions, reader);
  if (reader.error_count() != errors_before) return nullptr;
  return std::make_shared<const Detection>(std::move(parts));
}

}  // namespace pkgly_trail::hunt
