#include "pkgly_trail/sink/json_writer.hpp"

#include <catch2/catch.hpp>

using namespace pkgly_trail;

namespace {

std::string json_string(std::string_view text) {
  fmt::memory_buffer out;
  append_json_string(out, text);
  return fmt::to_string(out);
}

std::string json_value(const Value& value) {
  fmt::memory_buffer out;
  append_json_value(out, value);
  return fmt::to_string(out);
}

std::string record_json(const Record& record) {
  fmt::memory_buffer out;
  append_record_json(out, record);
  return fmt::to_string(out);
}

Record access_record() {
  Record r;
  r.timestamp = "2025-11-20T10:15:30.355966Z";
  r.level = Level::Info;
  r.target = kAccessTarget;
  r.message = "HTTP access";
  r.fields = {{"trace_id", Value::string("4bf92f3577b34da6a3ce929d0e0e4736")},
              {"http.request.method", Value::string("GET")},
              {"http.response.status_code", Value::integer("200")},
              {"duration_ms", Value::integer("4")},
              {"ratio", Value::floating("0.00072")},
              {"cached", Value::boolean(false)},
              {"client.address", Value::null()}};
  r.spans = {Span{"HTTP request", 0, 3}, Span{"Repository Request", 3, 1}};
  r.span_fields = {{"request_id", Value::string("2053a960-44a5-44bf-a217-b4e8f412cfa2")},
                   {"otel.name", Value::string("GET")},
                   {"otel.name", Value::string("GET /repositories/{storage}")},
                   {"repository.name", Value::string("npm-hosted")}};
  r.source = {"pkgly.log", 42};
  r.derive_ids();
  return r;
}

}  // namespace

