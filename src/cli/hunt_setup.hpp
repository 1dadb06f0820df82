#pragma once
// What `hunt` and `report --hunt` share: the rules and the state file, loaded or refused with
// every reason on stderr.
#include <optional>

#include "cli/options.hpp"
#include "pkgly_trail/hunt/hunt_state.hpp"
#include "pkgly_trail/hunt/rule.hpp"

namespace pkgly_trail::cli {

// --rules PATH..., or the rules shipped in the binary; nullopt once every error is reported.
std::optional<hunt::RuleSet> load_rule_set(const Options& options);
// --state FILE, or a state in memory for this run; nullopt once the error is reported.
std::optional<hunt::HuntState> open_hunt_state(const Options& options);
// Writes the state file (nothing without one); false once the error is reported.
bool save_hunt_state(hunt::HuntState& state);

}  // namespace pkgly_trail::cli
