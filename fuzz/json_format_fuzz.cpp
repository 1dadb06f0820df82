// JsonRecordParser: one line of tracing-subscriber's `json` format.
#include <cstdint>
#include <string_view>

#include "fuzz_support.hpp"
#include "parse/json_format.hpp"

namespace {

constexpr std::string_view kWarmup =
    R"({"timestamp":"2025-11-20T10:15:30.208978Z","level":"INFO","fields":{"message":"HTTP access",)"
    R"("trace_id":"00000000000000000000000000000000","http.response.status_code":200,"ok":true,)"
    R"("nested":{"a":[1,2]},"n":null},"target":"pkgly::access","span":{"name":"HTTP request"},)"
    R"("spans":[{"name":"HTTP request","request_id":"2053a960","url.path":"/a\"b"}]})";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pkgly_trail;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)starts_json_record(text);
  // One parser for both parses, as the assembler keeps one for a whole run.
  JsonRecordParser parser;
  fuzz::check_parser([&](std::string_view t, Record& r) { return parser.parse(t, r); }, text,
                     kWarmup);
  return 0;
}