TEST_CASE("json strings: short escapes and a u00XX escape for other controls") {
  CHECK(json_string("plain text") == R"("plain text")");
  CHECK(json_string("") == R"("")");
  CHECK(json_string("say \"hi\" \\o/") == R"("say \"hi\" \\o/")");
  CHECK(json_string("a\nb\rc\td\be\ff") == R"("a\nb\rc\td\be\ff")");
  CHECK(json_string(std::string_view("\0\x01\x1f", 3)) == R"("\u0000\u0001\u001f")");
  CHECK(json_string("\x1b[31mred\x1b[0m") == R"("\u001b[31mred\u001b[0m")");
  CHECK(json_string("del\x7f") == R"("del\u007f")");
}

TEST_CASE("json strings keep valid UTF-8 and replace each invalid byte by U+FFFD") {
  CHECK(json_string("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80") ==
        "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
  CHECK(json_string("\xc2\x9b") == "\"\xc2\x9b\"");  // C1 is valid JSON text
  CHECK(json_string("a\xff"
                    "b") == R"("a\ufffdb")");
  CHECK(json_string("\xe2\x82"
                    "A") == R"("\ufffd\ufffdA")");                            // truncated
  CHECK(json_string("\xc0\xaf") == R"("\ufffd\ufffd")");                      // overlong '/'
  CHECK(json_string("\xed\xa0\x80") == R"("\ufffd\ufffd\ufffd")");            // surrogate
  CHECK(json_string("\xf4\x90\x80\x80") == R"("\ufffd\ufffd\ufffd\ufffd")");  // > U+10FFFF
  CHECK(json_string("\x80") == R"("\ufffd")");                                // lone continuation
  CHECK(json_string("end\xf0\x9f\x98") == R"("end\ufffd\ufffd\ufffd")");
}

TEST_CASE("json values keep literal numbers and type booleans and null") {
  CHECK(json_value(Value::string("201")) == R"("201")");
  CHECK(json_value(Value::integer("201")) == "201");
  CHECK(json_value(Value::integer("-7")) == "-7");
  CHECK(json_value(Value::floating("0.00072")) == "0.00072");
  CHECK(json_value(Value::floating("1.5e-3")) == "1.5e-3");
  CHECK(json_value(Value::floating("2E+10")) == "2E+10");
  CHECK(json_value(Value::boolean(true)) == "true");
  CHECK(json_value(Value::boolean(false)) == "false");
  CHECK(json_value(Value::null()) == "null");
  // Not JSON numbers: written as strings so the line stays valid.
  for (const char* text : {"NaN", "inf", "-", "01", "1.", ".5", "+1", "1e", "0x10", "", "1 "}) {
    INFO(text);
    CHECK(json_value(Value::floating(text)) == "\"" + std::string(text) + "\"");
  }
  CHECK(json_value(Value{ValueKind::Bool, "yes"}) == R"("yes")");
}

TEST_CASE("the record contract: keys - order and types") {
  CHECK(record_json(access_record()) ==
        R"({"timestamp":"2025-11-20T10:15:30.355966Z","level":"INFO","target":"pkgly::access",)"
        R"("message":"HTTP access","fields":{"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736",)"
        R"("http.request.method":"GET","http.response.status_code":200,"duration_ms":4,)"
        R"("ratio":0.00072,"cached":false,"client.address":null},)"
        R"("spans":[{"name":"HTTP request","fields":{)"
        R"("request_id":"2053a960-44a5-44bf-a217-b4e8f412cfa2",)"
        R"("otel.name":"GET /repositories/{storage}"}},)"
        R"({"name":"Repository Request","fields":{"repository.name":"npm-hosted"}}],)"
        R"("request_id":"2053a960-44a5-44bf-a217-b4e8f412cfa2",)"
        R"("trace_id":"4bf92f3577b34da6a3ce929d0e0e4736",)"
        R"("source":{"input":"pkgly.log","line":42}})");
}

TEST_CASE("the record contract: absent values are null") {
  Record r;
  r.level = Level::Warn;
  r.target = "pkgly::upstream_access";
  r.fields = {{"trace_id", Value::string("00000000000000000000000000000000")}};
  r.source = {"-", 1};
  r.derive_ids();
  CHECK(record_json(r) ==
        R"({"timestamp":null,"level":"WARN","target":"pkgly::upstream_access","message":null,)"
        R"("fields":{"trace_id":"00000000000000000000000000000000"},"spans":[],)"
        R"("request_id":null,"trace_id":null,"source":{"input":"-","line":1}})");
}

TEST_CASE("duplicate keys: first position - last value") {
  Record r;
  r.target = "t";
  r.fields = {{"a", Value::integer("1")},
              {"b", Value::string("x")},
              {"a", Value::integer("2")},
              {"c", Value::boolean(true)},
              {"a", Value::integer("3")}};
  r.spans = {Span{"s", 0, 3}};
  r.span_fields = {{"otel.name", Value::string("GET")},
                   {"otel.kind", Value::string("server")},
                   {"otel.name", Value::string("GET /api/user")}};
  fmt::memory_buffer out;
  JsonWriter json(out);
  json.begin_object();
  append_record_members(json, r);
  json.key("joined_by").null().end_object();
  CHECK(fmt::to_string(out) ==
        R"({"timestamp":null,"level":"INFO","target":"t","message":null,)"
        R"("fields":{"a":3,"b":"x","c":true},)"
        R"("spans":[{"name":"s","fields":{"otel.name":"GET /api/user","otel.kind":"server"}}],)"
        R"("request_id":null,"trace_id":null,"source":{"input":"","line":0},"joined_by":null})");
}

TEST_CASE("the json writer places commas and nests") {
  fmt::memory_buffer out;
  JsonWriter json(out);
  json.begin_object()
      .key("a")
      .begin_array()
      .number(1)
      .begin_object()
      .end_object()
      .begin_array()
      .end_array()
      .string("x\n")
      .end_array()
      .key("b")
      .null()
      .key("c")
      .begin_object()
      .key("d")
      .value(Value::boolean(true))
      .key("e")
      .string_or_null("")
      .end_object()
      .end_object();
  CHECK(fmt::to_string(out) == R"({"a":[1,{},[],"x\n"],"b":null,"c":{"d":true,"e":null}})");
}

TEST_CASE("the record contract escapes keys - names and values") {
  Record r;
  r.timestamp = "2025-11-20T10:15:30Z";
  r.target = "pkgly::audit";
  r.message = "line1\nline2 \x1b[2J";
  r.fields = {{"q\"", Value::string("x\xff")}};
  r.spans = {Span{"na\tme", 0, 0}};
  r.source = {"dir/\"odd\".log", 7};
  CHECK(record_json(r) ==
        R"({"timestamp":"2025-11-20T10:15:30Z","level":"INFO","target":"pkgly::audit",)"
        R"("message":"line1\nline2 \u001b[2J","fields":{"q\"":"x\ufffd"},)"
        R"("spans":[{"name":"na\tme","fields":{}}],"request_id":null,"trace_id":null,)"
        R"("source":{"input":"dir/\"odd\".log","line":7}})");
}
