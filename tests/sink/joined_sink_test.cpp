// The `join` sinks on hand-made events: the NDJSON shape, the text layout, terminal safety.
#include "pkgly_trail/sink/joined_sink.hpp"

#include <catch2/catch.hpp>
#include <vector>

#include "sink/capture.hpp"
#include "sink/sample_records.hpp"

namespace pkgly_trail {
namespace {

const std::string_view kEvil = "\x1b[2J\x1b]0;owned\x07";

Record audit_record(std::string_view actor = "bob") {
  return testing::audit_event({{"action", Value::string("auth.me")},
                               {"outcome", Value::string("success")},
                               {"actor_username", Value::string(actor)},
                               {"path", Value::string(actor)},
                               {"http_request_method", Value::string("GET")},
                               {"url_path", Value::string("/api/user/me")},
                               {"http_response_status_code", Value::integer("200")}});
}

Record access_record(std::string_view agent) {
  return testing::access_event(
      {{"http.response.status_code", Value::integer("200")},
       {"duration_ms", Value::integer("3")},
       {"request_id", Value::string("11111111-1111-4111-8111-111111111111")},
       {"client.address", Value::string(agent)},
       {"user_agent.original", Value::string(agent)}});
}

// `text` in every place a related record shows: message, field, span name and span field.
Record related_record(std::string_view text, Level level) {
  Record r = testing::related_event(text, level);
  r.fields = {{"detail", Value::string(text)}};
  r.spans = {Span{text, 0, 1}};
  r.span_fields = {{"request_id", Value::string(text)}};
  return r;
}

std::string render(const JoinedEvent& event, SinkOptions options) {
  testing::Capture capture;
  auto sink = make_joined_sink(capture.out, options);
  sink->on_event(event);
  sink->finish();
  return capture.pipe.drain();
}

SinkOptions with_format(OutputFormat format, bool color = false) {
  SinkOptions options;
  options.format = format;
  options.color = color;
  return options;
}

}  // namespace

TEST_CASE("joined json: no access and no related records", "[sink][join]") {
  Record audit = audit_record();
  std::string out =
      render(JoinedEvent{audit, nullptr, {}, JoinKey::None}, with_format(OutputFormat::Json));
  CHECK(out.ends_with(R"(,"access":null,"related":[],"joined_by":null})"
                      "\n"));
  CHECK(out.starts_with(R"({"contract":1,"timestamp":"2025-11-20T10:15:30.369463Z")"));
  CHECK(std::count(out.begin(), out.end(), '\n') == 1);
}

TEST_CASE("joined json: access - related in order - joined_by", "[sink][join]") {
  Record audit = audit_record();
  Record access = access_record("curl/8.5.0");
  std::vector<Record> related;
  related.push_back(related_record("first", Level::Debug));
  related.push_back(related_record("second", Level::Warn));
  std::string out = render(JoinedEvent{audit, &access, related, JoinKey::RequestId},
                           with_format(OutputFormat::Json));
  auto access_at = out.find(R"(,"access":{"timestamp":"2025-11-20T10:15:30.369400Z")");
  auto first_at = out.find(R"("message":"first")");
  auto second_at = out.find(R"("message":"second")");
  REQUIRE(access_at != std::string::npos);
  CHECK(access_at < first_at);
  CHECK(first_at < second_at);
  CHECK(second_at != std::string::npos);
  CHECK(out.ends_with("],\"joined_by\":\"request_id\"}\n"));
}

TEST_CASE("joined text: no access is shown as none seen", "[sink][join]") {
  Record audit = audit_record();
  std::string out =
      render(JoinedEvent{audit, nullptr, {}, JoinKey::None}, with_format(OutputFormat::Text));
  CHECK(out.find("\n    access  none seen\n") != std::string::npos);
  CHECK(out.starts_with("2025-11-20T10:15:30.369463Z "));
}

TEST_CASE("joined text never writes an ESC taken from the log", "[sink][join]") {
  Record audit = audit_record(kEvil);
  Record access = access_record(kEvil);
  std::vector<Record> related;
  related.push_back(related_record(kEvil, Level::Error));
  JoinedEvent event{audit, &access, related, JoinKey::RequestId};
  std::string plain = render(event, with_format(OutputFormat::Text));
  CHECK(plain.find('\x1b') == std::string::npos);
  CHECK(plain.find('\x07') == std::string::npos);
  CHECK(plain.find("    access  200 3 ms") != std::string::npos);
  std::string colored = render(event, with_format(OutputFormat::Text, true));
  CHECK(colored.find("\x1b[2J") == std::string::npos);
  CHECK(colored.find("\x1b]0") == std::string::npos);
  SinkOptions columns = with_format(OutputFormat::Text);
  columns.fields = {"actor_username", "access.user_agent.original", "client.address"};
  CHECK(render(event, columns).find('\x1b') == std::string::npos);
}

TEST_CASE("joined columns: computed counts and access lookups", "[sink][join]") {
  Record audit = audit_record();
  Record access = access_record("curl/8.5.0");
  std::vector<Record> related;
  related.push_back(related_record("a", Level::Debug));
  related.push_back(related_record("b", Level::Warn));
  related.push_back(related_record("c", Level::Error));
  JoinedEvent event{audit, &access, related, JoinKey::Adjacency};
  fmt::memory_buffer scratch;
  auto text = [&](std::string_view column) {
    std::optional<Value> v = lookup_joined(event, column, scratch);
    return v ? std::string(v->text) : std::string("<none>");
  };
  CHECK(text("related") == "3");
  CHECK(text("warnings") == "2");  // warnings and worse
  CHECK(text("errors") == "1");
  CHECK(text("joined_by") == "adjacency");
  CHECK(text("duration_ms") == "3");
  CHECK(text("access.client.address") == "curl/8.5.0");
  CHECK(text("actor_username") == "bob");
  JoinedEvent alone{audit, nullptr, {}, JoinKey::None};
  CHECK(!lookup_joined(alone, "access.duration_ms", scratch));
  CHECK(lookup_joined(alone, "joined_by", scratch)->kind == ValueKind::Null);
}

TEST_CASE("joined csv: the header alone when nothing was joined", "[sink][join]") {
  testing::Capture capture;
  auto sink = make_joined_sink(capture.out, with_format(OutputFormat::Csv));
  sink->finish();
  std::string header;
  for (const std::string& column : default_join_columns())
    header += (header.empty() ? "" : ",") + column;
  CHECK(capture.pipe.drain() == header + "\n");
}

}  // namespace pkgly_trail
