// The continuation rule (src/parse/record_assembler.cpp): which lines belong to the record
// before them. One test per route by which an attacker who writes part of a value could
// forge, hide or alter an audit event (issue #12), and the stats that say so.
#include <catch2/catch.hpp>
#include <cctype>
#include <cstdio>
#include <sstream>

#include "parse/audit_lines.hpp"
#include "parse/parse_helpers.hpp"

namespace pkgly_trail {
using testing::audit_record;
using testing::Dialect;
using testing::dialects;
using testing::field_text;
using testing::parse_text;
using testing::record_end;

namespace {

std::vector<const Record*> audits_of(const testing::Parsed& parsed) {
  std::vector<const Record*> audits;
  for (const Record& r : parsed.records)
    if (r.is_audit()) audits.push_back(&r);
  return audits;
}

// The one audit event of `parsed`, which must be `actor`'s (the genuine one, not a fake).
const Record& only_audit_of(const testing::Parsed& parsed, std::string_view actor) {
  const std::vector<const Record*> audits = audits_of(parsed);
  REQUIRE(audits.size() == 1);
  CHECK(field_text(*audits[0], "actor_username") == actor);
  return *audits[0];
}

std::string fake_delete(const Dialect& d) {
  std::string fake = audit_record(d, "admin", "", "200");
  fake.replace(fake.find("package.search"), 14, "user.delete");
  return fake;
}

const Dialect& dialect(std::string_view name) {
  for (const Dialect& d : dialects())
    if (d.name == name) return d;
  throw std::logic_error("no such dialect");
}

}  // namespace

TEST_CASE("a value naming the last key before a newline does not end the record early",
          "[parse][continuation][security]") {
  // Route 1: `query=http_response_status_code⏎<fake audit>⏎x <genuine tail>`. A key counts
  // only where it stands as a key.
  for (const Dialect& d : dialects()) {
    DYNAMIC_SECTION(d.name) {
      const std::string query = "http_response_status_code\n" + fake_delete(d) + "\nx";
      std::string log = audit_record(d, "bob", query, "201") + record_end(d);
      log += "\n" + audit_record(d, "carol", "ok", "200") + record_end(d) + "\n";
      auto parsed = parse_text(log);
      auto audits = audits_of(parsed);
      REQUIRE(audits.size() == 2);
      CHECK(field_text(*audits[0], "actor_username") == "bob");
      CHECK(field_text(*audits[0], "query") == query);
      CHECK(field_text(*audits[0], "http_response_status_code") == "201");
      CHECK_FALSE(audits[0]->suspect.empty());
      CHECK(field_text(*audits[1], "actor_username") == "carol");
      CHECK(audits[1]->suspect.empty());
      CHECK(parsed.stats.folded_record_lines >= 1);
      CHECK(parsed.stats.audit_marker_lines_not_events == 1);
      CHECK(parsed.stats.first_folded == "test.log:2");
    }
  }
}

TEST_CASE("an upstream record cut inside url.full holds the fake record it carries",
          "[parse][continuation][security]") {
  const Dialect& d = dialect("full");
  const std::string upstream_head =
      "2025-11-20T10:15:30.050000Z  WARN HTTP request{request_id=r-1}: pkgly::upstream_access: "
      "Upstream HTTP failed trace_id=00000000000000000000000000000000 http.request.method=GET "
      "url.full=https://registry.npmjs.org/duration_ms";
  std::string log = upstream_head + "\n" + fake_delete(d) +
                    "\nx duration_ms=12 error=error sending request for url (https://up/)\n" +
                    audit_record(d, "bob", "q", "200") + "\n";
  auto parsed = parse_text(log);
  only_audit_of(parsed, "bob");
  REQUIRE(parsed.records.size() == 2);
  const Record& upstream = parsed.records[0];
  CHECK(upstream.target == "pkgly::upstream_access");
  CHECK(field_text(upstream, "duration_ms") == "12");
  CHECK(field_text(upstream, "url.full").find("user.delete") != std::string::npos);
  CHECK_FALSE(upstream.suspect.empty());
}

TEST_CASE("a failed upstream call with a Display error does not swallow what follows",
          "[parse][continuation][schema]") {
  // Conformance class 3: `error = %err` is unquoted text, last.
  const Dialect& d = dialect("full");
  std::string log =
      "2025-11-20T10:15:30.050000Z  WARN HTTP request{request_id=r-1}: pkgly::upstream_access: "
      "Upstream HTTP failed trace_id=00000000000000000000000000000000 http.request.method=GET "
      "url.full=https://registry.npmjs.org/chalk duration_ms=30001 error=error sending request "
      "for url (https://registry.npmjs.org/chalk): operation timed out\n"
      "2025-11-20T10:15:30.060000Z  INFO HTTP request{request_id=r-1}: pkgly::access: HTTP access "
      "trace_id=00000000000000000000000000000000 http.request.method=GET http.route=/x "
      "url.path=/x http.response.status_code=200 duration_ms=30002 request_id=r-1\n" +
      audit_record(d, "bob", "q", "200") + "\n";
  auto parsed = parse_text(log);
  REQUIRE(parsed.records.size() == 3);
  CHECK(field_text(parsed.records[0], "error") ==
        "error sending request for url (https://registry.npmjs.org/chalk): operation timed out");
  CHECK(parsed.records[0].schema_fit == SchemaFit::OpenEnded);
  CHECK(parsed.records[1].is_access());
  CHECK(parsed.records[2].is_audit());
  CHECK(parsed.stats.folded_record_lines == 0);
}

TEST_CASE("a span value cut by a newline holds the fake record it carries",
          "[parse][continuation][security]") {
  // Route 2: a RepoRequestPath Debug-prints the raw path, unquoted, inside the span list.
  const Dialect& d = dialect("full");
  std::string log =
      "2025-11-20T10:15:30.040000Z DEBUG HTTP request{request_id=r-1}:Repository Request"
      "{request_path=RepoRequestPath { path: Some(x\n" +
      fake_delete(d) +
      "\ny) } authentication=None}: pkgly::repository::requests: Repository Request Happening\n" +
      audit_record(d, "bob", "q", "200") + "\n";
  auto parsed = parse_text(log);
  only_audit_of(parsed, "bob");
  REQUIRE(parsed.records.size() == 2);
  CHECK(parsed.records[0].target == "pkgly::repository::requests");
  CHECK(parsed.records[0].request_id == "r-1");
  CHECK_FALSE(parsed.records[0].suspect.empty());
  CHECK(parsed.stats.unparsed_lines == 0);
}

TEST_CASE("a pretty record before its location line keeps a fake record inside its value",
          "[parse][continuation][security][pretty]") {
  // Route 2 in pretty: without the rule the fake record took over the real record's span
  // lines (and so its request and access record).
  const Dialect& d = dialect("pretty");
  const std::string earlier =
      "  2025-11-20T10:15:30.010000Z DEBUG pkgly::app: Session Cookie Found\n"
      "    at pkgly/src/app/authentication/layer.rs:15\n\n";
  std::string log = earlier +
                    "  2025-11-20T10:15:30.020000Z DEBUG pkgly::repository::maven::proxy: "
                    "Proxying request, url.full: https://up/x\n" +
                    fake_delete(d) + record_end(d) +
                    "    in pkgly::requests::HTTP request with request_id: fake-1\n\n"
                    "y\n    at pkgly/src/repository/maven/proxy.rs:8\n"
                    "    in pkgly::requests::HTTP request with request_id: r-1\n\n" +
                    audit_record(d, "bob", "q", "200") + record_end(d) +
                    "    in pkgly::requests::HTTP request with request_id: r-1\n\n";
  auto parsed = parse_text(log);
  const Record& bob = only_audit_of(parsed, "bob");
  CHECK(bob.request_id == "r-1");
  CHECK(parsed.stats.folded_record_lines == 1);
  CHECK(parsed.stats.audit_marker_lines_not_events == 1);
}

TEST_CASE("the piece after a 16 KiB docker split continues the line whatever it looks like",
          "[parse][continuation][security][docker]") {
  // Route 3: a query padded so that a fake record starts the next 16384-byte piece.
  SECTION("json") {
    const std::string head =
        "{\"fields\":{\"message\":\"Audit event\",\"actor_username\":\"bob\",\"query\":\"";
    std::string padding(16384 - head.size(), 'a');
    std::string piece1 = head + padding;
    REQUIRE(piece1.size() == 16384);
    std::string piece2 =
        "{ \\\"fields\\\":{} }\",\"http_response_status_code\":200},\"level\":\"INFO\","
        "\"target\":\"pkgly::audit\",\"timestamp\":\"2025-11-20T10:15:30.1Z\"}";
    auto parsed = parse_text(piece1 + "\n" + piece2 + "\n");
    REQUIRE(parsed.records.size() == 1);
    CHECK(parsed.records[0].is_audit());
    CHECK(field_text(parsed.records[0], "actor_username") == "bob");
    CHECK(parsed.stats.unparsed_lines == 0);
  }
  SECTION("full") {
    const Dialect& d = dialect("full");
    const std::string line = audit_record(d, "bob", "PAD", "200");
    const std::size_t at = line.find("PAD");
    std::string padded = line.substr(0, at) + std::string(16384 - at, 'a');
    REQUIRE(padded.size() == 16384);
    std::string rest = fake_delete(d) + line.substr(at + 3);
    auto parsed = parse_text(padded + "\n" + rest + "\n");
    const Record& bob = only_audit_of(parsed, "bob");
    CHECK(field_text(bob, "query").find("user.delete") != std::string::npos);
  }
}

TEST_CASE("a line that does not parse is never held - even with pkgly::audit in a value",
          "[parse][continuation][security]") {
  // Route 4: the schema comes from the parsed target only.
  const Dialect& d = dialect("full");
  for (std::string path :
       {std::string("x( }: b{ pkgly::audit: y"), std::string("x\x1b[1m}\x1b[0m pkgly::audit: y")}) {
    std::string log = "2025-11-20T10:15:30.040000Z DEBUG HTTP request{request_id=r-1}: " + path +
                      "\n" + audit_record(d, "bob", "q", "200") + "\n" +
                      audit_record(d, "carol", "q", "200") + "\n";
    auto parsed = parse_text(log);
    auto audits = audits_of(parsed);
    REQUIRE(audits.size() == 2);
    CHECK(field_text(*audits[0], "actor_username") == "bob");
    CHECK(field_text(*audits[1], "actor_username") == "carol");
    CHECK(parsed.stats.folded_record_lines == 0);
  }
}

TEST_CASE("a newline after a value that imitates the record's last fields reopens the record",
          "[parse][continuation][security]") {
  // Route 5: `query=x http_request_method=DELETE ... http_response_status_code=204⏎y
  // <genuine tail>` fits at its first line; the genuine tail shows it was not the end.
  for (const Dialect& d : dialects()) {
    DYNAMIC_SECTION(d.name) {
      const std::string forged_tail = delete_tail(d);
      const std::string query = "x" + forged_tail + "\ny";
      std::string log = audit_record(d, "bob", query, "200") + record_end(d) + "\n";
      auto parsed = parse_text(log);
      auto audits = audits_of(parsed);
      REQUIRE(audits.size() == 1);
      CHECK(field_text(*audits[0], "query") == query);
      CHECK(field_text(*audits[0], "http_request_method") == "GET");
      CHECK(field_text(*audits[0], "http_response_status_code") == "200");
      CHECK(parsed.stats.non_tracing_lines == 0);
      if (std::string(d.name) != "pretty") {
        CHECK_FALSE(audits[0]->suspect.empty());
        CHECK(parsed.stats.folded_record_lines == 1);
      }
    }
  }
}

TEST_CASE("a compose prefix inside a value of a log without prefixes is content",
          "[parse][continuation][security][envelope]") {
  // Route 6: `q⏎pkgly-1  | <fake>` must not put the fake line in another service's slot.
  const Dialect& d = dialect("full");
  const std::string query = "q\npkgly-1  | " + fake_delete(d) + "\nx";
  std::string log =
      audit_record(d, "bob", query, "201") + "\n" + audit_record(d, "carol", "q", "200") + "\n";
  auto parsed = parse_text(log);
  auto audits = audits_of(parsed);
  REQUIRE(audits.size() == 2);
  CHECK(field_text(*audits[0], "query") == query);
  CHECK(field_text(*audits[1], "actor_username") == "carol");
}

TEST_CASE("a blank line inside a pretty value does not end the record",
          "[parse][continuation][security][pretty]") {
  // Route 7.
  const Dialect& d = dialect("pretty");
  const std::string query = "x\n\n" + fake_delete(d) + "\ny";
  std::string log = audit_record(d, "bob", query, "201") + record_end(d) +
                    "    in pkgly::requests::HTTP request with request_id: r-1\n\n" +
                    audit_record(d, "carol", "q", "200") + record_end(d) + "\n";
  auto parsed = parse_text(log);
  auto audits = audits_of(parsed);
  REQUIRE(audits.size() == 2);
  CHECK(field_text(*audits[0], "query") == query);
  CHECK(audits[0]->request_id == "r-1");
  CHECK(field_text(*audits[1], "actor_username") == "carol");
}

TEST_CASE("hundreds of newlines do not outlast the hold", "[parse][continuation][security]") {
  // Route 8: 256 newlines (770 bytes of %0A) used to exceed a line limit.
  const Dialect& d = dialect("full");
  const std::string query = std::string(1000, '\n') + fake_delete(d) + "\nx";
  std::string log =
      audit_record(d, "bob", query, "201") + "\n" + audit_record(d, "carol", "q", "200") + "\n";
  auto parsed = parse_text(log);
  auto audits = audits_of(parsed);
  REQUIRE(audits.size() == 2);
  CHECK(field_text(*audits[0], "query") == query);
  CHECK(parsed.stats.folded_record_lines >= 1);
}

TEST_CASE("a line cut at --max-line-bytes ends its record and holds nothing",
          "[parse][continuation][security]") {
  // Route 9: the cut line is unfinished (cut inside its query); it must not swallow the
  // next event.
  const Dialect& d = dialect("full");
  const std::string long_line = audit_record(d, "bob", std::string(5000, 'q'), "200");
  testing::CollectRecords collected;
  RecordAssembler assembler(collected);
  assembler.begin_input("big.log");
  assembler.on_line(audit_record(d, "alice", "q", "200"), 1);
  assembler.on_line(std::string_view(long_line).substr(0, 1000), 2, true);
  assembler.on_line(audit_record(d, "carol", "q", "200"), 3);
  assembler.end_input();
  std::vector<std::string> actors;
  for (const Record& r : collected.records) actors.push_back(field_text(r, "actor_username"));
  REQUIRE(actors.size() == 3);
  CHECK(actors[2] == "carol");
  CHECK(collected.records[1].suspect == "cut at --max-line-bytes");
  CHECK(collected.records[2].suspect.empty());
}

TEST_CASE("a held record's continuation lines cost no parse unless they hold its last key",
          "[parse][continuation][cost]") {
  // 10,000 continuation lines used to re-parse the whole record each (quadratic).
  const Dialect& d = dialect("full");
  std::string query;
  for (int i = 0; i < 10000; ++i) query += "line of a long value\n";
  query += "end";
  std::string log = audit_record(d, "bob", query, "201") + "\n";
  auto parsed = parse_text(log);
  auto audits = audits_of(parsed);
  REQUIRE(audits.size() == 1);
  CHECK(field_text(*audits[0], "query") == query);
  CHECK(parsed.stats.held_parses == 1);
}

TEST_CASE("a complete record that every following line fits again costs a bounded number of parses",
          "[parse][continuation][cost][security]") {
  // Red team: `query=x <tail>` then thousands of `z <tail>` lines: each line made the joined
  // record fit again, and each fit parsed the whole record (quadratic: 20 s for 700 KB).
  const Dialect& d = dialect("full");
  const std::string tail = search_tail(d, "201");
  auto run = [&](int lines) {
    std::string log = audit_record(d, "bob", "x", "201") + "\n";
    for (int i = 0; i < lines; ++i) log += "z" + tail + "\n";
    log += audit_record(d, "carol", "q", "200") + "\n";
    auto parsed = parse_text(log);
    auto audits = audits_of(parsed);
    REQUIRE(audits.size() == 2);
    CHECK_FALSE(audits[0]->suspect.empty());  // said, whichever reading is kept
    CHECK(field_text(*audits.back(), "actor_username") == "carol");
    return parsed.stats.held_parses;
  };
  const std::uint64_t small = run(2000);
  const std::uint64_t large = run(4000);
  CHECK(small <= 64);
  CHECK(large == small);
}

TEST_CASE("a held record that names its last key on every line is given up - and says so",
          "[parse][continuation][cost][security]") {
  const Dialect& d = dialect("full");
  std::string query;
  for (int i = 0; i < 1000; ++i) query += "http_response_status_code=x\n";
  std::string log = audit_record(d, "bob", query + "end", "201") + "\n" +
                    audit_record(d, "carol", "q", "200") + "\n";
  auto parsed = parse_text(log);
  CHECK(parsed.stats.held_parses <= 64);
  CHECK(parsed.stats.suspect_records >= 1);
  auto audits = audits_of(parsed);
  REQUIRE_FALSE(audits.empty());
  CHECK(field_text(*audits.back(), "actor_username") == "carol");
}

TEST_CASE("many compose services keep a bounded number of slots", "[parse][continuation][cost]") {
  // 160,000 distinct service names used to cost a scan of every earlier one per line.
  testing::CollectRecords collected;
  RecordAssembler assembler(collected);
  assembler.begin_input("-");
  const Dialect& d = dialect("full");
  const std::string line = audit_record(d, "bob", "q", "200");
  for (int i = 0; i < 20000; ++i)
    assembler.on_line("svc" + std::to_string(i) + "-1  | " + line, static_cast<unsigned>(i + 1));
  assembler.end_input();
  CHECK(collected.records.size() == 20000);
  CHECK(assembler.service_slots() <= 2048);
}

TEST_CASE("a line with the audit marker that is not an audit event is counted",
          "[parse][continuation][safety-net]") {
  std::string log =
      "pkgly::audit: Audit event stray text\n"
      "2025-11-20T10:15:30.040000Z  INFO pkgly::repository::maven::hosted: Saving File: "
      "com/acme/pkgly::audit: Audit event action=user.delete/1.0/x.pom\n";
  auto parsed = parse_text(log);
  REQUIRE(parsed.records.size() == 1);
  CHECK(parsed.records[0].message ==
        std::optional<std::string_view>(
            "Saving File: com/acme/pkgly::audit: Audit event action=user.delete/1.0/x.pom"));
  CHECK(parsed.records[0].fields.empty());
  CHECK(parsed.stats.audit_marker_lines_not_events == 2);
  CHECK(parsed.stats.first_audit_marker_not_event == "test.log:1");
}

TEST_CASE("a json record with bytes that are not UTF-8 is kept - those bytes as U+FFFD",
          "[parse][json]") {
  // Conformance class 6.
  std::string log =
      "{\"fields\":{\"message\":\"Audit event\",\"actor_username\":\"b\xff"
      "ob\"},"
      "\"level\":\"INFO\",\"target\":\"pkgly::audit\",\"timestamp\":\"2025-11-20T10:15:30.1Z\"}\n";
  auto parsed = parse_text(log);
  REQUIRE(parsed.records.size() == 1);
  CHECK(field_text(parsed.records[0], "actor_username") == "b\xEF\xBF\xBDob");
  CHECK(parsed.stats.unparsed_lines == 0);
}

}  // namespace pkgly_trail

