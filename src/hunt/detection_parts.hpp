#pragma once
// What a Detection is made of (detection_reading.hpp builds it).
#include <string>
#include <vector>

#include "condition.hpp"
#include "pkgly_trail/hunt/detection.hpp"
#include "selection.hpp"

namespace pkgly_trail::hunt {

struct Detection::Parts {
  std::vector<Selection> selections;  // in the order written
  // `condition:`: one, or a list of them, any of which matches.
  std::vector<Condition> conditions;
  std::vector<std::string> field_names;
};

}  // namespace pkgly_trail::hunt
