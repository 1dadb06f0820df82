#pragma once
// The Sigma correlation rules of a RuleSet (event_count, value_count, temporal,
// temporal_ordered), counted over the detection hits the hunt stage reports, in event time.
//
// Events. The engine is given each event once, with every detection rule it matched
// (on_event), and each correlation counts an event at most once however many of its rules the
// event matched: event_count counts events, value_count the distinct values of events. An event
// matching several rules of a temporal correlation marks each of them (one event that matches
// every rule satisfies it); of a temporal_ordered one, it takes those steps one after the other
// in the order `rules:` lists them (so the result never depends on the order the rules were
// loaded in), but never two steps of one rule: a rule listed twice needs two events.
//
// Groups. A correlation counts separately for each tuple of its `group-by` values (no
// `group-by`: one group). The tuple is read from each event that matched one of the
// correlation's rules, through the same field names for every rule (Sigma's `aliases` are not
// supported): all its rules share one group space. A field the event lacks, or that is null,
// counts as the empty string.
//
// Time. Windows are in event time (the audit event's timestamp), never the wall clock. Logs
// merged from replicas are nearly in time order: an event may be up to `out_of_order_us` older
// than the newest event seen so far, and the engine holds each event that long in a reorder
// buffer and counts events in time order (ties in the order they came). The watermark is the
// newest event time seen minus `out_of_order_us`; a window is closed once the watermark has
// passed its end. So an alert comes out when an event about `out_of_order_us` newer arrives, or
// at flush() and finish(). An event older than the watermark (late) is counted in
// Stats::late_events, and is still counted where its group's window is open; where it is not
// (the window closed, slid past it, or fired after it), it is counted in Stats::events_dropped
// instead.
//
// Suspect events (`moves_clock` false: their time may be forged) are counted, but their time
// moves no clock: not the watermark, and no window is closed by it. One ahead of the clock
// (dated more than `out_of_order_us` after the newest event that moves the clock, or before
// any) waits in the reorder buffer until such events catch up with it; flush() leaves it there;
// finish(Close) counts it last; finish(Keep) drops it (Stats::events_dropped), so that a forged
// time never reaches the windows a later run goes on with.
//
// Conditions.
//  - gt and gte: the window slides. When an event makes the count in the group's last
//    `timespan` (the events no older than the group's newest event minus timespan) meet the
//    condition, one alert fires and the group's window is reset: the next alert needs a new
//    burst of events, none older than the one that fired, so a long attack gives one alert per
//    burst and not one per event after the first burst.
//  - lt, lte and eq: a count is only final when its window ends, so these are evaluated when
//    the window closes. A group's window opens with its first event and spans `timespan`
//    from it; it closes when the watermark passes its end (or an event of the group after its
//    end arrives, which opens the next one), and at finish(): an input that ends early ends its
//    windows early. Groups that never had an event have no window ("fewer than 3" never fires
//    for an actor that was not seen at all).
//  - No condition: event_count and value_count use gte 1 (the loader requires one); temporal
//    and temporal_ordered use gte <number of rules> (every rule matched).
// The count is: event_count, events that matched any of the referenced rules; value_count,
// distinct values of `field` (events without it, or with a null value, are not counted at all;
// "" is a value); temporal, positions of `rules:` with an event in the window (in any order);
// temporal_ordered, the longest run of the steps of `rules:` matched in their listed order,
// each event no older than the one before it, the first and last no more than `timespan` apart.
// Alert::suspect_events says how many of the events counted are suspect (alert.hpp).
//
// Bounds. At most `max_groups` groups are held, and at most `max_held_events` event summaries
// in them; beyond either, the least recently updated group (for windows evaluated at close:
// the oldest window) is dropped without alert (Stats::groups_evicted). A group whose window
// has closed is dropped (Stats::windows_expired) after its evaluation. The reorder buffer holds
// at most `max_held_events` (event, correlation) pairs; beyond, the earliest is counted before
// the watermark reaches it (or, a suspect one ahead of the clock, dropped:
// Stats::events_dropped). Each event costs O(log n) in its group and the reorder buffer plus
// O(number of correlation rules) to close windows: no step visits every group
// (Stats::group_visits counts the visits).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "pkgly_trail/hunt/alert.hpp"
#include "pkgly_trail/hunt/rule.hpp"

