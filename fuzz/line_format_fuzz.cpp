// parse_line_record: one logical `full` (plain or ANSI) or `compact` record.
#include <cstdint>
#include <string_view>

#include "fuzz_support.hpp"
#include "parse/line_format.hpp"

namespace {

// A record with spans, schema fields and quoted values, parsed first into the reused record.
constexpr std::string_view kWarmup =
    "\x1b[2m2025-11-20T10:15:30.356000Z\x1b[0m \x1b[32m INFO\x1b[0m \x1b[1mHTTP request\x1b[0m"
    "\x1b[1m{\x1b[0m\x1b[3murl.path\x1b[0m\x1b[2m=\x1b[0m\"/a\\\"b\" \x1b[3mrequest_id\x1b[0m"
    "\x1b[2m=\x1b[0m2053a960-44a5-44bf-a217-b4e8f412cfa2\x1b[1m}\x1b[0m\x1b[2m:\x1b[0m "
    "\x1b[2mpkgly::access\x1b[0m\x1b[2m:\x1b[0m HTTP access \x1b[3mtrace_id\x1b[0m\x1b[2m=\x1b[0m0 "
    "\x1b[3mhttp.request.method\x1b[0m\x1b[2m=\x1b[0mGET";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pkgly_trail;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const bool starts = starts_line_record(text);
  fuzz::check_parser(
      [&](std::string_view t, Record& r) {
        const bool parsed = parse_line_record(t, r);
        // The assembler only hands over records whose first line starts_line_record accepted.
        if (t.data() != kWarmup.data())
          FUZZ_CHECK(!parsed || starts, "parsed but not a record start: " + fuzz::shown(t));
        return parsed;
      },
      text, kWarmup);
  return 0;
}
