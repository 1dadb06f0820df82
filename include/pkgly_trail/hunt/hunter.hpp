#pragma once
// The hunt stage, after the correlator. Each joined audit event is read through the field names
// of docs/hunt.md, every detection rule is tried on it, the correlation engine counts the hits,
// and alerts go to an AlertSink. The event then goes on down the chain to `next`, when there
// is one (`report` with rules: the aggregator), with the signals.
#include <cstdint>
#include <vector>

#include "pkgly_trail/correlate/joined_event.hpp"
#include "pkgly_trail/hunt/alert_sink.hpp"
#include "pkgly_trail/hunt/correlation.hpp"
#include "pkgly_trail/hunt/hunt_state.hpp"
#include "pkgly_trail/hunt/local_clock.hpp"
#include "pkgly_trail/hunt/rule.hpp"

namespace pkgly_trail::hunt {

struct HuntOptions {
  CorrelationLimits limits;
  // Alerts of rules below this level are counted, not delivered (hunt --min-level).
  RuleLevel min_level = RuleLevel::Informational;
};

struct HuntStats {
  std::uint64_t events = 0;          // joined audit events read
  std::uint64_t events_untimed = 0;  // without a usable timestamp: detections only
  std::uint64_t detection_hits = 0;  // (event, detection rule) pairs that matched
  std::uint64_t alerts = 0;          // alerts delivered
  std::uint64_t alerts_below = 0;    // alerts below --min-level: counted only
};

class Hunter final : public JoinedEventSink {
 public:
  // `state` keeps the addresses of each actor (and open windows) across runs; it is used and
  // updated in memory, and saved by its owner.
  Hunter(const RuleSet& rules, HuntOptions options, HuntState& state, AlertSink& alerts,
         JoinedEventSink* next = nullptr);
  bool on_event(const JoinedEvent& event) override;
  void on_idle() override;
  void finish() override;

  const HuntStats& stats() const noexcept { return stats_; }
  CorrelationEngine::Stats correlation_stats() const { return engine_.stats(); }
  // The windows a state file brought from the last run.
  const CorrelationEngine::RestoreStats& restored() const noexcept { return restored_; }

 private:
  bool deliver();

  const RuleSet& rules_;
  RuleLevel min_level_;
  CorrelationEngine engine_;
  HuntState& state_;
  AlertSink& alerts_;
  JoinedEventSink* next_;
  LocalClock clock_;
  std::vector<Alert> fired_;          // reused
  std::vector<std::size_t> matched_;  // the detection rules the event matched, reused
  HuntStats stats_;
  CorrelationEngine::RestoreStats restored_;
  bool stopped_ = false;
};

}  // namespace pkgly_trail::hunt
