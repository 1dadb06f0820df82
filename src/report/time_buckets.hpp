#pragma once
// Private to the report stage: the timeline's hour and day buckets.
#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "pkgly_trail/report/report.hpp"

namespace pkgly_trail::report_detail {

inline constexpr std::int64_t kHourUs = 3600LL * 1000 * 1000;
inline constexpr std::int64_t kDayUs = 24 * kHourUs;
// Bucket::Auto picks hours up to this span between the first and the last event.
inline constexpr std::int64_t kHourlyUpToUs = 3 * kDayUs;

// Hours or days since the Unix epoch (Hour or Day only).
std::int64_t bucket_index(std::int64_t time_us, Bucket bucket) noexcept;
// 2025-11-20T10:00Z for an hour, 2025-11-20 for a day.
std::string bucket_label(std::int64_t index, Bucket bucket);

}  // namespace pkgly_trail::report_detail
