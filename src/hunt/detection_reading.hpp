#pragma once
// A rule's `detection:` mapping, compiled into a Detection.
#include <memory>

#include "pkgly_trail/hunt/detection.hpp"
#include "yaml_reading.hpp"

namespace pkgly_trail::hunt {

// Reports every problem of the block to `reader`; nullptr when there was any.
std::shared_ptr<const Detection> read_detection(const MapEntry& detection, DocumentReader& reader);

}  // namespace pkgly_trail::hunt
