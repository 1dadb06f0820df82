#pragma once
// What `hunt` and `report --hunt` share: the rules and the state file, loaded or refused with
// every reason on stderr.
#include <optional>

#include "cli/options.hpp"
#include "pkgly_trail/hunt/hunt_state.hpp"
#include "pkgly_trail/hunt/hunter.hpp"
#include "pkgly_trail/hunt/rule.hpp"

namespace pkgly_trail::cli {

// --rules PATH..., or the rules shipped in the binary; nullopt once every error is reported.
std::optional<hunt::RuleSet> load_rule_set(const Options& options);
// --state FILE, or a state in memory for this run; nullopt once the error is reported.
std::optional<hunt::HuntState> open_hunt_state(const Options& options);
// Writes the state file (nothing without one); false once the error is reported.
bool save_hunt_state(hunt::HuntState& state);
// local_hour and local_weekday read the time zone of TZ; the C library falls back to UTC,
// silently, for a name it does not know (TZ=Europe/Nowhere): said on stderr.
void warn_unknown_time_zone();
// Rule hits a correlation could not count (too late for their window): said on stderr, as
// they may hide an attack.
void warn_uncounted_hits(const hunt::Hunter& hunter);

}  // namespace pkgly_trail::cli
