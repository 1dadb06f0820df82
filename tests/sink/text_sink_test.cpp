#include <catch2/catch.hpp>

#include "pkgly_trail/sink/record_sink.hpp"
#include "sink/capture.hpp"
#include "sink/sample_records.hpp"

using namespace pkgly_trail;
using pkgly_trail::testing::Capture;

namespace {

Record audit_record(std::string_view outcome = "denied", std::string_view query = "") {
  return testing::audit_event(
      {{"action", Value::string("package.upload")},
       {"outcome", Value::string(outcome)},
       {"actor_username", Value::string("anonymous")},
       {"resource_name", Value::string("npm-hosted")},
       {"path", Value::string("@acme/x")},
       {"query", Value::string(query)},
       {"http_request_method", Value::string("PUT")},
       {"url_path", Value::string("/repositories/primary/npm-hosted/@acme%2fx")},
       {"http_response_status_code", Value::integer("401")}});
}

Record upstream_record() {
  Record r;
  r.timestamp = "2025-11-20T10:15:30Z";
  r.level = Level::Warn;
  r.target = kUpstreamAccessTarget;
  r.message = "Upstream HTTP failed";
  r.fields = {{"url.full", Value::string("https://registry.npmjs.org/x")},
              {"duration_ms", Value::integer("5")},
              {"retry", Value::boolean(false)}};
  r.spans = {Span{"HTTP request", 0, 0}, Span{"Repository Request", 0, 0}};
  r.derive_ids();
  return r;
}

std::string render(const Record& record, SinkOptions options = {}) {
  Capture capture;
  auto sink = make_record_sink(capture.out, options);
  sink->write(record);
  sink->finish();
  return capture.pipe.drain();
}

SinkOptions colored() {
  SinkOptions options;
  options.color = true;
  return options;
}

}  // namespace

TEST_CASE("text: an audit line") {
  CHECK(render(audit_record()) ==
        "2025-11-20T10:15:30.369463Z denied  package.upload           anonymous PUT "
        "/repositories/primary/npm-hosted/@acme%2fx 401 resource_name=npm-hosted path=@acme/x\n");
}

TEST_CASE("text: audit outcome colours") {
  CHECK(render(audit_record("denied"), colored()) ==
        "2025-11-20T10:15:30.369463Z \x1b[1;31mdenied\x1b[0m  package.upload           anonymous "
        "PUT /repositories/primary/npm-hosted/@acme%2fx 401 resource_name=npm-hosted "
        "path=@acme/x\n");
  CHECK(render(audit_record("success"), colored()) ==
        "2025-11-20T10:15:30.369463Z \x1b[32msuccess\x1b[0m package.upload           anonymous "
        "PUT /repositories/primary/npm-hosted/@acme%2fx 401 resource_name=npm-hosted "
        "path=@acme/x\n");
}

TEST_CASE("text: options.audit forces the audit layout - empty values show as -") {
  Record ws;
  ws.timestamp = "2025-11-20T10:15:31Z";
  ws.target = "pkgly::audit";
  ws.fields = {{"action", Value::string("repository.browse_ws.connect")},
               {"outcome", Value::string("success")},
               {"actor_username", Value::string("erin")},
               {"http_request_method", Value::string("")},
               {"url_path", Value::string("")},
               {"http_response_status_code", Value::integer("0")}};
  CHECK(render(ws) == "2025-11-20T10:15:31Z success repository.browse_ws.connect erin - - 0\n");
  SinkOptions audit;
  audit.audit = true;
  CHECK(render(upstream_record(), audit) ==
        "2025-11-20T10:15:30Z -       -                        - - - -\n");
}

TEST_CASE("text: values that could pass for other fields are quoted") {
  CHECK(render(audit_record("denied", "x outcome=success \"q\"")) ==
        "2025-11-20T10:15:30.369463Z denied  package.upload           anonymous PUT "
        "/repositories/primary/npm-hosted/@acme%2fx 401 resource_name=npm-hosted path=@acme/x "
        "query=\"x outcome=success \\\"q\\\"\"\n");
}

TEST_CASE("text: an event line with spans and fields") {
  CHECK(render(upstream_record()) ==
        "2025-11-20T10:15:30Z  WARN HTTP request:Repository Request pkgly::upstream_access: "
        "Upstream HTTP failed url.full=https://registry.npmjs.org/x duration_ms=5 retry=false\n");
}

TEST_CASE("text: level colours") {
  Record r;
  r.timestamp = "2025-11-20T10:15:30Z";
  r.target = "pkgly";
  const std::pair<Level, std::string> cases[] = {{Level::Error, "\x1b[31mERROR"},
                                                 {Level::Warn, " \x1b[33mWARN"},
                                                 {Level::Info, " \x1b[32mINFO"},
                                                 {Level::Debug, "\x1b[34mDEBUG"},
                                                 {Level::Trace, "\x1b[35mTRACE"}};
  for (const auto& [level, shown] : cases) {
    r.level = level;
    CHECK(render(r, colored()) == "2025-11-20T10:15:30Z " + shown + "\x1b[0m pkgly:\n");
  }
  r.level = Level::Debug;
  CHECK(render(r) == "2025-11-20T10:15:30Z DEBUG pkgly:\n");
}

TEST_CASE("text: log content cannot control the terminal") {
  Record r;
  r.timestamp = "2025-11-20T10:15:30Z";
  r.target = "pkgly::x\x1b[2J";
  r.message = "clear\x1b[2J\x1b[H\rfake\n2025 INFO forged\ttab\x07\x7f";
  r.fields = {{"csi", Value::string("\xc2\x9b"
                                    "31m")},  // C1 CSI
              {"bad", Value::string("\xff\xfe")},
              {"bidi", Value::string("\xe2\x80\xae"
                                     "txt")},
              {"ok", Value::string("caf\xc3\xa9")},
              {"k\x1b", Value::integer("1")}};
  r.spans = {Span{"sp\x1b[1m", 0, 0}};
  const std::string line = render(r, colored());
  CHECK(line ==
        "2025-11-20T10:15:30Z  \x1b[32mINFO\x1b[0m sp\\e[1m pkgly::x\\e[2J: "
        "clear\\e[2J\\e[H\\rfake\\n2025 INFO forged\\ttab\\x07\\x7f "
        "csi=\\u{9b}31m bad=\\xff\\xfe bidi=\\u{202e}txt ok=caf\xc3\xa9 k\\e=1\n");
  CHECK(render(r).find('\x1b') == std::string::npos);
}

TEST_CASE("text: chosen fields separated by two spaces") {
  SinkOptions options;
  options.fields = {"timestamp", "actor_username", "missing", "query", "url_path"};
  CHECK(render(audit_record("denied", "a\nb"), options) ==
        "2025-11-20T10:15:30.369463Z  anonymous  -  a\\nb  "
        "/repositories/primary/npm-hosted/@acme%2fx\n");
}

TEST_CASE("text: padding counts characters - not bytes - and escapes") {
  Record r = audit_record("success");
  r.fields[0].value = Value::string("\xc3\xa9t\xc3\xa9\x1b");  // 3 characters + "\e"
  const std::string line = render(r);
  // 5 columns shown, padded to 24, then the separator.
  const std::string expected = "2025-11-20T10:15:30.369463Z success \xc3\xa9t\xc3\xa9\\e" +
                               std::string(19 + 1, ' ') + "anonymous PUT ";
  CHECK(line.substr(0, expected.size()) == expected);
}
