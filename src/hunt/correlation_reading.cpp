#include "correlation_reading.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "timespan.hpp"

namespace pkgly_trail::hunt {
namespace {

std::optional<CorrelationType> read_type(const MapEntry& entry, DocumentReader& reader) {
  const std::optional<std::string> text = read_string(entry, reader);
  if (!text) return std::nullopt;
  if (*text == "event_count") return CorrelationType::EventCount;
  if (*text == "value_count") return CorrelationType::ValueCount;
  if (*text == "temporal") return CorrelationType::Temporal;
  if (*text == "temporal_ordered") return CorrelationType::TemporalOrdered;
  const bool known = *text == "value_sum" || *text == "value_avg" || *text == "value_percentile" ||
                     *text == "value_median";
  reader.error(entry.value_place,
               fmt::format("{} correlation type '{}' (supported: event_count, value_count, "
                           "temporal, temporal_ordered)",
                           known ? "unsupported" : "unknown", *text));
  return std::nullopt;
}

// `rules:` as written, each with its place, duplicates refused.
void read_rule_names(const MapEntry& entry, UnresolvedCorrelation& out, DocumentReader& reader) {
  std::vector<std::pair<std::string, RulePlace>> names;
  if (entry.value.IsScalar()) {
    names.emplace_back(entry.value.Scalar(), entry.value_place);
  } else if (entry.value.IsSequence() && entry.value.size() > 0) {
    for (const YAML::Node& item : entry.value) {
      if (item.IsScalar())
        names.emplace_back(item.Scalar(), reader.place(item));
      else
        reader.error(reader.place(item), "'rules' lists rule names or ids: this item is neither");
    }
  } else {
    reader.error(entry.value_place, "'rules' must name a rule, or list rules by name or id");
  }
  for (auto& [name, place] : names) {
    const auto first = std::find(out.rule.rule_names.begin(), out.rule.rule_names.end(), name);
    if (first != out.rule.rule_names.end()) {
      reader.error(place, fmt::format("rule '{}' is listed twice", name));
      continue;
    }
    out.rule.rule_names.push_back(std::move(name));
    out.rule_places.push_back(std::move(place));
  }
}

void read_group_by(const MapEntry& entry, CorrelationRule& rule, DocumentReader& reader) {
  std::optional<std::vector<std::string>> fields = read_string_list(entry, reader);
  if (!fields) return;
  for (std::size_t i = 0; i < fields->size(); ++i)
    if (std::find(fields->begin(), fields->begin() + static_cast<std::ptrdiff_t>(i),
                  (*fields)[i]) != fields->begin() + static_cast<std::ptrdiff_t>(i))
      reader.error(entry.value_place, fmt::format("'group-by' lists '{}' twice", (*fields)[i]));
  rule.group_by = std::move(*fields);
}

std::optional<Threshold::Op> threshold_op(std::string_view key) {
  if (key == "gt") return Threshold::Op::Gt;
  if (key == "gte") return Threshold::Op::Gte;
  if (key == "lt") return Threshold::Op::Lt;
  if (key == "lte") return Threshold::Op::Lte;
  if (key == "eq") return Threshold::Op::Eq;
  return std::nullopt;
}

void read_threshold(const MapEntry& entry, CorrelationRule& rule, DocumentReader& reader) {
  if (entry.value.IsScalar()) {
    reader.error(entry.value_place,
                 "an expression over rule names as 'condition' is not supported: write a "
                 "mapping with one of gt, gte, lt, lte, eq");
    return;
  }
  if (!entry.value.IsMap()) {
    reader.error(entry.value_place,
                 "'condition' must be a mapping with one of gt, gte, lt, lte, eq");
    return;
  }
  const MapEntry* comparison = nullptr;
  const MapEntry* field = nullptr;
  const std::vector<MapEntry> entries = map_entries(entry.value, reader);
  for (const MapEntry& e : entries) {
    if (e.key == "field") {
      field = &e;
    } else if (threshold_op(e.key)) {
      if (comparison != nullptr)
        reader.error(e.key_place, fmt::format("one comparison only: '{}' and '{}' together (a "
                                              "range) are not supported",
                                              comparison->key, e.key));
      else
        comparison = &e;
    } else if (e.key == "neq") {
      reader.error(e.key_place, "'neq' is not supported (supported: gt, gte, lt, lte, eq)");
    } else {
      reader.error(e.key_place, fmt::format("unknown key '{}' in a correlation's 'condition' "
                                            "(it has one of gt, gte, lt, lte, eq, and 'field' "
                                            "for value_count)",
                                            e.key));
    }
  }
  if (comparison == nullptr) {
    reader.error(entry.key_place, "'condition' needs one of gt, gte, lt, lte, eq");
  } else {
    const std::string& text = comparison->value.Scalar();
    std::int64_t value = -1;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (scalar_kind(comparison->value) != ScalarKind::Integer || ec != std::errc() ||
        end != text.data() + text.size() || value < 0)
      reader.error(comparison->value_place,
                   fmt::format("'{}' needs a whole number, 0 or more", comparison->key));
    else
      rule.condition = Threshold{*threshold_op(comparison->key), value};
  }
  if (rule.type == CorrelationType::ValueCount) {
    if (field == nullptr) {
      reader.error(entry.key_place,
                   "a value_count 'condition' needs 'field': the field whose "
                   "distinct values it counts");
    } else if (std::optional<std::string> name = read_string(*field, reader)) {
      rule.value_field = std::move(*name);
    }
  } else if (field != nullptr) {
    reader.error(field->key_place, fmt::format("'field' belongs to a value_count condition, not "
                                               "to {}",
                                               to_string(rule.type)));
  }
}

}  // namespace

bool read_correlation(const MapEntry& correlation, const MapEntry* generate_beside,
                      UnresolvedCorrelation& out, DocumentReader& reader) {
  const std::size_t errors_before = reader.error_count();
  if (!correlation.value.IsMap()) {
    reader.error(correlation.value_place, "'correlation' must be a mapping");
    return false;
  }
  CorrelationRule& rule = out.rule;
  const MapEntry* type = nullptr;
  const MapEntry* rules = nullptr;
  const MapEntry* timespan = nullptr;
  const MapEntry* condition = nullptr;
  const MapEntry* generate = nullptr;
  const std::vector<MapEntry> entries = map_entries(correlation.value, reader);
  for (const MapEntry& entry : entries) {
    if (entry.key == "type")
      type = &entry;
    else if (entry.key == "rules")
      rules = &entry;
    else if (entry.key == "timespan")
      timespan = &entry;
    else if (entry.key == "condition")
      condition = &entry;
    else if (entry.key == "generate")
      generate = &entry;
    else if (entry.key == "group-by")
      read_group_by(entry, rule, reader);
    else if (entry.key == "aliases")
      reader.error(entry.key_place,
                   "'aliases' is not supported: group by a field that the "
                   "events of every rule listed have under the same name");
    else
      reader.error(entry.key_place,
                   fmt::format("unknown key '{}' in 'correlation' (it has type, rules, "
                               "group-by, timespan, condition, generate)",
                               entry.key));
  }
  std::optional<CorrelationType> type_read;
  if (type == nullptr)
    reader.error(correlation.key_place,
                 "'correlation' has no 'type' (event_count, "
                 "value_count, temporal, temporal_ordered)");
  else
    type_read = read_type(*type, reader);
  if (type_read) rule.type = *type_read;
  if (rules == nullptr)
    reader.error(correlation.key_place, "'correlation' has no 'rules'");
  else
    read_rule_names(*rules, out, reader);
  if (timespan == nullptr) {
    reader.error(correlation.key_place, "'correlation' has no 'timespan' (such as 5m)");
  } else if (std::optional<std::string> text = read_string(*timespan, reader)) {
    std::string error;
    if (std::optional<std::int64_t> us = parse_timespan(*text, error))
      rule.timespan_us = *us;
    else
      reader.error(timespan->value_place, error);
  }
  if (type_read) {
    const bool temporal =
        rule.type == CorrelationType::Temporal || rule.type == CorrelationType::TemporalOrdered;
    if (condition != nullptr)
      read_threshold(*condition, rule, reader);
    else if (temporal)  // Sigma: every rule listed, in the time span
      rule.condition =
          Threshold{Threshold::Op::Gte, static_cast<std::int64_t>(rule.rule_names.size())};
    else
      reader.error(correlation.key_place,
                   fmt::format("{} needs a 'condition' (one of gt, gte, lt, lte, eq{})",
                               to_string(rule.type),
                               rule.type == CorrelationType::ValueCount ? ", and 'field'" : ""));
  }
  const std::optional<bool> inside = generate ? read_bool(*generate, reader) : std::nullopt;
  const std::optional<bool> beside =
      generate_beside ? read_bool(*generate_beside, reader) : std::nullopt;
  rule.generate = inside.value_or(beside.value_or(false));
  if (inside.has_value() && beside.has_value() && rule.generate != beside.value())
    reader.error(generate_beside->key_place,
                 fmt::format("'generate' is {} here but {} inside 'correlation' (line {})",
                             !rule.generate, rule.generate, generate->key_place.line));
  return reader.error_count() == errors_before;
}

}  // namespace pkgly_trail::hunt