namespace pkgly_trail::hunt {

class HuntState;

struct CorrelationLimits {
  std::size_t max_groups = 100'000;
  std::size_t max_held_events = 1'000'000;
  // How much older than the newest event seen an event may be and still be counted in order.
  std::int64_t out_of_order_us = 5'000'000;
};

// What finish() does with the windows still open at the end of the input.
enum class OpenWindows : std::uint8_t {
  Close,  // evaluate them now (lt, lte, eq) and drop them: the input is all there is
  Keep,   // keep them for save_windows(): the next run goes on counting them
};

class CorrelationEngine {
 public:
  // `rules` must outlive the engine and its alerts (alerts point at its RuleInfo).
  explicit CorrelationEngine(const RuleSet& rules, CorrelationLimits limits = {});
  ~CorrelationEngine();
  CorrelationEngine(CorrelationEngine&&) noexcept;
  CorrelationEngine& operator=(CorrelationEngine&&) noexcept;

  // An event matched the detection rules rules.detections[i] for each i of `detections`, all of
  // them at once (ascending; a repeated or unknown index is ignored); `at_us` is its event time
  // (µs since the Unix epoch, UTC). The group-by and value fields are read through `fields`
  // during the call; `summary` is what alerts list of the event (copied once, shared by the
  // correlations that keep it). Each correlation counts the event at most once (see the top of
  // this file). Alerts that fire are appended to `out`. Does nothing when no correlation refers
  // to any of the rules. `moves_clock` false: a suspect event (summary.suspect not empty): it is
  // counted, but its time, which may be forged, moves no clock (see the top of this file).
  void on_event(std::span<const std::size_t> detections, std::int64_t at_us,
                const EventFields& fields, const AlertEvent& summary, std::vector<Alert>& out,
                bool moves_clock = true);
  // Counts every event still in the reorder buffer now (the input is idle and caught up), so
  // their alerts are not held back; an event arriving after that which is older than them is
  // then counted after them. Not a suspect event ahead of the clock: it keeps waiting.
  void flush(std::vector<Alert>& out);
  // End of input: counts what is in the reorder buffer (with OpenWindows::Keep, not a suspect
  // event ahead of the clock: dropped), then closes or keeps the windows still open. Alerts are
  // appended to `out`, those of windows closed here in time order.
  void finish(std::vector<Alert>& out, OpenWindows open = OpenWindows::Close);

  // Writes the open windows into `state` (HuntState::set_windows; state.save() writes the file),
  // after finish(out, OpenWindows::Keep). Each is saved with its correlation's name (id, or
  // title without an id) and definition (type, rules, group-by, timespan, condition, field).
  void save_windows(HuntState& state) const;
  struct RestoreStats {
    std::size_t restored = 0;
    std::size_t rule_changed = 0;  // its correlation is gone or defined otherwise: dropped
    std::size_t unreadable = 0;    // not a window this build wrote: dropped
  };
  // Before the first on_event: takes up the windows a previous run saved in `state`.
  RestoreStats restore_windows(const HuntState& state);

  struct Stats {
    std::size_t groups_held = 0;
    std::size_t groups_peak = 0;
    std::uint64_t groups_evicted = 0;   // dropped (without alert) to stay within the limits
    std::size_t events_held = 0;        // event summaries in the groups' windows
    std::size_t events_waiting = 0;     // in the reorder buffer
    std::uint64_t windows_expired = 0;  // groups dropped when their window closed
    std::uint64_t late_events = 0;      // events older than the watermark when they came
    // (event, correlation) pairs not counted: outside any open window, or suspect and ahead of
    // the clock when the reorder buffer was full or at finish(Keep).
    std::uint64_t events_dropped = 0;
    std::uint64_t group_visits = 0;  // groups looked up, checked or dropped: the work done
  };
  Stats stats() const noexcept;

 private:
  struct Engine;
  std::unique_ptr<Engine> engine_;
};

}  // namespace pkgly_trail::hunt
