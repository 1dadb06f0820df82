// parse_pretty_record: one `pretty` record, its physical lines joined by '\n'.
#include <cstdint>
#include <string_view>

#include "fuzz_support.hpp"
#include "parse/pretty_format.hpp"

namespace {

constexpr std::string_view kWarmup =
    "  2025-11-20T10:15:30.356000Z  INFO pkgly::audit: Audit event, trace_id: 0, action: "
    "package.download, outcome: success, actor_username: alice bob, actor_id: 2\n"
    "    at src/audit.rs:10\n"
    "    in pkgly::repository::requests::Repository Request with repository.name: \"npm\"\n"
    "    in pkgly::requests::HTTP request with url.path: \"/x\", request_id: abc\n";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pkgly_trail;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const bool starts = starts_pretty_record(text);
  fuzz::check_parser(
      [&](std::string_view t, Record& r) {
        const bool parsed = parse_pretty_record(t, r);
        if (t.data() != kWarmup.data())
          FUZZ_CHECK(!parsed || starts, "parsed but not a record start: " + fuzz::shown(t));
        return parsed;
      },
      text, kWarmup);
  return 0;
}
