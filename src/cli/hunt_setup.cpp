#include "cli/hunt_setup.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/report_error.hpp"
#include "pkgly_trail/hunt/rule_loader.hpp"
#include "pkgly_trail/hunt/shipped_rules.hpp"

namespace pkgly_trail::cli {

std::optional<hunt::RuleSet> load_rule_set(const Options& options) {
  try {
    std::vector<hunt::RuleSource> sources = options.rules.empty()
                                                ? hunt::shipped_rule_sources()
                                                : hunt::read_rule_sources(options.rules);
    if (sources.empty()) {
      report_error(
          fmt::format("no rule file (*.yml, *.yaml) in {}", fmt::join(options.rules, ", ")));
      return std::nullopt;
    }
    return hunt::load_rules(sources);
  } catch (const hunt::RuleLoadError& e) {
    for (const hunt::RuleError& error : e.errors) report_error(error.text());
    report_note(
        fmt::format("{} error(s) in the rules: nothing was hunted (docs/hunt.md lists "
                    "the Sigma that pkgly-trail reads)",
                    e.errors.size()));
    return std::nullopt;
  }
}

std::optional<hunt::HuntState> open_hunt_state(const Options& options) {
  std::optional<hunt::HuntState> state;
  try {
    if (options.hunt_state.empty()) {
      state.emplace();
    } else {
      state.emplace(options.hunt_state);
    }
  } catch (const hunt::HuntStateError& e) {
    report_error(e.what());
    state.reset();
  }
  return state;
}

bool save_hunt_state(hunt::HuntState& state) {
  try {
    state.save();
    return true;
  } catch (const hunt::HuntStateError& e) {
    report_error(e.what());
    return false;
  }
}

}  // namespace pkgly_trail::cli
