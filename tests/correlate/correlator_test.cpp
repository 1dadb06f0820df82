// The correlator driven through the record assembler with small hand-written log lines: which
// key joins an audit event to its access and related records, and what the limits do.
#include "pkgly_trail/correlate/correlator.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "correlate/log_lines.hpp"

namespace pkgly_trail {
namespace {

using namespace correlate_testing;
using Messages = std::vector<std::string>;

}  // namespace

TEST_CASE("correlator joins by request_id and keeps interleaved requests apart", "[correlate]") {
  Harness h;
  h.feed({full(at(0, 1), kR1, step("one a")), full(at(0, 2), kR2, step("two a")),
          full(at(0, 3), "", step("outside any request"), "INFO"),
          full(at(0, 4), kR1, step("one b"), "WARN"),
          full(at(0, 5), kR2, access_body(kZero, kR2), "INFO"),
          full(at(0, 6), kR2, audit_body(kZero, {}, "carol"), "INFO"),
          full(at(0, 7), kR1, access_body(kZero, kR1), "INFO")});
  REQUIRE(h.events().size() == 1);  // R1's audit event has not come yet
  h.feed({full(at(0, 8), kR1, audit_body(kZero), "INFO")});
  REQUIRE(h.events().size() == 2);

  const testing::Joined& two = h.events()[0];
  CHECK(two.audit.field("actor_username")->text == "carol");
  CHECK(two.access_request() == kR2);
  CHECK(two.related_messages() == Messages{"two a"});
  CHECK(two.by == JoinKey::RequestId);

  const testing::Joined& one = h.events()[1];
  CHECK(one.access_request() == kR1);
  CHECK(one.related_messages() == Messages{"one a", "one b"});
  CHECK(one.related[1].level == Level::Warn);
  CHECK(one.by == JoinKey::RequestId);
  CHECK(h.stats().without_access == 0);
  h.correlator.finish();
  CHECK(h.sink.finished == 1);
  CHECK(h.events().size() == 2);
}

TEST_CASE("correlator joins by trace_id - tied to the request by the access record",
          "[correlate]") {
  // One event, R1's access record, and of the two trace-only records only T1's.
  auto check_joined_by_trace = [](Harness& h) {
    REQUIRE(h.events().size() == 1);
    const testing::Joined& e = h.events()[0];
    CHECK(e.access_request() == kR1);
    REQUIRE(e.related.size() == 1);
    CHECK(e.related[0].trace_id == kT1);
    CHECK(e.by == JoinKey::TraceId);
  };
  SECTION("trace-only records before the access record") {
    Harness h;
    h.feed({compact(at(0, 1), upstream(kT1), "HTTP request::Repository Request"),
            compact(at(0, 2), upstream(kT2), "HTTP request::Repository Request"),
            compact(at(0, 3), access_body(kT1, kR1)), compact(at(0, 4), audit_body(kT1))});
    check_joined_by_trace(h);
  }
  SECTION("trace-only records after the access record") {
    Harness h;
    h.feed({compact(at(0, 1), access_body(kT1, kR1)),
            compact(at(0, 2), upstream(kT2), "HTTP request::Repository Request"),
            compact(at(0, 3), upstream(kT1), "HTTP request::Repository Request"),
            compact(at(0, 4), audit_body(kT1))});
    check_joined_by_trace(h);
  }
  SECTION("an audit event with only the trace id, before the access record") {
    Harness h;
    h.feed({compact(at(0, 1), audit_body(kT1))});
    CHECK(h.events().empty());
    h.feed({compact(at(0, 2), access_body(kT1, kR1))});
    REQUIRE(h.events().size() == 1);
    CHECK(h.events()[0].access_request() == kR1);
    CHECK(h.events()[0].by == JoinKey::TraceId);
  }
}

TEST_CASE("correlator never joins two requests by an all-zero trace id", "[correlate]") {
  Harness h;
  h.feed({full(at(0, 1), kR1, step("one"), "INFO"), full(at(0, 2), kR2, step("two"), "INFO"),
          full(at(0, 3), kR1, access_body(kZero, kR1), "INFO"),
          full(at(0, 4), kR1, audit_body(kZero), "INFO"),
          compact(at(0, 5), upstream(kZero), "HTTP request::Repository Request"),
          full(at(0, 6), kR2, access_body(kZero, kR2, Http{"GET", "/api/y", "/api/y"}), "INFO"),
          full(at(0, 7), kR2, audit_body(kZero, Http{"GET", "/api/y", "/api/y"}), "INFO")});
  REQUIRE(h.events().size() == 2);
  CHECK(h.events()[0].related_messages() == Messages{"one"});
  CHECK(h.events()[1].related_messages() == Messages{"two"});  // not the zero-trace upstream
  CHECK(h.events()[1].access_request() == kR2);
}

TEST_CASE("correlator joins compact zero-trace audit events to the adjacent access",
          "[correlate]") {
  Harness h;
  Http x, y{"GET", "/api/y", "/api/y", "200"}, y403{"GET", "/api/y", "/api/y", "403"};
  h.feed({compact(at(0, 1), upstream(kZero), "HTTP request::Repository Request"),
          compact(at(0, 2), access_body(kZero, kR1, x)),
          compact(at(0, 3), access_body(kZero, kR3, y)),
          compact(at(0, 4), access_body(kZero, kR2, x)),
          compact(at(0, 5), audit_body(kZero, x, "first")),
          compact(at(0, 6), audit_body(kZero, x, "second")),
          compact(at(0, 7), audit_body(kZero, y403, "mismatch"))});
  REQUIRE(h.events().size() == 2);
  CHECK(h.events()[0].access_request() == kR2);  // nearest preceding
  CHECK(h.events()[0].by == JoinKey::Adjacency);
  CHECK(h.events()[0].related.empty());          // zero trace ids join nothing
  CHECK(h.events()[1].access_request() == kR1);  // the next older unclaimed one
  CHECK(h.events()[1].by == JoinKey::Adjacency);
  h.correlator.finish();
  REQUIRE(h.events().size() == 3);
  CHECK(h.events()[2].audit.field("actor_username")->text == "mismatch");
  CHECK(!h.events()[2].access);
  CHECK(h.events()[2].by == JoinKey::None);
}

TEST_CASE("correlator: an adjacency audit event before its access waits for it", "[correlate]") {
  Harness h;
  h.feed({compact(at(0, 1), audit_body(kZero))});
  CHECK(h.events().empty());
  h.feed({compact(at(0, 2), access_body(kZero, kR1, Http{"GET", "/api/x", "/api/x", "401"})),
          compact(at(0, 3), access_body(kZero, kR2))});
  REQUIRE(h.events().size() == 1);
  CHECK(h.events()[0].access_request() == kR2);
  CHECK(h.events()[0].by == JoinKey::Adjacency);
}

TEST_CASE("correlator prints websocket browse events at once - without access", "[correlate]") {
  const std::string ws = "repository.browse_ws.connect";
  const Http none{"", "", "", "0"};
  Harness h;
  Http upgrade{"GET", "/api/repository/browse-ws/{repository_id}", "/api/repository/browse-ws/a",
               "101"};
  h.feed({full(at(0, 1), kR1, step("upgrade")),
          full(at(0, 2), kR1, access_body(kZero, kR1, upgrade), "INFO"),
          at(0, 3) + "  INFO Browse WS{request_id=" + kR1 +
              " http.client_id=10.0.7.5:59951}: " + audit_body(kZero, none, "anonymous", ws)});
  REQUIRE(h.events().size() == 1);
  CHECK(!h.events()[0].access);
  CHECK(h.events()[0].related.empty());
  CHECK(h.events()[0].by == JoinKey::None);
  h.feed(
      {compact(at(0, 4), audit_body(kZero, none, "anonymous", ws), "Browse WS::Handle message")});
  REQUIRE(h.events().size() == 2);
  CHECK(!h.events()[1].access);
  CHECK(h.events()[1].by == JoinKey::None);
}

TEST_CASE("correlator holds an audit event that comes before its access record", "[correlate]") {
  JoinLimits limits;
  limits.window.records = 3;
  Harness h(limits);
  SECTION("joined when the access record arrives") {
    h.feed({full(at(0, 1), kR1, step("before")), full(at(0, 2), kR1, audit_body(kZero), "INFO")});
    CHECK(h.events().empty());
    h.feed({full(at(0, 3), kR1, access_body(kZero, kR1), "INFO")});
    REQUIRE(h.events().size() == 1);
    CHECK(h.events()[0].access_request() == kR1);
    CHECK(h.events()[0].related_messages() == Messages{"before"});
    CHECK(h.events()[0].by == JoinKey::RequestId);
  }
  SECTION("printed without access once the window has passed") {
    h.feed({full(at(0, 1), kR1, audit_body(kZero), "INFO")});
    for (int i = 0; i < 3; ++i) h.feed({full(at(0, 2 + i), "", step("filler"), "INFO")});
    CHECK(h.events().empty());
    h.feed({full(at(0, 9), "", step("filler"), "INFO")});
    REQUIRE(h.events().size() == 1);
    CHECK(!h.events()[0].access);
    CHECK(h.events()[0].by == JoinKey::None);
    CHECK(h.stats().without_access == 1);
  }
  SECTION("printed without access at the end of input") {
    h.feed({full(at(0, 1), kR1, audit_body(kZero), "INFO")});
    h.correlator.finish();
    REQUIRE(h.events().size() == 1);
    CHECK(!h.events()[0].access);
    CHECK(h.stats().without_access == 1);
    CHECK(h.stats().printed == 1);
  }
}

TEST_CASE("correlator forgets requests outside the window", "[correlate]") {
  auto run = [](JoinLimits limits, const std::vector<std::string>& filler_times) {
    Harness h(limits);
    h.feed({full(at(0), kR1, step("early"))});
    for (const std::string& time : filler_times) h.feed({full(time, "", step("filler"), "INFO")});
    h.feed({full(at(30), kR1, access_body(kZero, kR1), "INFO"),
            full(at(30, 1), kR1, audit_body(kZero), "INFO")});
    REQUIRE(h.events().size() == 1);
    CHECK(h.events()[0].access_request() == kR1);
    return std::pair(h.events()[0].related.size(), h.stats().requests_expired);
  };
  JoinLimits by_records;
  by_records.window.records = 4;
  CHECK(run(by_records, {at(1), at(2)}) == std::pair<std::size_t, std::uint64_t>(1, 0));
  CHECK(run(by_records, {at(1), at(2), at(3), at(4), at(5)}) ==
        std::pair<std::size_t, std::uint64_t>(0, 1));
  JoinLimits by_time;
  by_time.window.seconds = 10;
  CHECK(run(by_time, {at(5), at(9)}) == std::pair<std::size_t, std::uint64_t>(0, 1));
  by_time.window.seconds = 60;
  CHECK(run(by_time, {at(5), at(29)}) == std::pair<std::size_t, std::uint64_t>(1, 0));
}

TEST_CASE("correlator limits: max_related - max_memory - access_only - related filter - late",
          "[correlate]") {
  const std::vector<std::string> request{full(at(0, 1), kR1, step("r1")),
                                         full(at(0, 2), kR1, step("r2")),
                                         full(at(0, 3), kR1, step("r3")),
                                         full(at(0, 4), kR1, step("r4")),
                                         full(at(0, 5), kR1, access_body(kZero, kR1), "INFO"),
                                         full(at(0, 6), kR1, audit_body(kZero), "INFO")};
  SECTION("max_related keeps the first N and counts the rest") {
    JoinLimits limits;
    limits.max_related = 2;
    Harness h(limits);
    h.feed(request);
    REQUIRE(h.events().size() == 1);
    CHECK(h.events()[0].related_messages() == Messages{"r1", "r2"});
    CHECK(h.stats().related_over_cap == 2);
  }
  SECTION("a tiny max_memory evicts requests and counts them") {
    JoinLimits limits;
    limits.max_memory = 1;
    Harness h(limits);
    h.feed(request);
    h.correlator.finish();
    REQUIRE(h.events().size() == 1);
    CHECK(h.events()[0].related.size() < 4);
    CHECK(h.stats().requests_evicted >= 1);
  }
  SECTION("access_only keeps the access record and no related records") {
    JoinLimits limits;
    limits.access_only = true;
    Harness h(limits);
    h.feed(request);
    REQUIRE(h.events().size() == 1);
    CHECK(h.events()[0].access_request() == kR1);
    CHECK(h.events()[0].related.empty());
    CHECK(h.events()[0].by == JoinKey::RequestId);
  }
  SECTION("related_min_level and related_targets keep what they name and count the rest") {
    const std::vector<std::string> mixed{full(at(0, 1), kR1, step("debug step")),
                                         full(at(0, 2), kR1, step("info step"), "INFO"),
                                         full(at(0, 3), kR1, "sqlx::query: select", "WARN"),
                                         full(at(0, 4), kR1, step("error step"), "ERROR"),
                                         full(at(0, 5), kR1, access_body(kZero, kR1), "INFO"),
                                         full(at(0, 6), kR1, audit_body(kZero), "INFO")};
    JoinLimits limits;
    limits.related_min_level = Level::Info;
    Harness by_level(limits);
    by_level.feed(mixed);
    REQUIRE(by_level.events().size() == 1);
    CHECK(by_level.events()[0].related_messages() == Messages{"info step", "select", "error step"});
    CHECK(by_level.stats().related_left_out == 1);
    CHECK(by_level.events()[0].access_request() == kR1);  // the access record is not related

    limits.related_targets = {"pkgly"};  // pkgly::app::step, not sqlx::query
    Harness both(limits);
    both.feed(mixed);
    REQUIRE(both.events().size() == 1);
    CHECK(both.events()[0].related_messages() == Messages{"info step", "error step"});
    CHECK(both.stats().related_left_out == 2);
  }
  SECTION("records after the audit event are counted as late") {
    Harness h;
    h.feed(request);
    CHECK(h.stats().late_records == 0);
    h.feed({full(at(0, 7), kR1, step("after"))});
    CHECK(h.stats().late_records == 1);
    CHECK(h.stats().requests_expired == 0);
  }
}

TEST_CASE("correlator runs the accept predicate on the complete event", "[correlate]") {
  int with_access = 0;
  Harness h(JoinLimits{}, [&](const Record& audit, const Record* access) {
    if (access && access->field("client.address")->text == "203.0.113.9") ++with_access;
    return audit.field("actor_username")->text != "mallory";
  });
  h.feed({full(at(0, 1), kR1, access_body(kZero, kR1), "INFO"),
          full(at(0, 2), kR1, audit_body(kZero, {}, "mallory"), "INFO"),
          full(at(0, 3), kR2, access_body(kZero, kR2), "INFO"),
          full(at(0, 4), kR2, audit_body(kZero, {}, "bob"), "INFO")});
  REQUIRE(h.events().size() == 1);
  CHECK(h.events()[0].audit.field("actor_username")->text == "bob");
  CHECK(with_access == 2);
  CHECK(h.stats().audit_events == 2);
  CHECK(h.stats().printed == 1);
  CHECK(h.stats().filtered_out == 1);
}

TEST_CASE("correlator on_idle prints audit events that waited long enough", "[correlate]") {
  Harness h;
  h.feed({full(at(0, 1), kR1, step("before")), full(at(0, 2), kR1, audit_body(kZero), "INFO")});
  h.correlator.settle_waiting(std::chrono::hours(1));
  CHECK(h.events().empty());
  h.correlator.settle_waiting(std::chrono::milliseconds(0));
  REQUIRE(h.events().size() == 1);
  CHECK(!h.events()[0].access);
  CHECK(h.events()[0].related_messages() == Messages{"before"});
  CHECK(h.events()[0].by == JoinKey::RequestId);
  CHECK(h.stats().without_access == 1);
}

TEST_CASE("correlator passes idle on to its sink and its sink's stop back up",
          "[correlate][stage]") {
  // A sink whose output went away after the first event.
  struct GoneAfterOne final : JoinedEventSink {
    bool on_event(const JoinedEvent&) override { return ++events < 1; }
    void on_idle() override { ++idles; }
    int events = 0;
    int idles = 0;
  } sink;
  Correlator correlator(JoinLimits{}, nullptr, sink);
  RecordAssembler assembler(correlator);
  assembler.begin_input("test.log");
  assembler.on_line(full(at(0, 1), kR1, access_body(kZero, kR1), "INFO"), 1);
  assembler.on_line(full(at(0, 2), kR1, audit_body(kZero), "INFO"), 2);
  CHECK_FALSE(assembler.stopped());
  assembler.on_idle();  // hands the records on: the event goes to the sink, which says stop
  CHECK(sink.idles == 1);
  CHECK(sink.events == 1);
  CHECK(assembler.stopped());
}

TEST_CASE("correlator reads json lines too", "[correlate]") {
  auto json = [](const std::string& time, const std::string& rid, const std::string& fields,
                 const std::string& target) {
    return "{\"timestamp\":\"" + time + "\",\"level\":\"INFO\",\"fields\":{" + fields +
           "},\"target\":\"" + target + "\",\"spans\":[{\"request_id\":\"" + rid +
           "\",\"name\":\"HTTP request\"}]}";
  };
  Harness h;
  h.feed({json(at(0, 1), kR2, "\"message\":\"other\"", "pkgly::app"),
          json(at(0, 2), kR1, "\"message\":\"mine\"", "pkgly::app"),
          json(at(0, 3), kR1,
               "\"message\":\"HTTP access\",\"trace_id\":\"" + kZero +
                   "\",\"http.request.method\":\"GET\",\"request_id\":\"" + kR1 + "\"",
               "pkgly::access"),
          json(at(0, 4), kR1,
               "\"message\":\"Audit event\",\"trace_id\":\"" + kZero +
                   "\",\"action\":\"auth.me\",\"http_request_method\":\"GET\","
                   "\"http_response_status_code\":200",
               "pkgly::audit")});
  REQUIRE(h.events().size() == 1);
  CHECK(h.events()[0].access_request() == kR1);
  CHECK(h.events()[0].related_messages() == Messages{"mine"});
}

}  // namespace pkgly_trail
