#include "cli/hunt_setup.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <cstdlib>

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

void warn_unknown_time_zone() {
  const char* tz = std::getenv("TZ");
  if (tz == nullptr || *tz == '\0') return;
  std::string name = tz[0] == ':' ? tz + 1 : tz;
  // A POSIX rule (EST5EDT, UTC0) holds a digit; a name is a file of the zone database.
  if (name.find_first_of("0123456789") != std::string::npos && name.find('/') == std::string::npos)
    return;
  const char* dir = std::getenv("TZDIR");
  const std::string path =
      name.starts_with('/') ? name : std::string(dir ? dir : "/usr/share/zoneinfo") + "/" + name;
  if (::access(path.c_str(), R_OK) == 0) return;
  report_warning(fmt::format(
      "TZ '{}' names no time zone known here ({} is missing): local_hour and local_weekday are "
      "in UTC",
      tz, path));
}

void warn_uncounted_hits(const hunt::Hunter& hunter) {
  const hunt::CorrelationEngine::Stats stats = hunter.correlation_stats();
  if (stats.events_dropped == 0) return;
  report_warning(fmt::format(
      "{} rule hit(s) came more than 5 s of event time after newer ones and found their "
      "correlation window closed: not counted (replicas out of step, an input not in time "
      "order, or a forged time; --stats)",
      stats.events_dropped));
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
