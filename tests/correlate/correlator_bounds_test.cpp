// Hostile shapes for the correlator: the work per record stays O(1) amortized and --max-memory
// bounds everything held. Work is asserted through Correlator::work_steps() and the byte counts,
// never through wall time. Also the rules that deliberate bugs in the index must break.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "correlate/log_lines.hpp"

namespace pkgly_trail {
namespace {

using namespace correlate_testing;

// A request id unique to `n` (same shape as Pkgly's uuids).
std::string rid(int n) {
  char text[40];
  std::snprintf(text, sizeof text, "%08x-0000-4000-8000-%012x", n, n);
  return text;
}

// Log time that advances one microsecond per record, so the window in seconds never closes.
std::string tick(int n) {
  return at(n / 1000000, n % 1000000);
}

// A compact audit event with Pkgly's default zero trace id: it can only join by adjacency.
std::string compact_audit(int n, const std::string& path, const std::string& query = "") {
  std::string body = audit_body(kZero, Http{"GET", "/api/x", path, "200"}, "u" + std::to_string(n));
  if (!query.empty()) body.replace(body.find(" query= "), 8, " query=" + query + " ");
  return compact(tick(n), body);
}

std::string compact_access(int n, const std::string& path, const std::string& request) {
  return compact(tick(n), access_body(kZero, request, Http{"GET", "/api/x", path, "200"}));
}

}  // namespace

TEST_CASE("correlator: waiting compact audits - then non-matching access records - cost O(1) each",
          "[correlate][bounds]") {
  // Each access record used to be compared with every waiting audit event, and each of those
  // comparisons scanned every recent access record: cubic.
  auto run = [](int n) {
    Harness h;
    int line = 0;
    for (int i = 0; i < n; ++i) h.feed({compact_audit(++line, "/api/a/" + std::to_string(i))});
    for (int i = 0; i < n; ++i)
      h.feed({compact_access(++line, "/api/b/" + std::to_string(i), rid(i))});
    CHECK(h.events().empty());  // nothing matches: all still wait
    h.correlator.finish();
    CHECK(h.events().size() == static_cast<std::size_t>(n));
    CHECK(h.stats().without_access == static_cast<std::uint64_t>(n));
    CHECK(h.correlator.held_bytes() == 0);
    return h.correlator.work_steps();
  };
  const std::uint64_t small = run(2000);
  const std::uint64_t large = run(4000);
  CHECK(small <= 4 * 2 * 2000);
  CHECK(large <= 4 * 2 * 4000);
  CHECK(large <= 2 * small + 16);  // linear: twice the records, twice the work
}

TEST_CASE("correlator: waiting compact audits each take the first matching access record",
          "[correlate][bounds]") {
  const int n = 3000;
  Harness h;
  int line = 0;
  // All of one exchange: the oldest waiting audit event takes each access record in turn.
  for (int i = 0; i < n; ++i) h.feed({compact_audit(++line, "/api/same")});
  for (int i = 0; i < n; ++i) h.feed({compact_access(++line, "/api/same", rid(i))});
  REQUIRE(h.events().size() == static_cast<std::size_t>(n));
  for (int i = 0; i < n; i += 997) {
    CHECK(h.events()[i].audit.field("actor_username")->text == "u" + std::to_string(i + 1));
    CHECK(h.events()[i].access_request() == rid(i));
    CHECK(h.events()[i].by == JoinKey::Adjacency);
  }
  CHECK(h.correlator.work_steps() <= 4 * 2 * n);
}

TEST_CASE("correlator: access records - then audit events that each take the newest one",
          "[correlate][bounds]") {
  const int n = 3000;
  Harness h;
  int line = 0;
  for (int i = 0; i < n; ++i) h.feed({compact_access(++line, "/api/same", rid(i))});
  for (int i = 0; i < n; ++i) h.feed({compact_audit(++line, "/api/same")});
  REQUIRE(h.events().size() == static_cast<std::size_t>(n));
  // Nearest preceding unclaimed first: the last access record goes to the first audit event.
  CHECK(h.events().front().access_request() == rid(n - 1));
  CHECK(h.events().back().access_request() == rid(0));
  CHECK(h.correlator.work_steps() <= 4 * 2 * n);
}

TEST_CASE("correlator: audit events waiting under request ids - then other requests' access",
          "[correlate][bounds]") {
  const int n = 4000;
  Harness h;
  int line = 0;
  for (int i = 0; i < n; ++i) h.feed({full(tick(++line), rid(i), audit_body(kZero), "INFO")});
  for (int i = 0; i < n; ++i)
    h.feed({full(tick(++line), rid(n + i), access_body(kZero, rid(n + i)), "INFO")});
  CHECK(h.events().empty());
  // Then the access records of the first half: each joins its own waiting audit event.
  for (int i = 0; i < n / 2; ++i)
    h.feed({full(tick(++line), rid(i), access_body(kZero, rid(i)), "INFO")});
  REQUIRE(h.events().size() == static_cast<std::size_t>(n / 2));
  CHECK(h.events()[7].access_request() == rid(7));
  CHECK(h.events()[7].by == JoinKey::RequestId);
  CHECK(h.correlator.work_steps() <= 4 * (2 * n + n / 2));
}

TEST_CASE("correlator: --max-memory bounds audit events that wait for a missing access record",
          "[correlate][bounds]") {
  // 2,000 audit events with 1 MB queries used to stay held until the window closed (1.97 GB
  // with --max-memory 96M). Scaled down: 400 events of 64 KiB under a 2 MiB budget.
  const int n = 400;
  const std::string query(64 * 1024, 'q');
  JoinLimits limits;
  limits.max_memory = 2u << 20;
  Harness h(limits);
  int line = 0;
  for (int i = 0; i < n; ++i) h.feed({compact_audit(++line, "/api/a/" + std::to_string(i), query)});
  CHECK(h.stats().peak_bytes <= limits.max_memory + 2 * query.size());
  CHECK(h.stats().peak_bytes >= limits.max_memory);  // the budget was reached, not avoided
  CHECK(h.stats().audits_evicted >= static_cast<std::uint64_t>(n - 40));
  // Evicted events are printed, not dropped: without their access record, and counted.
  CHECK(h.events().size() == h.stats().audits_evicted);
  h.correlator.finish();
  CHECK(h.events().size() == static_cast<std::size_t>(n));
  CHECK(h.stats().without_access == static_cast<std::uint64_t>(n));
  CHECK(h.events()[0].audit.field("query")->text == query);
  CHECK(h.correlator.held_bytes() == 0);
  CHECK(h.correlator.work_steps() <= 6 * n);
}

TEST_CASE("correlator: --max-memory bounds access records with huge url paths",
          "[correlate][bounds]") {
  // 2,000 access records with 1 MB url.path reached 2.07 GB: their copies for the join by
  // adjacency were not counted. Scaled down: 400 of 64 KiB under 2 MiB.
  const int n = 400;
  JoinLimits limits;
  limits.max_memory = 2u << 20;
  Harness h(limits);
  int line = 0;
  const std::string path = "/" + std::string(64 * 1024, 'p');
  for (int i = 0; i < n; ++i) h.feed({compact_access(++line, path + std::to_string(i), rid(i))});
  CHECK(h.stats().peak_bytes <= limits.max_memory + 4 * path.size());
  CHECK(h.stats().requests_evicted >= static_cast<std::uint64_t>(n - 40));
  CHECK(h.correlator.held_bytes() <= limits.max_memory);
  // What is still held joins as before: the newest access record of that path.
  h.feed({compact_audit(++line, path + std::to_string(n - 1))});
  REQUIRE(h.events().size() == 1);
  CHECK(h.events()[0].access_request() == rid(n - 1));
  CHECK(h.correlator.work_steps() <= 6 * n);
}

TEST_CASE("correlator: --max-memory bounds related records - long ids and trace aliases",
          "[correlate][bounds]") {
  JoinLimits limits;
  limits.max_memory = 1u << 20;
  Harness h(limits);
  int line = 0;
  const std::string big(16 * 1024, 'r');
  SECTION("related records of requests that never end") {
    for (int i = 0; i < 1000; ++i) h.feed({full(tick(++line), rid(i), step(big))});
    CHECK(h.stats().requests_evicted >= 900);
  }
  SECTION("request ids of 16 KiB (forged lines)") {
    for (int i = 0; i < 1000; ++i) h.feed({full(tick(++line), big + std::to_string(i), step("x"))});
    CHECK(h.stats().requests_evicted >= 900);
  }
  SECTION("one request tied to many trace ids") {
    for (int i = 0; i < 8000; ++i) {
      char trace[40];
      std::snprintf(trace, sizeof trace, "%032x", i + 1);
      h.feed({compact(tick(++line), access_body(trace, kR1))});
    }
    CHECK(h.stats().requests_evicted >= 1);
  }
  CHECK(h.stats().peak_bytes <= limits.max_memory + 4 * big.size());
  CHECK(h.correlator.held_bytes() <= limits.max_memory);
  h.correlator.finish();
  CHECK(h.correlator.held_bytes() == 0);
}

TEST_CASE("correlator: held bytes return to zero once requests end and leave the window",
          "[correlate][bounds]") {
  JoinLimits limits;
  limits.window.records = 50;
  Harness h(limits);
  int line = 0;
  for (int i = 0; i < 500; ++i) {
    h.feed({full(tick(++line), rid(i), step("work")),
            full(tick(++line), rid(i), access_body(kZero, rid(i)), "INFO"),
            full(tick(++line), rid(i), audit_body(kZero), "INFO")});
  }
  CHECK(h.events().size() == 500);
  const std::size_t during = h.correlator.held_bytes();
  CHECK(during > 0);
  for (int i = 0; i < 60; ++i) h.feed({full(tick(++line), "", step("outside"), "INFO")});
  CHECK(h.correlator.held_bytes() == 0);
  CHECK(h.stats().requests_expired == 0);  // all of them were done
}

// Deliberate bugs these must catch: see the mutant list in the report of this change.

TEST_CASE(
    "correlator: a second access record for one request - the newest is kept and marked suspect",
    "[correlate][mutant]") {
  // Pkgly writes one access record per request, right before the audit event; a forged one
  // (a whole line in a value written earlier in the request) comes first.
  Harness h;
  h.feed(
      {full(at(0, 1), kR1, access_body(kZero, kR1, Http{"GET", "/api/x", "/api/x", "200"}), "INFO"),
       full(at(0, 2), kR1, access_body(kZero, kR1, Http{"DELETE", "/api/x", "/api/x", "204"}),
            "INFO"),
       full(at(0, 3), kR1, audit_body(kZero, Http{"DELETE", "/api/x", "/api/x", "204"}), "INFO")});
  REQUIRE(h.events().size() == 1);
  REQUIRE(h.events()[0].access);
  CHECK(h.events()[0].access->field("http.request.method")->text == "DELETE");
  CHECK(h.events()[0].access->field("http.response.status_code")->text == "204");
  CHECK(h.events()[0].access->suspect.find("forged") != std::string_view::npos);
  CHECK(h.events()[0].audit.suspect.empty());
  CHECK(h.stats().shared_access_ids == 1);
  CHECK(h.stats().first_shared_access_id == "test.log:2");
  // One more after the event was printed is counted too, and changes nothing printed.
  h.feed({full(at(0, 4), kR1, access_body(kZero, kR1), "INFO")});
  CHECK(h.stats().shared_access_ids == 2);
  CHECK(h.stats().late_records == 1);
  h.correlator.finish();
  CHECK(h.events().size() == 1);
}

TEST_CASE("correlator: one access record per request - no doubt", "[correlate]") {
  Harness h;
  h.feed({full(at(0, 1), kR1, access_body(kZero, kR1), "INFO"),
          full(at(0, 2), kR1, audit_body(kZero), "INFO"),
          full(at(0, 3), kR2, access_body(kZero, kR2), "INFO"),
          full(at(0, 4), kR2, audit_body(kZero), "INFO")});
  h.correlator.finish();
  REQUIRE(h.events().size() == 2);
  CHECK(h.events()[0].access->suspect.empty());
  CHECK(h.events()[1].access->suspect.empty());
  CHECK(h.stats().shared_access_ids == 0);
}

TEST_CASE("correlator puts early trace-only records in log order among the request's records",
          "[correlate][mutant]") {
  Harness h;
  // In order: a trace-only record, one of the request id, another trace-only record; the
  // access record then ties the trace id to the request id.
  h.feed({compact(at(0, 1), upstream(kT1), "HTTP request::Repository Request"),
          full(at(0, 2), kR1, step("middle")),
          compact(at(0, 3), upstream(kT1), "HTTP request::Repository Request"),
          compact(at(0, 4), access_body(kT1, kR1)), compact(at(0, 5), audit_body(kT1))});
  REQUIRE(h.events().size() == 1);
  const testing::Joined& e = h.events()[0];
  REQUIRE(e.related.size() == 3);
  CHECK(e.related[0].target == "pkgly::upstream_access");
  CHECK(e.related[0].timestamp == at(0, 1));
  CHECK(e.related[1].message == std::optional<std::string_view>("middle"));
  CHECK(e.related[2].timestamp == at(0, 3));
}

TEST_CASE("correlator keeps nothing of records that come after their request was printed",
          "[correlate][mutant]") {
  Harness h;
  h.feed({full(at(0, 1), kR1, step("before")), full(at(0, 2), kR1, access_body(kZero, kR1), "INFO"),
          full(at(0, 3), kR1, audit_body(kZero), "INFO")});
  REQUIRE(h.events().size() == 1);
  const std::size_t held = h.correlator.held_bytes();
  const std::string big(8 * 1024, 'x');
  for (int i = 0; i < 100; ++i) h.feed({full(at(0, 10 + i), kR1, step(big))});
  CHECK(h.stats().late_records == 100);
  CHECK(h.correlator.held_bytes() == held);
  // A late access record is not kept either, so an adjacency audit event cannot take it.
  h.feed({full(at(0, 200), kR1, access_body(kZero, kR1), "INFO")});
  CHECK(h.stats().late_records == 101);
  CHECK(h.correlator.held_bytes() == held);
  h.feed({compact(at(0, 201), audit_body(kZero))});
  h.correlator.finish();
  REQUIRE(h.events().size() == 2);
  CHECK(!h.events()[1].access);
  CHECK(h.events()[1].related.empty());
}

}  // namespace pkgly_trail

