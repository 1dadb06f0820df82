#pragma once
// The rule set in rules/, built into the binary (cmake/embed_rules.cmake): `hunt` without
// --rules uses it, and `hunt --rules rules/` reads the same files from disk.
#include <vector>

#include "pkgly_trail/hunt/rule_loader.hpp"

namespace pkgly_trail::hunt {

// Each shipped file as {"rules/NAME.yml", its text}, sorted by name.
std::vector<RuleSource> shipped_rule_sources();

}  // namespace pkgly_trail::hunt
