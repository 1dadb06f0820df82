#include "pkgly_trail/hunt/rule.hpp"

namespace pkgly_trail::hunt {

std::string_view to_string(RuleLevel level) noexcept {
  switch (level) {
    case RuleLevel::Informational:
      return "informational";
    case RuleLevel::Low:
      return "low";
    case RuleLevel::Medium:
      return "medium";
    case RuleLevel::High:
      return "high";
    case RuleLevel::Critical:
      return "critical";
  }
  return "medium";
}

std::string_view to_string(CorrelationType type) noexcept {
  switch (type) {
    case CorrelationType::EventCount:
      return "event_count";
    case CorrelationType::ValueCount:
      return "value_count";
    case CorrelationType::Temporal:
      return "temporal";
    case CorrelationType::TemporalOrdered:
      return "temporal_ordered";
  }
  return "event_count";
}

bool Threshold::holds(std::int64_t count) const noexcept {
  switch (op) {
    case Op::Gt:
      return count > value;
    case Op::Gte:
      return count >= value;
    case Op::Lt:
      return count < value;
    case Op::Lte:
      return count <= value;
    case Op::Eq:
      return count == value;
  }
  return false;
}

}  // namespace pkgly_trail::hunt
