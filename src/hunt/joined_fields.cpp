#include "joined_fields.hpp"

#include "pkgly_trail/sink/joined_sink.hpp"

namespace pkgly_trail::hunt {

namespace {

constexpr std::string_view kHours[] = {"0",  "1",  "2",  "3",  "4",  "5",  "6",  "7",
                                       "8",  "9",  "10", "11", "12", "13", "14", "15",
                                       "16", "17", "18", "19", "20", "21", "22", "23"};

}  // namespace

std::optional<Value> JoinedFields::field(std::string_view name) const {
  if (name == "actor_address_new") {
    if (!address_new_) return std::nullopt;
    return Value::boolean(*address_new_);
  }
  if (name == "local_hour") {
    if (!local_) return std::nullopt;
    return Value::integer(kHours[local_->hour]);
  }
  if (name == "local_weekday") {
    if (!local_) return std::nullopt;
    return Value::string(local_->weekday);
  }
  if (name == "suspect") {
    if (event_.audit.suspect.empty()) return std::nullopt;
    return Value::string(event_.audit.suspect);
  }
  scratch_.clear();
  return lookup_joined(event_, name, scratch_);
}

}  // namespace pkgly_trail::hunt