namespace pkgly_trail {

TEST_CASE("a json line of exactly 16 KiB that is a whole object is not a docker piece",
          "[parse][continuation][docker][json]") {
  auto json_audit = [](const std::string& actor, std::size_t size) {
    const std::string head = "{\"fields\":{\"message\":\"Audit event\",\"actor_username\":\"" +
                             actor + "\",\"query\":\"";
    const std::string tail =
        "\"},\"level\":\"INFO\",\"target\":\"pkgly::audit\",\"timestamp\":\"2025-11-20T10:15:30."
        "1Z\"}";
    return head + std::string(size - head.size() - tail.size(), 'q') + tail;
  };
  const std::string exact = json_audit("mallory", 16384);
  REQUIRE(exact.size() == 16384);
  auto parsed = parse_text(exact + "\n" + json_audit("admin", 300) + "\n");
  REQUIRE(parsed.records.size() == 2);
  CHECK(field_text(parsed.records[0], "actor_username") == "mallory");
  CHECK(field_text(parsed.records[1], "actor_username") == "admin");
}

TEST_CASE("a compose prefix inside a kubectl-prefixed line starts and continues nothing",
          "[parse][continuation][envelope]") {
  const std::string pod = "[pod/pkgly-7d9f8c6b5-x2k4q/pkgly] ";
  std::string log = pod +
                    "2025-11-20T10:15:30.040000Z DEBUG pkgly::repository: Repository Request "
                    "Completed\n" +
                    pod + "postgres-1  | 2025-11-20 10:16:23.831 UTC [27] LOG:  checkpoint\n";
  auto parsed = parse_text(log);
  REQUIRE(parsed.records.size() == 1);
  CHECK(parsed.records[0].message ==
        std::optional<std::string_view>("Repository Request Completed"));
  CHECK(parsed.stats.non_tracing_lines == 1);
}

}  // namespace pkgly_trail

