// The report aggregator fed with hand-made joined events: caps and truncation, ordering, the
// timeline's buckets, where the client address comes from, the sensitive list and --by.
#include "pkgly_trail/report/aggregator.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "pkgly_trail/report/render.hpp"
#include "sink/capture.hpp"

namespace pkgly_trail {
namespace {

struct Spec {
  std::string time = "2025-11-20T10:15:30.000000Z";
  std::string action = "auth.me";
  std::string outcome = "success";
  std::string actor = "bob";
  std::string address = "203.0.113.9";  // of the access record; "" = null there
  bool access = true;
  std::string span_address;  // client.address of the audit's HTTP request span
  std::string repository, repository_id, storage;
  std::string status = "200";
};

// Views into `spec`: valid during the call, which is all the aggregator may rely on.
void feed(ReportAggregator& aggregator, const Spec& spec) {
  Record audit;
  audit.timestamp = spec.time;
  audit.target = kAuditTarget;
  audit.fields = {{"action", Value::string(spec.action)},
                  {"outcome", Value::string(spec.outcome)},
                  {"actor_username", Value::string(spec.actor)},
                  {"resource_name", Value::string(spec.repository)},
                  {"repository_id", Value::string(spec.repository_id)},
                  {"storage_id", Value::string(spec.storage)},
                  {"http_response_status_code", Value::integer(spec.status)}};
  if (!spec.span_address.empty()) {
    audit.span_fields = {{"client.address", Value::string(spec.span_address)}};
    audit.spans = {Span{kHttpRequestSpan, 0, 1}};
  }
  Record access;
  access.target = kAccessTarget;
  access.fields = {
      {"client.address", spec.address.empty() ? Value::null() : Value::string(spec.address)}};
  aggregator.on_event(JoinedEvent{audit, spec.access ? &access : nullptr, {}, JoinKey::RequestId});
}

Spec actor(const std::string& name) {
  Spec spec;
  spec.actor = name;
  return spec;
}

std::vector<std::string> column(const ReportTable& table, std::size_t index) {
  std::vector<std::string> values;
  for (const auto& row : table.rows)
    values.push_back(row[index].is_null() ? "<null>" : row[index].text);
  return values;
}

std::string render(const Report& report, ReportFormat format) {
  testing::Capture capture;
  render_report(report, capture.out, RenderOptions{format, false});
  return capture.flushed();
}

}  // namespace

TEST_CASE("a table stops at --max-groups and says it is truncated", "[report][aggregator]") {
  ReportOptions options;
  options.max_groups = 3;
  ReportAggregator aggregator(options);
  for (const char* name : {"a", "b", "c", "d", "e"}) feed(aggregator, actor(name));
  feed(aggregator, actor("a"));
  const Report report = aggregator.build({});
  const ReportTable& actors = *report.section("actors");
  CHECK(actors.rows.size() == 3);
  CHECK(actors.truncated);
  CHECK(actors.omitted_events == 2);  // d and e
  CHECK(column(actors, 0) == std::vector<std::string>{"a", "b", "c"});
  CHECK(report.total("events").text == "6");
  CHECK(report.total("truncated_sections").text.find("actors") != std::string::npos);
  CHECK_FALSE(report.section("actions")->truncated);
  CHECK(render(report, ReportFormat::Text).find("truncated at --max-groups 3: 2 event(s)") !=
        std::string::npos);
  CHECK(render(report, ReportFormat::Html).find("truncated at --max-groups 3") !=
        std::string::npos);
  CHECK(render(report, ReportFormat::Markdown).find("> truncated at --max-groups 3") !=
        std::string::npos);
}

TEST_CASE("rows are ordered by count descending then name ascending with unknown last",
          "[report][aggregator]") {
  ReportAggregator aggregator(ReportOptions{});
  for (const char* name : {"carol", "", "bob", "zed", "alice", "zed"})
    feed(aggregator, actor(name));
  const Report report = aggregator.build({});
  CHECK(column(*report.section("actors"), 0) ==
        std::vector<std::string>{"zed", "alice", "bob", "carol", "<null>"});
  CHECK(report.total("distinct_actors").text == "4");  // the unknown actor is not one
}

TEST_CASE("report --top keeps the first rows and counts the others", "[report][aggregator]") {
  ReportOptions options;
  options.top = 2;
  ReportAggregator aggregator(options);
  for (const char* name : {"a", "b", "c", "c"}) feed(aggregator, actor(name));
  const Report report = aggregator.build({});
  CHECK(column(*report.section("actors"), 0) == std::vector<std::string>{"c", "a"});
  CHECK(report.section("actors")->omitted_rows == 1);
  CHECK_FALSE(report.section("actors")->truncated);
}

TEST_CASE("the timeline is hourly up to 3 days of events and daily beyond",
          "[report][aggregator]") {
  SECTION("2 days and 22 hours: hours, empty ones as zeros") {
    ReportAggregator aggregator(ReportOptions{});
    Spec first, last;
    first.time = "2025-11-20T00:30:00Z";
    last.time = "2025-11-22T22:59:59.999Z";
    last.outcome = "denied";
    feed(aggregator, first);
    feed(aggregator, last);
    const Report report = aggregator.build({});
    const ReportTable& timeline = *report.section("timeline");
    CHECK(report.total("bucket").text == "1h");
    REQUIRE(timeline.rows.size() == 71);
    CHECK(timeline.rows.front()[0].text == "2025-11-20T00:00Z");
    CHECK(timeline.rows.front()[1].text == "1");
    CHECK(timeline.rows[1][3].text == "0");
    CHECK(timeline.rows.back()[0].text == "2025-11-22T22:00Z");
    CHECK(timeline.rows.back()[2].text == "1");
  }
  SECTION("more than 3 days: days") {
    ReportAggregator aggregator(ReportOptions{});
    for (const char* time :
         {"2025-11-20T10:00:00Z", "2025-11-20T23:59:59Z", "2025-11-24T00:00:00Z"}) {
      Spec spec;
      spec.time = time;
      feed(aggregator, spec);
    }
    const Report report = aggregator.build({});
    CHECK(report.total("bucket").text == "1d");
    CHECK(column(*report.section("timeline"), 0) ==
          std::vector<std::string>{"2025-11-20", "2025-11-21", "2025-11-22", "2025-11-23",
                                   "2025-11-24"});
    CHECK(column(*report.section("timeline"), 3) ==
          std::vector<std::string>{"2", "0", "0", "0", "1"});
  }
  SECTION("--bucket 1d on a short span, and events without a timestamp") {
    ReportOptions options;
    options.bucket = Bucket::Day;
    ReportAggregator aggregator(options);
    feed(aggregator, Spec{});
    Spec untimed;
    untimed.time = "";
    feed(aggregator, untimed);
    const Report report = aggregator.build({});
    CHECK(column(*report.section("timeline"), 0) ==
          std::vector<std::string>{"2025-11-20", "<null>"});
    CHECK(report.total("first").text == "2025-11-20T10:15:30.000000Z");
  }
}

TEST_CASE("client address comes from the access record or else the HTTP request span",
          "[report][aggregator]") {
  ReportAggregator aggregator(ReportOptions{});
  Spec from_access, from_span, null_in_access, unknown;
  for (Spec* spec : {&from_access, &from_span, &null_in_access, &unknown}) spec->outcome = "denied";
  from_access.address = "198.51.100.1";
  from_access.span_address = "10.9.9.9";
  from_span.access = false;
  from_span.span_address = "198.51.100.2";
  null_in_access.address = "";
  null_in_access.span_address = "198.51.100.3";
  unknown.access = false;
  for (Spec* spec : {&from_access, &from_span, &null_in_access, &unknown}) feed(aggregator, *spec);
  const Report report = aggregator.build({});
  CHECK(column(*report.section("denied"), 1) ==
        std::vector<std::string>{"198.51.100.1", "198.51.100.2", "198.51.100.3", "<null>"});
  CHECK(report.total("distinct_client_addresses").text == "3");
  REQUIRE(report.denied_by_address.size() == 4);
  CHECK(report.denied_by_address.back().first.is_null());
}

TEST_CASE("sensitive actions are listed one by one in time order", "[report][aggregator]") {
  // Changes: deletes and permissions anywhere, and what the last word says was changed.
  for (const char* action :
       {"user.delete", "auth.token.create", "token.revoke", "permissions.set", "permission",
        "security.sso.update", "repository.package.delete", "delete", "repository.create",
        "user.permissions.update", "user.password.reset", "storage.update", "user.role.add_member"})
    CHECK(is_sensitive_action(action));
  // Reads, and what is counted elsewhere (logins in the denied tables, downloads per action).
  for (const char* action :
       {"auth.login", "auth.me", "package.download", "user.list", "users.list", "auth.tokens",
        "repository.package.list", "repository.browse_ws.connect", "user.settings",
        "package.upload", "repository.updated_at", ""})
    CHECK_FALSE(is_sensitive_action(action));

  ReportOptions options;
  options.max_groups = 2;
  ReportAggregator aggregator(options);
  Spec late, early, ignored, over_cap;
  late.time = "2025-11-20T10:15:32Z";
  late.action = "user.delete";
  early.time = "2025-11-20T10:15:31Z";
  early.action = "auth.token.delete";
  ignored.action = "package.download";
  over_cap.action = "security.sso.update";
  for (Spec* spec : {&late, &early, &ignored, &over_cap}) feed(aggregator, *spec);
  const Report report = aggregator.build({});
  const ReportTable& sensitive = *report.section("sensitive");
  CHECK(column(sensitive, 2) == std::vector<std::string>{"auth.token.delete", "user.delete"});
  CHECK(sensitive.truncated);
  CHECK(sensitive.omitted_events == 1);
}

TEST_CASE("each sensitive action says what it affected", "[report][aggregator]") {
  ReportAggregator aggregator(ReportOptions{});
  Spec repository;
  repository.action = "repository.delete";
  repository.repository = "npm-hosted";
  Spec no_resource;
  no_resource.action = "user.delete";  // Pkgly leaves resource_name empty here
  feed(aggregator, repository);
  feed(aggregator, no_resource);
  const Report report = aggregator.build({});
  const ReportTable& sensitive = *report.section("sensitive");
  REQUIRE(sensitive.columns.back() == "affected");
  // The resource by name; without any (nor a path or id), nothing is invented.
  CHECK(column(sensitive, 6) == std::vector<std::string>{"npm-hosted", "<null>"});
}

TEST_CASE("report --by groups on any joined column and keeps number types and parts apart",
          "[report][aggregator]") {
  ReportOptions options;
  options.by = {"actor_username", "action", "http_response_status_code"};
  ReportAggregator aggregator(options);
  Spec a, b;
  a.actor = "a";
  a.action = "bc";
  b.actor = "ab";
  b.action = "c";
  feed(aggregator, a);
  feed(aggregator, b);
  feed(aggregator, b);
  const Report report = aggregator.build({});
  REQUIRE(report.group_by);
  REQUIRE(report.sections.size() == 1);
  const ReportTable& by = report.sections.front();
  CHECK(by.columns ==
        std::vector<std::string>{"actor_username", "action", "http_response_status_code", "count"});
  REQUIRE(by.rows.size() == 2);
  CHECK(column(by, 0) == std::vector<std::string>{"ab", "a"});
  CHECK(column(by, 3) == std::vector<std::string>{"2", "1"});
  CHECK(by.rows[0][2].kind == ValueKind::Integer);
  CHECK(report.total("distinct_actors").text == "2");
  CHECK(render(report, ReportFormat::Json) ==
        "[\n{\"actor_username\":\"ab\",\"action\":\"c\",\"http_response_status_code\":200,"
        "\"count\":2},\n{\"actor_username\":\"a\",\"action\":\"bc\","
        "\"http_response_status_code\":200,\"count\":1}\n]\n");
  CHECK(render(report, ReportFormat::Csv) ==
        "actor_username,action,http_response_status_code,count\nab,c,200,2\na,bc,200,1\n");
}

}  // namespace pkgly_trail
