#include "pkgly_trail/hunt/detection.hpp"

#include <algorithm>

#include "detection_parts.hpp"

namespace pkgly_trail::hunt {

Detection::Detection(std::unique_ptr<const Parts> parts) noexcept : parts_(std::move(parts)) {}
Detection::~Detection() = default;
Detection::Detection(Detection&&) noexcept = default;
Detection& Detection::operator=(Detection&&) noexcept = default;

bool Detection::matches(const EventFields& event) const {
  const auto selection_matches = [&](std::size_t index) {
    return parts_->selections[index].matches(event);
  };
  return std::any_of(parts_->conditions.begin(), parts_->conditions.end(),
                     [&](const Condition& c) { return c.evaluate(selection_matches); });
}

const std::vector<std::string>& Detection::field_names() const noexcept {
  return parts_->field_names;
}

}  // namespace pkgly_trail::hunt
