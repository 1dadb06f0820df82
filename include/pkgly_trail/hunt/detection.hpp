#pragma once
// A compiled Sigma `detection:` block: named selections of field tests and the condition
// over them (docs/hunt.md names the supported subset; the loader, rule_loader.hpp, refuses
// the rest). Built once per rule, then asked about every event.
#include <memory>
#include <string>
#include <vector>

#include "pkgly_trail/hunt/rule.hpp"

namespace pkgly_trail::hunt {

class Detection {
 public:
  // The compiled selections and conditions (src/hunt/detection_parts.hpp): kept out of this
  // header so that its users need neither RE2's nor yaml-cpp's.
  struct Parts;

  explicit Detection(std::unique_ptr<const Parts> parts) noexcept;
  ~Detection();
  Detection(Detection&&) noexcept;
  Detection& operator=(Detection&&) noexcept;
  Detection(const Detection&) = delete;
  Detection& operator=(const Detection&) = delete;

  // Whether the event satisfies the condition (any of them, when `condition:` is a list).
  // Allocates nothing; time is bounded by the size of the rule times the length of the values
  // it reads (RE2 for `|re`, wildcards that only ever return to their last `*`); safe to call
  // from several threads at once.
  bool matches(const EventFields& event) const;

  // The field names the selections read, each once, in the order first written: for a caller
  // that checks them against the fields events have.
  const std::vector<std::string>& field_names() const noexcept;

 private:
  std::unique_ptr<const Parts> parts_;
};

}  // namespace pkgly_trail::hunt
