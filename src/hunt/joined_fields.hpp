#pragma once
// Private to the hunt stage: a joined audit event as the fields a Sigma rule reads
// (docs/hunt.md, "Field names"): the audit event's, its access record's, the join's, and the
// fields hunt computes (actor_address_new, local_hour, local_weekday, suspect).
#include <fmt/format.h>

#include <optional>
#include <string_view>

#include "pkgly_trail/correlate/joined_event.hpp"
#include "pkgly_trail/hunt/local_clock.hpp"
#include "pkgly_trail/hunt/rule.hpp"

namespace pkgly_trail::hunt {

class JoinedFields final : public EventFields {
 public:
  // `at`: the event's time (µs since the epoch), when it has one. `address_new`: whether the
  // actor acts from an address never seen for it before (HuntState), when that could be told.
  JoinedFields(const JoinedEvent& event, std::optional<LocalClock::Reading> local,
               std::optional<bool> address_new) noexcept
      : event_(event), local_(local), address_new_(address_new) {}
  std::optional<Value> field(std::string_view name) const override;
  void set_address_new(std::optional<bool> address_new) noexcept { address_new_ = address_new; }

 private:
  const JoinedEvent& event_;
  std::optional<LocalClock::Reading> local_;
  std::optional<bool> address_new_;
  mutable fmt::memory_buffer scratch_;
};

}  // namespace pkgly_trail::hunt