namespace pkgly_trail {
using namespace correlate_testing;

TEST_CASE(
    "correlator: an audit event that names another exchange than its access record is suspect",
    "[correlate][mutant][security]") {
  // `query=x http_request_method=DELETE ... http_response_status_code=204⏎<fake record>`: read
  // line by line, the audit event's HTTP fields are the attacker's; its access record (same
  // request id) shows the request Pkgly served.
  Harness h;
  h.feed(
      {full(at(0, 1), kR1, access_body(kZero, kR1, Http{"GET", "/api/x", "/api/x", "200"}), "INFO"),
       full(at(0, 2), kR1, audit_body(kZero, Http{"DELETE", "/api/x", "/api/x", "204"}), "INFO"),
       full(at(0, 3), kR2, access_body(kZero, kR2), "INFO"),
       full(at(0, 4), kR2, audit_body(kZero), "INFO")});
  h.correlator.finish();
  REQUIRE(h.events().size() == 2);
  CHECK(h.events()[0].audit.suspect.find("imitated") != std::string_view::npos);
  CHECK(h.events()[0].by == JoinKey::RequestId);
  CHECK(h.events()[1].audit.suspect.empty());
  CHECK(h.stats().exchange_mismatches == 1);
  CHECK(h.stats().first_exchange_mismatch == "test.log:2");
}

TEST_CASE("correlator: an HTTP audit event keyed by id without an access record is suspect",
          "[correlate][mutant][security]") {
  Harness h;
  h.feed({// A fake audit line with an invented request id: no access record precedes it.
          full(at(0, 1), kR1, audit_body(kZero), "INFO"),
          // A websocket browse event has no access record by design.
          full(at(0, 2), kR2,
               audit_body(kZero, Http{"", "", "", "0"}, "bob", "repository.browse_ws.connect"),
               "INFO"),
          // Status 0 and empty HTTP fields but not a browse action: not a websocket event.
          full(at(0, 3), kR3, audit_body(kZero, Http{"", "", "", "0"}, "bob", "user.delete"),
               "INFO")});
  // The event waiting for its access record is printed at the end; the others at once.
  h.correlator.finish();
  REQUIRE(h.events().size() == 3);
  auto by_line = [&](std::uint64_t line) -> const Record& {
    for (const testing::Joined& e : h.events())
      if (e.audit.source.line == line) return e.audit;
    FAIL("no event from line " << line);
    throw;
  };
  CHECK(by_line(1).suspect.find("no access record") != std::string_view::npos);
  CHECK(by_line(2).suspect.empty());
  CHECK(by_line(3).suspect.find("no access record") != std::string_view::npos);
  CHECK(h.stats().missing_access == 2);
  CHECK(h.stats().first_missing_access == "test.log:3");
}

TEST_CASE("correlator: an audit event without its request's span is suspect - outside compact logs",
          "[correlate][mutant][security]") {
  // Red team (pretty): a fake `at` line ends the genuine audit record before its span lines,
  // which go to an imitation; the genuine event, without a request id, joined a stranger's
  // access record by adjacency.
  Harness h;
  h.feed(
      {full(at(0, 1), kR1, access_body(kZero, kR1, Http{"GET", "/api/info", "/api/info", "200"}),
            "INFO"),
       // No span at all: Pkgly never writes an audit event so in a full log.
       full(at(0, 2), "", audit_body(kZero, Http{"GET", "/api/info", "/api/info", "200"}), "INFO"),
       // Compact logs write no span fields: there, no request id is the rule.
       compact(at(0, 3), access_body(kZero, kR2)), compact(at(0, 4), audit_body(kZero))});
  h.correlator.finish();
  REQUIRE(h.events().size() == 2);
  CHECK(h.events()[0].audit.suspect.find("no request span") != std::string_view::npos);
  CHECK(h.events()[1].audit.suspect.empty());
  CHECK(h.stats().missing_span == 1);
  CHECK(h.stats().first_missing_span == "test.log:2");
}

TEST_CASE("correlator: an audit event without its span is suspect - even when its trace id joined",
          "[correlate][mutant][security]") {
  // Red team, round 5 (pretty with ANSI, OpenTelemetry on): the imitation that lost the
  // genuine span still carried a valid trace id, which found the genuine access record.
  Harness h;
  h.feed(
      {full(at(0, 1), kR1, access_body(kT1, kR1, Http{"GET", "/api/info", "/api/info", "200"}),
            "INFO"),
       full(at(0, 2), "", audit_body(kT1, Http{"GET", "/api/info", "/api/info", "200"}), "INFO")});
  h.correlator.finish();
  REQUIRE(h.events().size() == 1);
  CHECK(h.events()[0].access.has_value());
  CHECK(h.events()[0].audit.suspect.find("no request span") != std::string_view::npos);
  CHECK(h.stats().missing_span == 1);
}

}  // namespace pkgly_trail
