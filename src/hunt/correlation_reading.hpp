#pragma once
// A correlation rule's `correlation:` mapping, read before its `rules:` are resolved (the
// rules they name may come later, or from another file).
#include <vector>

#include "pkgly_trail/hunt/rule.hpp"
#include "yaml_reading.hpp"

namespace pkgly_trail::hunt {

struct UnresolvedCorrelation {
  CorrelationRule rule;                // rule_indexes still empty
  std::vector<RulePlace> rule_places;  // where each of rule.rule_names is written
  // It had errors: its references are still checked (every error in one pass), but it does
  // not join the rule set.
  bool broken = false;
};

// Fills `out.rule` but its info and rule_indexes. `generate_beside`: a `generate:` key beside
// `correlation:`, where Sigma's JSON schema puts it (pySigma reads it inside); either place
// is accepted, both only if they agree. False when it reported an error.
bool read_correlation(const MapEntry& correlation, const MapEntry* generate_beside,
                      UnresolvedCorrelation& out, DocumentReader& reader);

}  // namespace pkgly_trail::hunt
