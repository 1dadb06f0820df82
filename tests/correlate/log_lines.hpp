#pragma once
// Small hand-written Pkgly log lines and a harness that feeds them through the record assembler
// into a Correlator, for the correlate tests.
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "pkgly_trail/correlate/correlator.hpp"
#include "pkgly_trail/parse/record_assembler.hpp"
#include "support/collect.hpp"

namespace pkgly_trail::correlate_testing {

inline const std::string kZero = "00000000000000000000000000000000";
inline const std::string kT1 = "4bf92f3577b34da6a3ce929d0e0e4736";
inline const std::string kT2 = "0af7651916cd43dd8448eb211c80319c";
inline const std::string kR1 = "11111111-1111-4111-8111-111111111111";
inline const std::string kR2 = "22222222-2222-4222-8222-222222222222";
inline const std::string kR3 = "33333333-3333-4333-8333-333333333333";

// Log time `second` seconds (and `micros`) after 10:15:00.
inline std::string at(int second, int micros = 0) {
  char text[40];
  std::snprintf(text, sizeof text, "2025-11-20T10:%02d:%02d.%06dZ", 15 + second / 60, second % 60,
                micros);
  return text;
}

struct Http {
  std::string method = "GET", route = "/api/x", path = "/api/x", status = "200";
};

inline std::string access_body(const std::string& trace, const std::string& rid,
                               const Http& h = {}) {
  return "pkgly::access: HTTP access trace_id=" + trace + " http.request.method=" + h.method +
         " http.route=" + h.route + " url.path=" + h.path +
         " http.response.status_code=" + h.status + " duration_ms=3 request_id=" + rid +
         " client.address=\"203.0.113.9\"";
}

inline std::string audit_body(const std::string& trace, const Http& h = {},
                              const std::string& actor = "bob",
                              const std::string& action = "auth.me") {
  return "pkgly::audit: Audit event trace_id=" + trace + " action=" + action +
         " outcome=success actor_username=" + actor +
         " actor_id=3 actor_authenticated=true resource_kind= resource_id= resource_name= "
         "repository_id= storage_id= target_user_id=0 token_id=0 path= query= "
         "http_request_method=" +
         h.method + " http_route=" + h.route + " url_path=" + h.path +
         " http_response_status_code=" + h.status;
}

// `full` format: inside the HTTP request span of `rid`, or outside any span when it is empty.
inline std::string full(const std::string& time, const std::string& rid, const std::string& body,
                        const std::string& level = "DEBUG") {
  std::string padded = std::string(5 - level.size(), ' ') + level;
  std::string spans =
      rid.empty() ? "" : "HTTP request{request_id=" + rid + " http.route=\"/api/x\"}: ";
  return time + " " + padded + " " + spans + body;
}
inline std::string step(const std::string& message) {
  return "pkgly::app::step: " + message;
}

// `compact` format: span names only, so no request_id except the access record's own field.
inline std::string compact(const std::string& time, const std::string& body,
                           const std::string& spans = "HTTP request") {
  return time + "  INFO [" + spans + "] " + body;
}
inline std::string upstream(const std::string& trace) {
  return "pkgly::upstream_access: Upstream HTTP access trace_id=" + trace +
         " http.request.method=GET url.full=https://up.example/x http.response.status_code=200 "
         "duration_ms=9";
}

struct Harness {
  explicit Harness(JoinLimits limits = {}, Correlator::Accept accept = nullptr)
      : correlator(limits, std::move(accept), sink), assembler(correlator) {
    assembler.begin_input("test.log");
  }
  // Each line is completed at once (end_input), so the correlator sees it before the next.
  void feed(const std::vector<std::string>& lines) {
    for (const std::string& line : lines) {
      assembler.on_line(line, ++number);
      assembler.end_input();
    }
  }
  const JoinStats& stats() const { return correlator.stats(); }
  std::vector<testing::Joined>& events() { return sink.events; }

  testing::CollectEvents sink;
  Correlator correlator;
  RecordAssembler assembler;
  std::uint64_t number = 0;
};

}  // namespace pkgly_trail::correlate_testing
