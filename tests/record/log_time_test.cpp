// record/log_time: the one RFC 3339 scanner and a record's time on the UTC axis.
#include "pkgly_trail/record/log_time.hpp"

#include <catch2/catch.hpp>

using namespace pkgly_trail;

namespace {
constexpr std::int64_t kSecond = 1'000'000;
constexpr std::int64_t kLogged = 1763633730369463;  // 2025-11-20T10:15:30.369463Z
}  // namespace

TEST_CASE("parse_log_time reads tracing timestamps as microseconds since the epoch") {
  CHECK(parse_log_time("2025-11-20T10:15:30.369463Z") == kLogged);
  CHECK(parse_log_time("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_log_time("1969-12-31T23:59:59Z") == -kSecond);
  CHECK(parse_log_time("2000-01-01T00:00:00Z") == 946684800 * kSecond);
  CHECK(parse_log_time("2024-02-29T12:00:00Z") == 1709208000 * kSecond);
}

TEST_CASE("parse_log_time fractions have 0 to 9 digits - finer than a microsecond truncated") {
  const std::int64_t base = 1763633730 * kSecond;
  CHECK(parse_log_time("2025-11-20T10:15:30Z") == base);
  CHECK(parse_log_time("2025-11-20T10:15:30.3Z") == base + 300000);
  CHECK(parse_log_time("2025-11-20T10:15:30.369Z") == base + 369000);
  CHECK(parse_log_time("2025-11-20T10:15:30.123456789Z") == base + 123456);
  CHECK_FALSE(parse_log_time("2025-11-20T10:15:30.Z"));
  CHECK_FALSE(parse_log_time("2025-11-20T10:15:30.1234567890Z"));
}

TEST_CASE("parse_log_time accepts offsets - a space separator and lowercase letters") {
  CHECK(parse_log_time("2025-11-20T10:15:30.369463+00:00") == kLogged);
  CHECK(parse_log_time("2025-11-20T05:15:30.369463-05:00") == kLogged);
  CHECK(parse_log_time("2025-11-20T11:45:30.369463+01:30") == kLogged);
  CHECK(parse_log_time("2025-11-20 10:15:30.369463Z") == kLogged);
  CHECK(parse_log_time("2025-11-20t10:15:30.369463z") == kLogged);
}

TEST_CASE("parse_log_time rejects anything that is not a complete RFC 3339 time") {
  for (const char* bad : {"", "2025-11-20", "2025-11-20T10:15:30", "2025-11-20T10:15Z",
                          "2025-13-01T00:00:00Z", "2025-00-01T00:00:00Z", "2025-02-29T00:00:00Z",
                          "2025-04-31T00:00:00Z", "2025-11-20T24:00:00Z", "2025-11-20T10:60:00Z",
                          "2025-11-20T10:15:30ZZ", "2025-11-20T10:15:30+0100",
                          "2025-11-20T10:15:30+24:00", "25-11-20T10:15:30Z", "2025/11/20T10:15:30Z",
                          "2025-11-20X10:15:30Z", " 2025-11-20T10:15:30Z", "2025-1-20T10:15:30Z"}) {
    INFO(bad);
    CHECK_FALSE(parse_log_time(bad));
  }
}

TEST_CASE("rfc3339_length finds a time where a line starts - and only the time") {
  CHECK(rfc3339_length("2025-11-20T10:15:30.369463Z  INFO x") == 27);
  CHECK(rfc3339_length("2025-11-20T10:15:30Z") == 20);
  CHECK(rfc3339_length("2025-11-20T10:15:30.5+01:00 ") == 27);
  CHECK(rfc3339_length("2025-11-20T10:15:30.123456789Z") == 30);
  for (const char* none :
       {"", "2025-11-20", "2025-11-20T10:15:30", "2025-11-20T10:15:30.Z", "2025-11-20 10:15:30Z",
        "x2025-11-20T10:15:30Z", "2025-11-20T10:15:30+0100"}) {
    INFO(none);
    CHECK(rfc3339_length(none) == 0);
  }
}
