#pragma once
// What `hunt` reports: an alert of a detection rule (one event matched it) or of a correlation
// rule (a group of events in a window met its condition). Alerts own their text: they outlive
// the events and the read buffer, and the printers (alert_sink.hpp) only read them.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "pkgly_trail/hunt/rule.hpp"

namespace pkgly_trail::hunt {

// An alert lists at most this many events and this many distinct values; the rest are counted
// (Alert::events_omitted, Alert::values_omitted), so one alert over a burst of a million events
// stays a few kilobytes.
inline constexpr std::size_t kMaxAlertEvents = 20;
inline constexpr std::size_t kMaxAlertValues = 20;

// What an alert keeps of each event that made it: where it was logged and what a person needs
// to tell it from the others.
struct AlertEvent {
  std::string input;  // file name as given, or "-" for stdin
  std::uint64_t line = 0;
  std::string timestamp;  // as logged
  std::string action;
  std::string outcome;
  std::string actor;
  std::string client_address;  // empty when the event has no access record
  std::string url_path;
  std::string suspect;  // Record::suspect: why the record may not be what Pkgly wrote; "" = none

  friend bool operator==(const AlertEvent&, const AlertEvent&) = default;
};

struct Alert {
  const RuleInfo* rule = nullptr;  // points into the RuleSet, which outlives every alert
  bool correlation = false;        // false: a detection rule's own hit (one event)
  CorrelationType type = CorrelationType::EventCount;  // when `correlation`
  // The group the correlation counted in: each `group-by` field and its value as logged (""
  // when the events lack the field), in the rule's order. Empty for a detection rule's hit.
  std::vector<std::pair<std::string, std::string>> group;
  // Event time (µs since the Unix epoch, UTC) of the first and last event counted.
  std::int64_t first_us = 0;
  std::int64_t last_us = 0;
  // event_count: events in the window; value_count: distinct values; temporal and
  // temporal_ordered: referenced rules matched (in order, for temporal_ordered); a detection
  // rule's hit: 1.
  std::int64_t count = 0;
  // value_count: the distinct values counted, oldest last occurrence first; at most
  // kMaxAlertValues, `values_omitted` counts the rest.
  std::vector<std::string> values;
  std::int64_t values_omitted = 0;
  // The events that made the alert, each once: event_count, oldest first; value_count, the last
  // event of each value, oldest first; temporal, the last event of each rule, in the order of
  // `rules:` (an event that is the last of several rules is listed at the first of them);
  // temporal_ordered, the chain in order (an event that took several steps is listed once). At
  // most kMaxAlertEvents, the first ones kept; `events_omitted` counts the rest.
  std::vector<AlertEvent> events;
  std::int64_t events_omitted = 0;
  // How many of the events the alert counted are suspect (AlertEvent::suspect not empty),
  // listed or not: event_count, of the events in the window; value_count, of the events the
  // values are counted by (the last event of each value, as listed); temporal and
  // temporal_ordered, of the distinct events used (as listed); a detection rule's hit, 1 when
  // its event is suspect. Not 0: the alert may rest on forged records.
  std::int64_t suspect_events = 0;
};

}  // namespace pkgly_trail::hunt