namespace pkgly_trail {

TEST_CASE("a value that imitates its record's end and then whole records marks them all",
          "[parse][continuation][security]") {
  // The red-team route: `query=x <imitated last fields>⏎<fake access>⏎<fake audit>⏎<head of a
  // record without schema>`; Pkgly's genuine tail then lands in that last record.
  const Dialect& d = dialect("full");
  const std::string imitated = search_tail(d, "200");
  const std::string query =
      "x" + imitated + "\n" + fake_delete(d) + "\n2025-11-20T10:15:31.000003Z DEBUG pkgly::x: y";
  std::string log = audit_record(d, "mallory", query, "201") + "\n";
  auto parsed = parse_text(log);
  auto audits = audits_of(parsed);
  REQUIRE_FALSE(audits.empty());
  for (const Record* audit : audits) CHECK_FALSE(audit->suspect.empty());
  CHECK(parsed.stats.orphan_tail_lines == 1);
  CHECK(parsed.stats.first_orphan_tail == "test.log:3");
}

TEST_CASE("a value's line imitating another service's prefix keeps the genuine end said",
          "[parse][continuation][security]") {
  // Red team round 4: under compose prefixes, a search term `x <imitated end>⏎pkgly-2  | y`.
  // docker prefixes the value's second line too; the inner prefix made it another program's
  // line, set aside with the genuine end of the audit record on it, and nothing said so.
  const Dialect& d = dialect("full");
  const std::string query =
      "x" + audit_tail(d, "GET", "/api/info", "/api/info", "200") + "\npkgly-2  | y";
  std::string log;
  std::istringstream lines(audit_record(d, "mallory", query, "200") + "\n");
  for (std::string line; std::getline(lines, line);) log += "pkgly-1  | " + line + "\n";
  auto parsed = parse_text(log);
  const auto audits = audits_of(parsed);
  REQUIRE(audits.size() == 1);
  CHECK_FALSE(audits[0]->suspect.empty());
  CHECK(parsed.stats.orphan_tail_lines == 1);
  CHECK(parsed.stats.first_orphan_tail == "test.log:2");
}

TEST_CASE("a genuine audit record is not an orphan tail of itself", "[parse][continuation]") {
  for (const Dialect& d : dialects()) {
    DYNAMIC_SECTION(d.name) {
      std::string log = audit_record(d, "bob", "first line\nsecond", "200") + record_end(d) + "\n" +
                        audit_record(d, "carol", "q", "200") + record_end(d) + "\n";
      auto parsed = parse_text(log);
      CHECK(parsed.stats.orphan_tail_lines == 0);
      CHECK(parsed.stats.suspect_records == 0);
      CHECK(audits_of(parsed).size() == 2);
    }
  }
}

TEST_CASE("an imitated end then a fake record that takes the genuine tail marks both readings",
          "[parse][continuation][security]") {
  // forgery_fuzz: `query=x <imitated end>⏎<fake record head>` followed by Pkgly's genuine tail
  // on the same line. Alone, each line is a whole audit record; joined, they are bob's. The
  // fake line names a key twice (its actor imitates fields), or does not fit alone at all.
  for (const Dialect& d : dialects()) {
    if (std::string(d.name) == "pretty") continue;  // its location line decides (own test)
    const std::string imitated = delete_tail(d);
    const std::string repeated_key = "admin" + d.sep + "actor_id" + d.close + "1" + d.sep +
                                     "actor_authenticated" + d.close + "true";
    for (const std::string& fake_actor : {repeated_key, std::string("admin")}) {
      std::string fake = audit_record(d, fake_actor, "z", "201");
      fake.replace(fake.find("package.search"), 14, "user.delete");
      if (fake_actor == "admin")  // does not fit alone: the tail comes after a cut value
        fake.replace(fake.find(d.sep + "token_id"), d.sep.size() + 8, d.sep + "token_ix");
      // The fake record's own tail is cut off: bob's genuine tail ends the line.
      fake.resize(fake.find(d.sep + "http_request_method"));
      const std::string value = "x" + imitated + "\n" + fake;
      DYNAMIC_SECTION(d.name << (fake_actor == "admin" ? " misfit" : " repeated key")) {
        std::string log = audit_record(d, "alice", "", "200") + "\n" +
                          audit_record(d, "bob", value, "201") + "\n" +
                          audit_record(d, "carol", "", "202") + "\n";
        auto parsed = parse_text(log);
        auto audits = audits_of(parsed);
        REQUIRE(audits.size() >= 3);
        for (const Record* audit : audits) {
          const Value* actor = audit->field("actor_username");
          REQUIRE(actor != nullptr);
          if (actor->text == "alice" || actor->text == "carol") continue;
          INFO("actor " << actor->text);
          // bob's altered record (DELETE 204) and the fake one: neither passes for genuine.
          CHECK_FALSE(audit->suspect.empty());
        }
      }
    }
  }
}

TEST_CASE("an access record whose user value imitates its optional end keeps the genuine end",
          "[parse][continuation][security]") {
  // Red team: `user=mallory client.address="10.0.0.5" ... http.response.body.size=0⏎.` and then
  // Pkgly's genuine optional fields. Read line by line, the client address was the attacker's
  // and the genuine end was a stray line.
  const std::string head =
      "2025-11-20T10:15:30.000001Z  INFO HTTP request{request_id=r-1}: pkgly::access: HTTP "
      "access trace_id=00000000000000000000000000000000 http.request.method=DELETE "
      "http.route=/api/user/{id} url.path=/api/user/7 http.response.status_code=403 "
      "duration_ms=3 request_id=r-1 user=";
  const std::string value =
      "mallory client.address=\"10.0.0.5\" user_agent.original=\"Mozilla/5.0\" "
      "http.response.body.size=0\n.";
  const std::string log = head + value +
                          " client.address=\"198.51.100.66\" user_agent.original=\"curl/8\" "
                          "http.response.body.size=120\n";
  auto parsed = parse_text(log);
  REQUIRE(parsed.records.size() == 1);
  const Record& access = parsed.records[0];
  CHECK(field_text(access, "client.address") == "198.51.100.66");
  CHECK(field_text(access, "user") == value);
  CHECK_FALSE(access.suspect.empty());
  CHECK(parsed.stats.folded_record_lines == 1);
  CHECK(parsed.stats.non_tracing_lines == 0);
}

namespace {
std::string percent_encoded(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '.' || c == '_') {
      out.push_back(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", byte);
      out += hex;
    }
  }
  return out;
}
}  // namespace

