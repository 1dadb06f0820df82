#include "rule_document.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "detection_reading.hpp"

namespace pkgly_trail::hunt {
namespace {

constexpr std::string_view kInfoKeys =
    "title, id, name, status, description, author, date, modified, references, tags, "
    "falsepositives, level, license, related";

std::optional<RuleLevel> parse_rule_level(std::string_view text) {
  if (text == "informational") return RuleLevel::Informational;
  if (text == "low") return RuleLevel::Low;
  if (text == "medium") return RuleLevel::Medium;
  if (text == "high") return RuleLevel::High;
  if (text == "critical") return RuleLevel::Critical;
  return std::nullopt;
}

void read_into(const MapEntry& entry, std::string& out, DocumentReader& reader) {
  if (std::optional<std::string> text = read_string(entry, reader)) out = std::move(*text);
}

void read_into(const MapEntry& entry, std::vector<std::string>& out, DocumentReader& reader) {
  if (std::optional<std::vector<std::string>> list = read_string_list(entry, reader))
    out = std::move(*list);
}

// The metadata every rule may have; false when `entry` is none of it.
bool read_info_entry(const MapEntry& entry, RuleInfo& info, DocumentReader& reader) {
  const std::string& key = entry.key;
  std::string ignored;  // date, modified, license: accepted, checked, not kept
  if (key == "title") {
    read_into(entry, info.title, reader);
    if (entry.value.IsScalar() && info.title.empty())
      reader.error(entry.value_place, "'title' is empty");
  } else if (key == "id") {
    read_into(entry, info.id, reader);
  } else if (key == "name") {
    read_into(entry, info.name, reader);
  } else if (key == "status") {
    read_into(entry, info.status, reader);
  } else if (key == "description") {
    read_into(entry, info.description, reader);
  } else if (key == "author") {
    read_into(entry, info.author, reader);
  } else if (key == "date" || key == "modified" || key == "license") {
    read_into(entry, ignored, reader);
  } else if (key == "references") {
    read_into(entry, info.references, reader);
  } else if (key == "tags") {
    read_into(entry, info.tags, reader);
  } else if (key == "falsepositives") {
    read_into(entry, info.falsepositives, reader);
  } else if (key == "level") {
    const std::optional<std::string> text = read_string(entry, reader);
    const std::optional<RuleLevel> level = text ? parse_rule_level(*text) : std::nullopt;
    if (level)
      info.level = *level;
    else if (text)
      reader.error(entry.value_place, fmt::format("level '{}' is none of informational, low, "
                                                  "medium, high, critical",
                                                  *text));
  } else if (key == "related") {
    if (!entry.value.IsSequence())
      reader.error(entry.value_place, "'related' must be a list (of id: and type:)");
  } else {
    return false;
  }
  return true;
}

void read_logsource(const MapEntry& logsource, DocumentReader& reader) {
  if (!logsource.value.IsMap()) {
    reader.error(logsource.value_place,
                 "'logsource' must be a mapping: product: pkgly, service: audit");
    return;
  }
  bool product = false;
  bool service = false;
  for (const MapEntry& entry : map_entries(logsource.value, reader)) {
    if (entry.key == "product" || entry.key == "service") {
      const std::string_view want = entry.key == "product" ? "pkgly" : "audit";
      (entry.key == "product" ? product : service) = true;
      const std::optional<std::string> text = read_string(entry, reader);
      if (text && *text != want)
        reader.error(entry.value_place,
                     fmt::format("{} '{}': this tool reads Pkgly audit events, {}: {}", entry.key,
                                 *text, entry.key, want));
    } else if (entry.key == "definition") {
      std::string ignored;
      read_into(entry, ignored, reader);
    } else if (entry.key == "category") {
      reader.error(entry.key_place,
                   "'category' is not used: a rule for Pkgly audit events has "
                   "product: pkgly and service: audit");
    } else {
      reader.error(entry.key_place,
                   fmt::format("unknown key '{}' in 'logsource' (it has product: pkgly, service: "
                               "audit, and may have definition)",
                               entry.key));
    }
  }
  if (!product) reader.error(logsource.key_place, "'logsource' has no 'product' (pkgly)");
  if (!service) reader.error(logsource.key_place, "'logsource' has no 'service' (audit)");
}

}  // namespace

void read_rule_document(const YAML::Node& document, DocumentReader& reader, DocumentRules& rules) {
  const std::size_t errors_before = reader.error_count();
  RuleInfo info;
  info.place = reader.place(document);
  if (!document.IsMap()) {
    reader.error(info.place, "a rule must be a YAML mapping (title:, logsource:, detection: ...)");
    return;
  }
  const std::vector<MapEntry> entries = map_entries(document, reader);
  const bool correlation_rule = std::any_of(
      entries.begin(), entries.end(), [](const MapEntry& e) { return e.key == "correlation"; });
  const MapEntry* title = nullptr;
  const MapEntry* logsource = nullptr;
  const MapEntry* detection = nullptr;
  const MapEntry* correlation = nullptr;
  const MapEntry* generate = nullptr;
  for (const MapEntry& entry : entries) {
    if (entry.key == "title") title = &entry;
    if (read_info_entry(entry, info, reader)) continue;
    const std::string& key = entry.key;
    if (key == "logsource" || key == "detection" || key == "fields") {
      if (correlation_rule) {
        reader.error(entry.key_place, fmt::format("a correlation rule has no '{}': the rules it "
                                                  "lists have",
                                                  key));
      } else if (key == "logsource") {
        logsource = &entry;
      } else if (key == "detection") {
        detection = &entry;
      } else {
        std::vector<std::string> ignored;  // `fields`: what a SIEM would show; checked only
        read_into(entry, ignored, reader);
      }
    } else if (key == "correlation") {
      correlation = &entry;
    } else if (key == "generate") {
      if (correlation_rule)
        generate = &entry;
      else
        reader.error(entry.key_place, "'generate' belongs to a correlation rule");
    } else if (key == "action") {
      reader.error(entry.key_place,
                   "'action' (Sigma's rule collections) is not supported: "
                   "write every rule whole, one per document");
    } else {
      reader.error(entry.key_place,
                   correlation_rule
                       ? fmt::format("unknown key '{}' (a correlation rule has {}, correlation, "
                                     "generate)",
                                     key, kInfoKeys)
                       : fmt::format("unknown key '{}' (a detection rule has {}, logsource, "
                                     "detection, fields)",
                                     key, kInfoKeys));
    }
  }
  if (title == nullptr) reader.error(info.place, "the rule has no 'title'");

  if (correlation_rule) {
    UnresolvedCorrelation read;
    read_correlation(*correlation, generate, read, reader);
    read.broken = reader.error_count() != errors_before;
    read.rule.info = info;
    rules.correlations.push_back(std::move(read));
    if (!rules.correlations.back().broken) return;
  } else {
    if (logsource == nullptr)
      reader.error(info.place, "the rule has no 'logsource' (product: pkgly, service: audit)");
    else
      read_logsource(*logsource, reader);
    std::shared_ptr<const Detection> compiled;
    if (detection == nullptr)
      reader.error(info.place, "the rule has no 'detection' (nor 'correlation')");
    else
      compiled = read_detection(*detection, reader);
    if (reader.error_count() == errors_before) {
      rules.detections.push_back({std::move(info), std::move(compiled)});
      return;
    }
  }
  if (!info.name.empty()) rules.broken_references.push_back(info.name);
  if (!info.id.empty()) rules.broken_references.push_back(info.id);
}

}  // namespace pkgly_trail::hunt
