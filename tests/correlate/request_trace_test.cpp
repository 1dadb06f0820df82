// `trace ID` in the library: every record of one request, by request_id, trace_id or a prefix.
#include "pkgly_trail/correlate/request_trace.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "pkgly_trail/parse/record_assembler.hpp"

namespace pkgly_trail {
namespace {

const std::string kZero = "00000000000000000000000000000000";
const std::string kT1 = "4bf92f3577b34da6a3ce929d0e0e4736";
const std::string kR1 = "abcdef01-1111-4111-8111-111111111111";
const std::string kR2 = "abcdef01-2222-4222-8222-222222222222";  // same 8-char prefix as kR1
const std::string kR3 = "33333333-3333-4333-8333-333333333333";

std::string line(int micros, const std::string& rid, const std::string& body) {
  std::string time = "2025-11-20T10:15:30." + std::to_string(100000 + micros) + "Z";
  std::string spans = rid.empty() ? "" : "HTTP request{request_id=" + rid + "}: ";
  return time + "  INFO " + spans + body;
}
std::string step(const std::string& message) {
  return "pkgly::app::step: " + message;
}
std::string access(const std::string& trace, const std::string& rid) {
  return "pkgly::access: HTTP access trace_id=" + trace +
         " http.request.method=GET http.route=/api/x url.path=/api/x "
         "http.response.status_code=200 duration_ms=3 request_id=" +
         rid;
}

// R1 and R3 interleaved, R1 tied to trace T1 by its access record, R2 later, one record
// outside any request.
const std::vector<std::string>& sample() {
  static const std::vector<std::string> lines{
      line(1, kR1, step("one a")),      line(2, kR3, step("three a")),
      line(3, "", step("outside")),     line(4, kR1, step("one b")),
      line(5, kR3, access(kZero, kR3)), line(6, kR1, access(kT1, kR1)),
      line(7, kR1, step("one c")),      line(8, kR2, step("two a")),
      line(9, kR2, access(kZero, kR2))};
  return lines;
}

struct Traced {
  std::vector<std::string> messages;
  std::size_t matched = 0;
};

Traced trace(const std::string& id, const std::vector<std::string>& lines = sample()) {
  RequestTrace trace(id, JoinWindow{});
  RecordAssembler assembler(trace);
  assembler.begin_input("test.log");
  std::uint64_t number = 0;
  for (const std::string& text : lines) assembler.on_line(text, ++number);
  assembler.end_input();
  Traced result;
  result.matched = trace.matched_ids().size();
  for (const Record& r : trace.take_records())
    result.messages.emplace_back(r.message ? *r.message : "");
  return result;
}

using Messages = std::vector<std::string>;
const Messages kOne{"one a", "one b", "HTTP access", "one c"};

}  // namespace

TEST_CASE("request trace by full request_id - in log order", "[correlate][trace]") {
  Traced t = trace(kR1);
  CHECK(t.matched == 1);
  CHECK(t.messages == kOne);
  CHECK(trace(kR3).messages == Messages{"three a", "HTTP access"});
}

TEST_CASE("request trace by trace_id includes records before the tying access",
          "[correlate][trace]") {
  Traced t = trace(kT1);
  CHECK(t.matched == 1);
  CHECK(t.messages == kOne);
}

TEST_CASE("request trace by an 8-character prefix", "[correlate][trace]") {
  Traced t = trace("33333333");
  CHECK(t.matched == 1);
  CHECK(t.messages == Messages{"three a", "HTTP access"});
  CHECK(trace("4BF92F35").messages == kOne);  // case does not matter
}

TEST_CASE("request trace reports an ambiguous prefix", "[correlate][trace]") {
  RequestTrace trace("abcdef01", JoinWindow{});
  RecordAssembler assembler(trace);
  std::uint64_t number = 0;
  for (const std::string& text : sample()) assembler.on_line(text, ++number);
  assembler.end_input();
  CHECK(trace.matched_ids() == std::set<std::string>{kR1, kR2});
}

TEST_CASE("request trace follows the trace id that the access record ties", "[correlate][trace]") {
  // compact: only the access record names the request; the others carry the trace id. A
  // record found by one id may come after a kept record found later by the other.
  auto compact = [](int micros, const std::string& body) {
    return "2025-11-20T10:15:30." + std::to_string(100000 + micros) + "Z  INFO [HTTP request] " +
           body;
  };
  const std::vector<std::string> lines{
      compact(1, "pkgly::upstream_access: Upstream HTTP access trace_id=" + kT1 +
                     " http.request.method=GET url.full=https://up.example/x "
                     "http.response.status_code=200 duration_ms=9"),
      compact(2, step("no ids")), line(3, kR1, step("in the span")), compact(4, access(kT1, kR1)),
      compact(5, "pkgly::audit: Audit event trace_id=" + kT1 + " action=auth.me")};
  const Messages expected{"Upstream HTTP access", "in the span", "HTTP access", "Audit event"};
  CHECK(trace(kT1, lines).messages == expected);
  CHECK(trace(kR1, lines).messages == expected);
  CHECK(trace(kR1.substr(0, 8), lines).messages == expected);
}

TEST_CASE("request trace finds nothing for an unknown id or a zero trace", "[correlate][trace]") {
  CHECK(trace("99999999").messages.empty());
  Traced zero = trace("00000000");
  CHECK(zero.matched == 0);
  CHECK(zero.messages.empty());
}

}  // namespace pkgly_trail
