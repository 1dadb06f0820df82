#pragma once
// One YAML document of a rule file: a detection rule or a correlation rule.
#include <string>
#include <vector>

#include "correlation_reading.hpp"
#include "pkgly_trail/hunt/rule.hpp"
#include "yaml_reading.hpp"

namespace pkgly_trail::hunt {

struct DocumentRules {
  std::vector<DetectionRule> detections;
  std::vector<UnresolvedCorrelation> correlations;
  // The names and ids of the rules that had errors: a correlation naming one of them is not
  // reported once more as naming an unknown rule.
  std::vector<std::string> broken_references;
};

// Reads `document` (a mapping) into `rules`, and reports every error. A detection rule with an
// error is left out; a correlation rule with one is kept, marked broken, for its references
// to be checked.
void read_rule_document(const YAML::Node& document, DocumentReader& reader, DocumentRules& rules);

}  // namespace pkgly_trail::hunt
