#include <catch2/catch.hpp>

#include "parse/field_syntax.hpp"
#include "parse/parse_helpers.hpp"

namespace pkgly_trail {
using testing::field_text;
using testing::parse_text;

namespace {
constexpr std::string_view kAuditFields =
    "trace_id=00000000000000000000000000000000 action=package.search outcome=success "
    "actor_username=bob actor_id=3 actor_authenticated=true resource_kind= resource_id= "
    "resource_name= repository_id= storage_id= target_user_id=0 token_id=0 path= query={Q} "
    "http_request_method=GET http_route=/api/search/packages url_path=/api/search/packages "
    "http_response_status_code=200";

std::string audit_line(std::string_view query) {
  std::string fields(kAuditFields);
  fields.replace(fields.find("{Q}"), 3, query);
  return "2025-11-20T10:15:30.100000Z  INFO HTTP request{request_id=r-1 http.route=\"/a\"}: "
         "pkgly::audit: Audit event " +
         fields;
}
}  // namespace

TEST_CASE("full: header - spans - target - message and typed fields", "[parse][full]") {
  auto parsed = parse_text(
      "2025-11-20T10:15:30.357176Z DEBUG HTTP request{url.path=\"/v2/x\" request_id=abc "
      "otel.name=\"HTTP request\" otel.name=\"GET /v2\"}:handle_put{path=\"/p\"}: "
      "pkgly::repository::repo_http: Docker V2 catchall - parsed path storage=primary count=3 "
      "ratio=0.5 ok=false");
  REQUIRE(parsed.records.size() == 1);
  const Record& r = parsed.records[0];
  CHECK(r.format == Format::Full);
  CHECK(r.timestamp == "2025-11-20T10:15:30.357176Z");
  CHECK(r.level == Level::Debug);
  CHECK(r.target == "pkgly::repository::repo_http");
  CHECK(r.message == std::optional<std::string_view>("Docker V2 catchall - parsed path"));
  REQUIRE(r.spans.size() == 2);
  CHECK(r.spans[0].name == "HTTP request");
  CHECK(r.spans[1].name == "handle_put");
  CHECK(r.request_id == "abc");
  CHECK(r.span_field("otel.name")->text == "GET /v2");  // recorded later, wins
  CHECK(r.field("count")->kind == ValueKind::Integer);
  CHECK(r.field("ratio")->kind == ValueKind::Float);
  CHECK(r.field("ok")->kind == ValueKind::Bool);
  CHECK(r.field("storage")->text == "primary");
}

TEST_CASE("full: a span without fields and a record without a message", "[parse][full]") {
  auto parsed = parse_text(
      "2025-11-20T10:15:30.1Z DEBUG HTTP request{request_id=r}:Authentication Middleware: "
      "sqlx::query: summary=\"SELECT 1\" rows=1\n"
      "2025-11-20T10:15:30.2Z  INFO pkgly::app::site: Loaded 2 storages");
  REQUIRE(parsed.records.size() == 2);
  CHECK(parsed.records[0].spans.size() == 2);
  CHECK(parsed.records[0].spans[1].name == "Authentication Middleware");
  CHECK(!parsed.records[0].message);
  CHECK(field_text(parsed.records[0], "summary") == "SELECT 1");
  CHECK(parsed.records[1].spans.empty());
  CHECK(parsed.records[1].target == "pkgly::app::site");
  CHECK(parsed.records[1].message == std::optional<std::string_view>("Loaded 2 storages"));
}

TEST_CASE("full with ANSI: escape codes inside values are content", "[parse][full][ansi]") {
  auto parsed = parse_text(
      "\x1b[2m2025-11-20T10:15:30.1Z\x1b[0m \x1b[32m INFO\x1b[0m \x1b[2mpkgly::x\x1b[0m"
      "\x1b[2m:\x1b[0m hello \x1b[3mpath\x1b[0m\x1b[2m=\x1b[0m@evil/\x1b[31mred\x1b[0m "
      "\x1b[3mn\x1b[0m\x1b[2m=\x1b[0m7");
  REQUIRE(parsed.records.size() == 1);
  const Record& r = parsed.records[0];
  CHECK(r.target == "pkgly::x");
  CHECK(r.message == std::optional<std::string_view>("hello"));
  CHECK(field_text(r, "path") == "@evil/\x1b[31mred\x1b[0m");
  CHECK(r.field("n")->kind == ValueKind::Integer);
}

TEST_CASE("compact: bracketed span names and plain fields", "[parse][compact]") {
  auto parsed = parse_text(
      "2025-11-20T10:15:30.356530Z \x1b[32mINFO\x1b[0m [HTTP request::handle] pkgly::access: "
      "HTTP access trace_id=00000000000000000000000000000000 http.request.method=GET "
      "http.route=/api/info url.path=/api/info http.response.status_code=200 duration_ms=0 "
      "request_id=fc6a client.address=\"203.0.113.45\" http.response.body.size=412");
  REQUIRE(parsed.records.size() == 1);
  const Record& r = parsed.records[0];
  CHECK(r.format == Format::Compact);
  REQUIRE(r.spans.size() == 2);
  CHECK(r.spans[1].name == "handle");
  CHECK(r.request_id == "fc6a");  // the access record's own field
  CHECK(r.valid_trace_id().empty());
  CHECK(field_text(r, "client.address") == "203.0.113.45");
  CHECK(r.field("http.response.body.size")->kind == ValueKind::Integer);
  CHECK(r.field("user") == nullptr);  // an Option that is None is not written
}

TEST_CASE("schema: forged fields in user-controlled values stay inside them", "[parse][schema]") {
  for (std::string query : {"x outcome=denied actor_username=admin http_request_method=DELETE",
                            "a http_response_status_code=500", "{\"json\": \"inside\", \"n\": 1}",
                            "2025-11-20T10:15:30.123456Z  INFO pkgly::access: HTTP access",
                            "q http_request_method=GET http_route=/x url_path=/y "
                            "http_response_status_code=200"}) {
    INFO(query);
    auto parsed = parse_text(audit_line(query));
    REQUIRE(parsed.records.size() == 1);
    const Record& r = parsed.records[0];
    CHECK(field_text(r, "query") == query);
    CHECK(field_text(r, "outcome") == "success");
    CHECK(field_text(r, "actor_username") == "bob");
    CHECK(field_text(r, "http_request_method") == "GET");
    CHECK(field_text(r, "http_response_status_code") == "200");
    CHECK(r.fields.size() == 19);
  }
}

TEST_CASE("schema: a forged actor block inside actor_username fails validation",
          "[parse][schema]") {
  std::string line = audit_line("");
  line.replace(line.find("actor_username=bob"), 18,
               "actor_username=mallory actor_id=1 actor_authenticated=true");
  auto parsed = parse_text(line);
  REQUIRE(parsed.records.size() == 1);
  CHECK(field_text(parsed.records[0], "actor_username") ==
        "mallory actor_id=1 actor_authenticated=true");
  CHECK(field_text(parsed.records[0], "actor_id") == "3");
  CHECK(parsed.records[0].field("actor_authenticated")->kind == ValueKind::Bool);
}

TEST_CASE("schema: types come from the schema - not from the look of a value", "[parse][schema]") {
  auto parsed = parse_text(audit_line("123"));
  REQUIRE(parsed.records.size() == 1);
  CHECK(parsed.records[0].field("query")->kind == ValueKind::String);
  CHECK(parsed.records[0].field("actor_id")->kind == ValueKind::Integer);
}

TEST_CASE("a Display value with a newline continues the record on the next line",
          "[parse][continuation]") {
  std::string line = audit_line("");
  line.replace(line.find("path= "), 6, "path=first line\nsecond line outcome=denied ");
  auto parsed = parse_text(line + "\n2025-11-20T10:15:31.0Z  INFO pkgly::x: next");
  REQUIRE(parsed.records.size() == 2);
  CHECK(field_text(parsed.records[0], "path") == "first line\nsecond line outcome=denied");
  CHECK(field_text(parsed.records[0], "outcome") == "success");
  CHECK(parsed.stats.continuation_lines == 1);
  CHECK(parsed.records[1].source.line == 3);
}

TEST_CASE("generic fields: quoted strings are unescaped - brackets keep Debug values whole",
          "[parse][full]") {
  auto parsed = parse_text(
      "2025-11-20T10:15:30.1Z  INFO pkgly::x: Loaded Rules { a: true, b: false } "
      "s=\"say \\\"hi\\\" \\u{1b}[2J\\n\" auth=AuthToken { id: 17, name: Some(\"ci\") } n=1");
  REQUIRE(parsed.records.size() == 1);
  const Record& r = parsed.records[0];
  CHECK(r.message == std::optional<std::string_view>("Loaded Rules { a: true, b: false }"));
  CHECK(field_text(r, "s") == "say \"hi\" \x1b[2J\n");
  CHECK(field_text(r, "auth") == "AuthToken { id: 17, name: Some(\"ci\") }");
  CHECK(field_text(r, "n") == "1");
}

}  // namespace pkgly_trail

