#pragma once
// A correlation's `timespan:`.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pkgly_trail::hunt {

// A positive whole number and one unit: s, m, h or d (30s, 5m, 1h, 2d), as Sigma's
// correlation specification names them. pySigma's w, M and y are refused: a month and a year
// have no fixed length, and a week is written 7d. Returns microseconds, or nullopt with
// `error` saying why.
std::optional<std::int64_t> parse_timespan(std::string_view text, std::string& error);

}  // namespace pkgly_trail::hunt
