// Every doubt about the input is said on stderr, and --strict makes it an error (exit 2).
#include <catch2/catch.hpp>
#include <sstream>

#include "support/process.hpp"
#include "support/text_lines.hpp"

namespace pkgly_trail {
using testing::lines_of;
using testing::run_trail;

TEST_CASE("a json audit line cut at --max-line-bytes is reported - never skipped silently",
          "[cli][doubt]") {
  const std::string line =
      "{\"fields\":{\"message\":\"Audit event\",\"actor_username\":\"bob\",\"query\":\"" +
      std::string(5000, 'Q') +
      "\"},\"level\":\"INFO\",\"target\":\"pkgly::audit\",\"timestamp\":\"2025-11-20T10:15:30.1Z\"}"
      "\n";
  auto relaxed = run_trail("audit -o json --max-line-bytes 4096 -", line);
  CHECK(relaxed.err.find("longer than --max-line-bytes") != std::string::npos);
  CHECK(relaxed.err.find("could not be parsed") != std::string::npos);
  auto strict = run_trail("audit -o json --strict --max-line-bytes 4096 -", line);
  CHECK(strict.status == 2);
}

TEST_CASE("a fake audit record inside a value is warned about and fails --strict",
          "[cli][doubt][security]") {
  const std::string fake =
      "2025-11-20T10:15:30.100000Z  INFO pkgly::audit: Audit event "
      "trace_id=00000000000000000000000000000000 action=user.delete outcome=success "
      "actor_username=admin actor_id=1 actor_authenticated=true resource_kind= resource_id= "
      "resource_name= repository_id= storage_id= target_user_id=0 token_id=0 path= query= "
      "http_request_method=DELETE http_route=/api/user/{id} url_path=/api/user/7 "
      "http_response_status_code=204";
  const std::string genuine =
      "2025-11-20T10:15:30.000000Z  INFO pkgly::audit: Audit event "
      "trace_id=00000000000000000000000000000000 action=package.search outcome=success "
      "actor_username=bob actor_id=3 actor_authenticated=true resource_kind= resource_id= "
      "resource_name= repository_id= storage_id= target_user_id=0 token_id=0 path= query=x\n" +
      fake +
      "\ny http_request_method=GET http_route=/api/search/packages url_path=/api/search/packages "
      "http_response_status_code=200\n";
  auto relaxed = run_trail("audit -o json -", genuine);
  CHECK(relaxed.status == 0);
  CHECK(relaxed.out.find("\"actor_username\":\"bob\"") != std::string::npos);
  CHECK(relaxed.out.find("\"suspect\":") != std::string::npos);
  CHECK(relaxed.out.find("\"action\":\"user.delete\"") == std::string::npos);
  CHECK(relaxed.err.find("test.log") == std::string::npos);
  CHECK(relaxed.err.find("-:2") != std::string::npos);
  auto strict = run_trail("audit -o json --strict -", genuine);
  CHECK(strict.status == 2);
}

TEST_CASE("a second access record for a request is warned about and fails --strict",
          "[cli][doubt][security]") {
  // A forged access record (its whole line in a value written earlier in the request) with
  // the request's id: the join keeps the newest and marks it.
  auto access = [](const std::string& time, const std::string& method, const std::string& status,
                   const std::string& client) {
    return "2025-11-20T10:15:30." + time +
           "Z  INFO HTTP request{request_id=11111111-1111-4111-8111-111111111111}: "
           "pkgly::access: HTTP access trace_id=00000000000000000000000000000000 "
           "http.request.method=" +
           method +
           " http.route=/api/user/{id} url.path=/api/user/7 "
           "http.response.status_code=" +
           status +
           " duration_ms=3 "
           "request_id=11111111-1111-4111-8111-111111111111 client.address=\"" +
           client + "\"\n";
  };
  const std::string log =
      access("000001", "GET", "200", "10.0.0.66") + access("000002", "DELETE", "204", "10.0.0.7") +
      "2025-11-20T10:15:30.000003Z  INFO HTTP request{request_id=11111111-1111-4111-8111-"
      "111111111111}: pkgly::audit: Audit event trace_id=00000000000000000000000000000000 "
      "action=user.delete outcome=success actor_username=admin actor_id=1 "
      "actor_authenticated=true resource_kind= resource_id= resource_name= repository_id= "
      "storage_id= target_user_id=7 token_id=0 path= query= http_request_method=DELETE "
      "http_route=/api/user/{id} url_path=/api/user/7 http_response_status_code=204\n";
  auto relaxed = run_trail("join -o json -", log);
  CHECK(relaxed.status == 0);
  CHECK(relaxed.out.find("\"client.address\":\"10.0.0.7\"") != std::string::npos);
  CHECK(relaxed.out.find("\"suspect\":") != std::string::npos);
  CHECK(relaxed.err.find("1 access record(s) have the request id of an earlier one") !=
        std::string::npos);
  CHECK(relaxed.err.find("(first at -:2)") != std::string::npos);
  CHECK(run_trail("join -o ecs -", log).out.find("\"suspect\":\"another access record") !=
        std::string::npos);
  CHECK(run_trail("join -o json --strict -", log).status == 2);
  CHECK(run_trail("report -o json --strict -", log).status == 2);
  // The compliance report counts the event whose join is in doubt.
  CHECK(run_trail("report -o json -", log).out.find("\"suspect_events\":1") != std::string::npos);
  // The access record alone, once: no doubt.
  auto single = run_trail("join -o json --strict -", log.substr(log.find('\n') + 1));
  CHECK(single.status == 0);
  CHECK(single.err == "");
}

TEST_CASE("join marks an audit event whose HTTP fields differ from its access record",
          "[cli][doubt][security]") {
  // The two-line reading of `query=x <imitated end>⏎<fake record head>` + genuine tail: each
  // line is a whole audit record. The access record of bob's request tells the truth.
  const std::string span = "HTTP request{request_id=22222222-2222-4222-8222-222222222222}: ";
  auto fields = [](const std::string& action, const std::string& actor) {
    return "trace_id=00000000000000000000000000000000 action=" + action +
           " outcome=success actor_username=" + actor +
           " actor_id=3 actor_authenticated=true resource_kind= resource_id= resource_name= "
           "repository_id= storage_id= target_user_id=0 token_id=0 path= query=";
  };
  const std::string log =
      "2025-11-20T10:15:30.000001Z  INFO " + span +
      "pkgly::access: HTTP access trace_id=00000000000000000000000000000000 "
      "http.request.method=GET http.route=/api/search/packages url.path=/api/search/packages "
      "http.response.status_code=200 duration_ms=3 "
      "request_id=22222222-2222-4222-8222-222222222222\n"
      "2025-11-20T10:15:30.000002Z  INFO " +
      span + "pkgly::audit: Audit event " + fields("package.search", "bob") +
      "x http_request_method=DELETE http_route=/api/user/{id} url_path=/api/user/7 "
      "http_response_status_code=204\n"
      "2025-11-20T10:15:30.000002Z  INFO HTTP request{request_id=r-9}: pkgly::audit: Audit event " +
      fields("user.delete", "admin") +
      "z http_request_method=GET http_route=/api/search/packages url_path=/api/search/packages "
      "http_response_status_code=200\n";
  auto relaxed = run_trail("join -o json -", log);
  CHECK(relaxed.status == 0);
  const std::size_t bob = relaxed.out.find("\"actor_username\":\"bob\"");
  REQUIRE(bob != std::string::npos);
  const std::string bob_line = relaxed.out.substr(bob, relaxed.out.find('\n', bob) - bob);
  CHECK(bob_line.find("\"suspect\":\"its access record shows another") != std::string::npos);
  CHECK(relaxed.err.find("1 audit event(s) name another method") != std::string::npos);
  // The fake record (its request id invented) has no access record: marked too.
  const std::size_t admin = relaxed.out.find("\"actor_username\":\"admin\"");
  REQUIRE(admin != std::string::npos);
  CHECK(relaxed.out.find("\"suspect\":\"no access record of its own", admin) != std::string::npos);
  CHECK(relaxed.err.find("1 audit event(s) of an HTTP request came without") != std::string::npos);
  CHECK(relaxed.err.find("(first at -:3)") != std::string::npos);
  CHECK(relaxed.err.find("(first at -:2)") != std::string::npos);
  CHECK(run_trail("join -o json --strict -", log).status == 2);
}

TEST_CASE("red-team logs: every forged or altered event comes out marked - and warned about",
          "[cli][doubt][security]") {
  // tests/fixtures/attack-*.log, written by the red team as Pkgly would (docs/security.md):
  //  - whole-request-in-query (full): `query=x <genuine end>⏎<fake access>⏎<fake audit>⏎<fake
  //    access>⏎<fake audit head>` plus Pkgly's genuine end: every line fits, every join agrees;
  //    the URL in the genuine span shows the fakes, %0A-encoded.
  //  - pretty-span-theft: a fake `at` line ends the genuine audit record before its span, and
  //    an imitation takes the span and the genuine access record; the genuine event joined a
  //    stranger's access record by adjacency.
  for (const std::string name : {"attack-whole-request-in-query", "attack-pretty-span-theft"}) {
    INFO(name);
    auto run = run_trail("join -o json " + testing::fixture_arg(name + ".log"));
    CHECK(run.status == 0);
    std::istringstream lines(run.out);
    int forged = 0, marked_forged = 0, genuine_bob = 0;
    for (std::string line; std::getline(lines, line);) {
      const bool suspect = line.find("\"suspect\":") != std::string::npos;
      if (line.find("\"actor_username\":\"admin\"") != std::string::npos ||
          line.find("\"actor_username\":\"anonymous\"") != std::string::npos) {
        ++forged;
        marked_forged += suspect ? 1 : 0;
      } else if (line.find("\"actor_username\":\"bob\"") != std::string::npos) {
        ++genuine_bob;
        CHECK_FALSE(suspect);  // events far from the attack stay clean
      }
    }
    CHECK(forged >= 2);
    CHECK(marked_forged == forged);
    CHECK(genuine_bob >= 2);
    CHECK(run.err.find("warning") != std::string::npos);
    CHECK(run_trail("join -o json --strict " + testing::fixture_arg(name + ".log")).status == 2);
  }
}

TEST_CASE(
    "red-team log: pretty with ANSI - a user name that imitates an audit record's end is said",
    "[cli][doubt][security]") {
  // tests/fixtures/attack-pretty-ansi-orphan-tail.log (red team, round 5; OpenTelemetry on): a
  // user name `admin, actor_id: 1, ... http_response_status_code: 200ESC[0m⏎ <fake at line>⏎⏎
  // <fake sqlx record head>` makes the genuine event read as admin's; Pkgly's genuine end
  // (`, actor_id: 9, ... 200ESC[0m`) lands in the fake record, and its line ends with the
  // colour reset that pretty writes after the fields. The orphan tail must be seen there.
  const std::string log = testing::fixture_arg("attack-pretty-ansi-orphan-tail.log");
  for (const std::string command : {"audit", "join"}) {
    INFO(command);
    auto run = run_trail(command + " -o json " + log);
    CHECK(run.status == 0);
    CHECK(run.err.find("end the way an audit record ends") != std::string::npos);
    bool admin_seen = false;
    for (const std::string& line : lines_of(run.out)) {
      if (line.find("\"actor_username\":\"admin\"") == std::string::npos) continue;
      admin_seen = true;
      CHECK(line.find("\"suspect\":") != std::string::npos);
    }
    CHECK(admin_seen);
    CHECK(run_trail(command + " -o json --strict " + log).status == 2);
  }
}

TEST_CASE("red-team log: a json record without a time inside a URL's line breaks is said",
          "[cli][doubt][security]") {
  // tests/fixtures/attack-url-json.sh (red team, round 6): in a full+ANSI compose log, one
  // anonymous request's path carries `ESC[1m}ESC[0m...: b` LF <a json websocket audit event by
  // admin, without "timestamp"> LF. Pkgly logs the decoded path unquoted in several places, so
  // five fakes came out as genuine: the URL check looked for their time in the URL, and they
  // had none; websocket events have no access record for the join to compare. In the second
  // log the fake's target is also spelled with JSON escapes, past the audit marker count.
  for (const std::string name :
       {"attack-url-json-no-timestamp", "attack-url-json-escaped-target"}) {
    INFO(name);
    const std::string log = testing::fixture_arg(name + ".log.gz");
    auto run = run_trail("join -o json " + log);
    CHECK(run.status == 0);
    int fakes = 0;
    for (const std::string& line : lines_of(run.out)) {
      if (line.find("\"path\":\"secrets/\"") == std::string::npos) continue;
      ++fakes;
      CHECK(line.find("\"suspect\":") != std::string::npos);
    }
    CHECK(fakes == 5);
    CHECK(run.err.find("warning") != std::string::npos);
    CHECK(run_trail("join --strict " + log).status == 2);
  }
}

TEST_CASE("red-team log: a value's lines under docker's receive time do not pass for records",
          "[cli][doubt][security]") {
  // tests/fixtures/attack-receive-time-request.log (red team, round 3): `docker compose logs
  // --timestamps` writes a receive time before every physical line, the lines of a value
  // included. A search query carries a whole fake request whose lines have no time of their
  // own (`  INFO HTTP request{...}: pkgly::access: ...`, then a fake `user.create` by admin):
  // the receive time once passed for the record's own time and the fakes for records.
  const std::string log = testing::fixture_arg("attack-receive-time-request.log");
  auto run = run_trail("join -o json " + log);
  CHECK(run.status == 0);
  CHECK(run.out.find("\"actor_username\":\"admin\"") == std::string::npos);
  // The genuine event that carried the query comes out whole, marked.
  std::istringstream lines(run.out);
  int carol_search = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.find("\"action\":\"package.search\"") == std::string::npos ||
        line.find("\"actor_username\":\"carol\"") == std::string::npos)
      continue;
    ++carol_search;
    CHECK(line.find("\"suspect\":") != std::string::npos);
    CHECK(line.find("user.create") != std::string::npos);  // the query, whole
  }
  CHECK(carol_search == 1);
  CHECK(run.err.find("carry the audit marker") != std::string::npos);
  CHECK(run_trail("join --strict " + log).status == 2);
  CHECK(run_trail("audit --strict " + log).status == 2);
}

TEST_CASE("the report itself says where the log hid or doubted records", "[cli][doubt][report]") {
  // Red team round 4: an attacker sized a line so that their own audit line was glued onto the
  // record before it; the report counted one event less and showed no doubt, the warnings
  // being on stderr only. The report's totals now carry the reading's doubts.
  const auto glued = run_trail("report -o json -",
                               "2025-11-20T10:15:30.000001Z DEBUG pkgly::repository: lookup "
                               "path=x pkgly::audit: Audit event trace_id=0 action=user.delete\n");
  CHECK(glued.out.find("\"audit_marker_lines\":1") != std::string::npos);
  CHECK(run_trail("report -o json -", "").out.find("\"audit_marker_lines\":0") !=
        std::string::npos);
}

}  // namespace pkgly_trail