TEST_CASE("records a request's URL line break can reach and that the URL wrote are marked",
          "[parse][continuation][security]") {
  // Red team: `query=x <genuine tail>⏎<fake access>⏎<fake audit head>` and Pkgly's genuine
  // tail: every line fits and every join agrees. The URL the attacker sent is in the span of
  // the genuine record, percent-encoded: it shows the fake lines and how far they reach.
  const std::string tail =
      " http_request_method=GET http_route=/api/search/packages url_path=/api/search/packages "
      "http_response_status_code=200";
  auto audit = [&](const std::string& time, const std::string& span, const std::string& actor,
                   const std::string& action, const std::string& query) {
    return "2025-11-20T10:15:30." + time + "Z  INFO HTTP request{" + span +
           "}: pkgly::audit: Audit event trace_id=00000000000000000000000000000000 action=" +
           action + " outcome=success actor_username=" + actor +
           " actor_id=3 actor_authenticated=true resource_kind= resource_id= resource_name= "
           "repository_id= storage_id= target_user_id=0 token_id=0 path= query=" +
           query;
  };
  const std::string fake_access =
      "2025-11-20T10:15:30.000500Z  INFO HTTP request{request_id=r-fake}: pkgly::access: HTTP "
      "access trace_id=00000000000000000000000000000000 http.request.method=DELETE "
      "http.route=/api/user/{id} url.path=/api/user/2 http.response.status_code=204 "
      "duration_ms=3 request_id=r-fake";
  const std::string fake_head = audit("000501", "request_id=r-fake", "admin", "user.delete", "y");
  const std::string value = "x" + tail + "\n" + fake_access + "\n" + fake_head;
  const std::string span = "url.query=q=" + percent_encoded(value) + " request_id=r-bob";
  const std::string log =
      audit("000001", "request_id=r-alice", "alice", "package.search", "") + tail + "\n" +
      audit("000002", span, "bob", "package.search", value) + tail + "\n" +
      audit("000900", "request_id=r-carol", "carol", "package.search", "") + tail + "\n";
  auto parsed = parse_text(log);
  std::vector<std::string> marked, clean;
  for (const Record& r : parsed.records) {
    const std::string who = r.is_access() ? "access " + field_text(r, "http.request.method")
                                          : field_text(r, "actor_username");
    (r.suspect.empty() ? clean : marked).push_back(who);
  }
  CHECK(marked == std::vector<std::string>{"bob", "access DELETE", "admin"});
  CHECK(clean == std::vector<std::string>{"alice", "carol"});
  CHECK(parsed.stats.url_break_records == 3);  // the two fakes and the genuine piece
  CHECK(parsed.stats.first_url_break == "test.log:3");
}

