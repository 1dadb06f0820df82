#pragma once
// The hunt stage's rules: Sigma detection and correlation rules as loaded from YAML
// (docs/hunt.md names the supported subset). The loader (rule_loader.hpp) builds these; the
// detection (detection.hpp) and the correlation engine (correlation.hpp) read them.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pkgly_trail/record/record.hpp"

namespace pkgly_trail::hunt {

// Where a rule or a part of it was written: for errors and for alerts.
struct RulePlace {
  std::string path;  // as given (--rules), or "rules/NAME.yml" for a shipped rule
  int line = 0;      // 1-based; 0 = the file as a whole
  int column = 0;    // 1-based; 0 = unknown
};

enum class RuleLevel : std::uint8_t { Informational, Low, Medium, High, Critical };
std::string_view to_string(RuleLevel level) noexcept;

// The parts of a rule every consumer may show.
struct RuleInfo {
  std::string id;     // `id` (a UUID in SigmaHQ's rules); empty when absent
  std::string name;   // `name`: how a correlation refers to it; empty when absent
  std::string title;  // required
  std::string description;
  std::string status;
  std::string author;
  RuleLevel level = RuleLevel::Medium;
  std::vector<std::string> tags;  // as written, e.g. attack.credential_access, attack.t1110
  std::vector<std::string> falsepositives;
  std::vector<std::string> references;
  RulePlace place;  // the document's first line
};

// What a rule reads from an event: a field by the name rule authors write (docs/hunt.md).
// The returned value's text is valid until the next call on the same object.
class EventFields {
 public:
  virtual ~EventFields() = default;
  virtual std::optional<Value> field(std::string_view name) const = 0;
};

// A compiled `detection:` block (detection.hpp).
class Detection;

struct DetectionRule {
  RuleInfo info;
  std::shared_ptr<const Detection> detection;
};

enum class CorrelationType : std::uint8_t { EventCount, ValueCount, Temporal, TemporalOrdered };
std::string_view to_string(CorrelationType type) noexcept;

// `condition:` of a correlation: gt, gte, lt, lte, eq (and `field:` for value_count).
struct Threshold {
  enum class Op : std::uint8_t { Gt, Gte, Lt, Lte, Eq };
  Op op = Op::Gte;
  std::int64_t value = 1;
  bool holds(std::int64_t count) const noexcept;
};

struct CorrelationRule {
  RuleInfo info;
  CorrelationType type = CorrelationType::EventCount;
  // `rules:`, as written, and what each resolved to: an index into RuleSet::detections
  // (correlations of correlations are refused by the loader).
  std::vector<std::string> rule_names;
  std::vector<std::size_t> rule_indexes;
  std::vector<std::string> group_by;   // field names; may be empty (one group)
  std::int64_t timespan_us = 0;        // `timespan:` (s, m, h, d suffixes) in microseconds
  std::optional<Threshold> condition;  // required for event_count and value_count
  std::string value_field;             // value_count: the field whose distinct values count
  // `generate: true`: the referenced rules also raise their own alerts.
  bool generate = false;
};

struct RuleSet {
  std::vector<DetectionRule> detections;
  std::vector<CorrelationRule> correlations;
  // detections[i] raises its own alerts: not referenced by a correlation, or referenced by
  // one with `generate: true`.
  std::vector<bool> detection_alerts;
};

}  // namespace pkgly_trail::hunt