namespace pkgly_trail {

TEST_CASE("a message Pkgly formats with user text keeps a hostile key=value inside it",
          "[parse][full][compact]") {
  // `info!("Saving File: {}", path)` has no fields: ` user=admin` is part of the path.
  for (const std::string header : {"2025-11-20T10:15:30.1Z  INFO HTTP request{request_id=r-1}: ",
                                   "2025-11-20T10:15:30.1Z  INFO [HTTP request] "}) {
    INFO(header);
    auto parsed =
        parse_text(header + "pkgly::repository::npm: Saving File: pkg/a user=admin x=1.tgz\n" +
                   header + "pkgly::docker: Docker GET request path: [\"v2\", \"a b=c\"]\n" +
                   header + "pkgly::app: Loaded repo count=3\n");
    REQUIRE(parsed.records.size() == 3);
    CHECK(parsed.records[0].message ==
          std::optional<std::string_view>("Saving File: pkg/a user=admin x=1.tgz"));
    CHECK(parsed.records[0].fields.empty());
    CHECK(parsed.records[1].message ==
          std::optional<std::string_view>("Docker GET request path: [\"v2\", \"a b=c\"]"));
    CHECK(parsed.records[1].fields.empty());
    // Any other message: fields after it are fields.
    CHECK(parsed.records[2].message == std::optional<std::string_view>("Loaded repo"));
    CHECK(field_text(parsed.records[2], "count") == "3");
  }
}

}  // namespace pkgly_trail

namespace pkgly_trail {

TEST_CASE("a record of a million fields keeps 256 - the last one holds the rest",
          "[parse][full][cost][security]") {
  // Red team: one 6 MB record of ` a=` fields took 256 MB (40 bytes per 3-byte field).
  std::string line = "2025-11-20T10:15:30.1Z DEBUG pkgly::x: many";
  for (int i = 0; i < 100000; ++i) line += " a=";
  auto parsed = parse_text(line + "\n");
  REQUIRE(parsed.records.size() == 1);
  const Record& record = parsed.records[0];
  REQUIRE(record.fields.size() == kMaxSplitFields);
  CHECK(record.fields.back().key == "a");
  CHECK(record.fields.back().value.text.size() == 3 * (100000 - kMaxSplitFields));
  CHECK(record.fields[0].value.text.empty());
}

}  // namespace pkgly_trail
