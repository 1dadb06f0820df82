#pragma once
// Private to the hunt stage: what one correlation group holds of the events in its window, one
// kind per correlation type. The engine (correlation.cpp) decides which events reach a window
// and when it slides, fires, closes or expires; a window only keeps, counts and describes.
//
// Memory: an event's summary is shared (EventRef) by every window that holds it. A window stays
// small on its own terms: event_count holds the events of its timespan (a sliding window is
// reset when it fires, so at most the threshold of them), or only the first kMaxAlertEvents of a
// window evaluated at close (they never slide out); value_count one event per distinct value;
// temporal one per referenced rule; temporal_ordered one chain per referenced rule.
//
// Each window is given an event once (WindowHit), with every position of the correlation's
// `rules:` that the event matched, and counts it once: the engine never adds the same event
// twice to one window.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "byte_codec.hpp"
#include "pkgly_trail/hunt/alert.hpp"

namespace pkgly_trail::hunt {

using EventRef = std::shared_ptr<const AlertEvent>;

struct Hit {
  std::int64_t at_us = 0;
  EventRef event;
};

// An event as a window is given it.
struct WindowHit {
  std::int64_t at_us = 0;
  // The positions in the correlation's `rules:` of every rule the event matched, ascending,
  // each once (a rule listed twice has two positions).
  std::span<const std::uint32_t> positions;
  // For each position of `rules:`, the first position listing the same rule (itself, unless the
  // rule is listed twice): temporal_ordered lets one event take several steps, but never two
  // steps of one rule. Empty: every position lists another rule.
  std::span<const std::uint32_t> first_listing;
  std::string_view value;  // value_count: the value of `field`
  EventRef event;
};

inline bool is_suspect(const EventRef& event) noexcept {
  return event && !event->suspect.empty();
}

// event_count: the events, oldest first.
struct EventCountHits {
  std::deque<Hit> hits;
  bool capped = false;                // keep only the first kMaxAlertEvents, count the rest
  std::int64_t beyond = 0;            // capped: events counted, not kept
  std::int64_t beyond_newest_us = 0;  // capped: the newest of those
  std::int64_t suspect = 0;           // events counted (kept or beyond) that are suspect
};

// value_count: the last event of each distinct value, and the values by its time.
struct ValueCountHits {
  struct ByTime {
    std::int64_t at_us;
    const std::string* value;  // the key in `last`
    bool operator<(const ByTime& other) const noexcept {
      return at_us != other.at_us ? at_us < other.at_us : *value < *other.value;
    }
  };
  std::unordered_map<std::string, Hit> last;
  std::set<ByTime> by_time;
  std::int64_t suspect = 0;  // values whose last event is suspect
};

// temporal: the last event of each referenced rule.
struct TemporalHits {
  std::vector<std::optional<Hit>> last;
};

// temporal_ordered: chains[k], the chain of events matching rules 0..k in order whose first
// event is the latest possible (more room in the timespan for what follows), and among those the
// one whose last event is the earliest (more room for the next link).
struct OrderedChains {
  struct Chain {
    std::int64_t start_us = 0;
    std::int64_t end_us = 0;
    // One per step (k + 1 of them): an event that took several steps is there several times,
    // one after the other.
    std::vector<EventRef> events;
  };
  std::vector<std::optional<Chain>> chains;
  std::int64_t timespan_us = 0;
};

class CorrelationWindow {
 public:
  // `sliding`: the window slides (its oldest events drop out) and keeps every event; otherwise
  // it is evaluated once when it closes and never loses an event, and event_count keeps only
  // the first kMaxAlertEvents summaries.
  CorrelationWindow(CorrelationType type, std::size_t rules, std::int64_t timespan_us,
                    bool sliding);
  // Moved, never copied: value_count's index points into its own map.
  CorrelationWindow(CorrelationWindow&&) noexcept = default;
  CorrelationWindow& operator=(CorrelationWindow&&) noexcept = default;
  CorrelationWindow(const CorrelationWindow&) = delete;
  CorrelationWindow& operator=(const CorrelationWindow&) = delete;

  void add(const WindowHit& hit);
  // Drops what is older than `from_us` (a sliding window, as event time moves on).
  void drop_before(std::int64_t from_us);
  void clear() noexcept;
  // The number the correlation's condition is tested on: events (event_count), distinct values
  // (value_count), referenced rules matched (temporal), rules matched in order (the longest
  // chain, temporal_ordered).
  std::int64_t count() const noexcept;
  // Event summaries held: what the engine's max_held_events bounds.
  std::size_t held() const noexcept;
  // Fills count, first_us, last_us, values, events, suspect_events and what was omitted.
  void describe(Alert& alert) const;

  void encode(ByteWriter& out) const;
  // Reads what encode() wrote for a window of the same type and rules; false when it is not.
  bool decode(ByteReader& in);

 private:
  std::variant<EventCountHits, ValueCountHits, TemporalHits, OrderedChains> hits_;
};

}  // namespace pkgly_trail::hunt
