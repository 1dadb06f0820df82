#pragma once
// A batch of joined audit events as the writer sends it: the rows of events, access and
// related in COPY text format, the months they fall in, and their keys. Filled on the
// reading thread, sent on the writer's; reused, so a batch allocates nothing once grown.
#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <vector>

#include "pkgly_trail/correlate/joined_event.hpp"
#include "pkgly_trail/hunt/alert.hpp"
#include "pkgly_trail/sink/event_key.hpp"

namespace pkgly_trail::store {

// The columns, in the order of the COPY rows (and of the staging tables' COPY lists).
extern const std::string_view kEventCopyColumns;
extern const std::string_view kAccessCopyColumns;
extern const std::string_view kRelatedCopyColumns;
extern const std::string_view kAlertCopyColumns;

class Batch {
 public:
  explicit Batch(std::uint32_t capacity);

  // Adds the event unless an event with its key is already in this batch (then false: the
  // same event read twice, which the database would skip too).
  bool add(const JoinedEvent& event, std::string_view source_label);
  // Adds a `hunt` alert (alerts and events share the batches of one writer).
  void add(const hunt::Alert& alert, std::string_view source_label);
  void clear() noexcept;

  std::size_t events() const noexcept { return events_; }
  std::size_t alerts() const noexcept { return alerts_; }
  bool empty() const noexcept { return events_ == 0 && alerts_ == 0; }
  std::size_t duplicates() const noexcept { return duplicates_; }
  std::size_t bytes() const noexcept {
    return events_rows.size() + access_rows.size() + related_rows.size();
  }
  const std::vector<std::int64_t>& months() const noexcept { return months_; }

  std::string events_rows, access_rows, related_rows, alert_rows;

 private:
  EventKey store_key(const JoinedEvent& event, std::string_view audit_json);
  bool first_time(const EventKey& key);
  bool place(const EventKey& key);

  std::size_t events_ = 0;
  std::size_t alerts_ = 0;
  std::size_t duplicates_ = 0;
  std::vector<std::int64_t> months_;  // first days, distinct
  std::vector<EventKey> keys_;        // open addressing: an all-zero slot is empty
  fmt::memory_buffer json_, access_json_;
  std::string scratch_;
  std::string time_;
  std::string key_text_;
};

}  // namespace pkgly_trail::store
