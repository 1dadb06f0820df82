#pragma once
// Private to the hunt stage: the key of a correlation group, the tuple of its `group-by` values.
// Each value is length-prefixed (byte_codec.hpp), so hostile values (NUL, newlines, separators,
// huge lengths) cannot make two different tuples one key. A field the event lacks, or whose value
// is null, is the empty string, as the alert shows it: such events share a group with events
// whose value is logged empty.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pkgly_trail/hunt/rule.hpp"

namespace pkgly_trail::hunt {

// Clears `key` and writes into it the values of `fields` named by `group_by` (reusing its
// capacity: no allocation once it has grown to the usual key size).
void build_group_key(const EventFields& fields, const std::vector<std::string>& group_by,
                     std::string& key);

// The values of a key made for `parts` fields; nullopt when `key` is not such a key.
std::optional<std::vector<std::string>> split_group_key(std::string_view key, std::size_t parts);

}  // namespace pkgly_trail::hunt