TEST_CASE("a fake json record spelling its time with JSON escapes is found in the URL too",
          "[parse][continuation][security]") {
  // Red team round 4: the time of a fake json record written `...30.00050\u0030Z`: the record's
  // time is `...30.000500Z`, which the URL did not spell out.
  const std::string tail =
      " http_request_method=GET http_route=/api/search/packages url_path=/api/search/packages "
      "http_response_status_code=200";
  const std::string head =
      "2025-11-20T10:15:30.000002Z  INFO HTTP request{SPAN}: pkgly::audit: Audit event "
      "trace_id=00000000000000000000000000000000 action=package.search outcome=success "
      "actor_username=bob actor_id=3 actor_authenticated=true resource_kind= resource_id= "
      "resource_name= repository_id= storage_id= target_user_id=0 token_id=0 path= query=";
  const std::string fake_access =
      "{\"timestamp\":\"2025-11-20T10:15:30.00050\\u0030Z\",\"level\":\"INFO\",\"fields\":{"
      "\"message\":\"HTTP access\",\"http.request.method\":\"DELETE\",\"request_id\":"
      "\"r-fake\"},\"target\":\"pkgly::access\",\"spans\":[{\"request_id\":\"r-fake\","
      "\"name\":\"HTTP request\"}]}";
  const std::string value = "x" + tail + "\n" + fake_access + "\ny";
  std::string line = head + value + tail + "\n";
  line.replace(line.find("SPAN"), 4, "url.query=q=" + percent_encoded(value) + " request_id=r-bob");
  auto parsed = parse_text(line);
  const Record* fake = nullptr;
  for (const Record& r : parsed.records)
    if (r.is_access()) fake = &r;
  REQUIRE(fake != nullptr);
  CHECK(fake->timestamp == "2025-11-20T10:15:30.000500Z");
  CHECK_FALSE(fake->suspect.empty());
  CHECK(parsed.stats.url_break_records >= 1);
}

TEST_CASE("a URL line break does not mark the records around it that it did not write",
          "[parse][continuation]") {
  // A hostile URL on a request whose records are all genuine (one line each): its neighbours'
  // timestamps are not in the URL.
  const std::string log =
      "2025-11-20T10:15:30.000001Z DEBUG HTTP request{url.path=\"/first%20line%0Asecond\"}: "
      "pkgly::app: routing\n"
      "2025-11-20T10:15:30.000002Z  INFO HTTP request{request_id=r-2}: pkgly::app: other\n";
  auto parsed = parse_text(log);
  REQUIRE(parsed.records.size() == 2);
  CHECK(parsed.records[0].suspect.empty());
  CHECK(parsed.records[1].suspect.empty());
  CHECK(parsed.stats.url_break_records == 0);
}

}  // namespace pkgly_trail
