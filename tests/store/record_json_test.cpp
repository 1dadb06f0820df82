// A store keeps each record as the JSON the record contract writes; reading it back must give
// the record that wrote it (writing it again gives the same bytes), and the column is text that
// anyone with write access to the database can edit, so every other text is refused, with the
// member that is wrong named.
#include "pkgly_trail/store/record_json.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "pkgly_trail/parse/record_assembler.hpp"
#include "pkgly_trail/sink/json_writer.hpp"
#include "support/collect.hpp"
#include "support/feed.hpp"

namespace pkgly_trail {
namespace {

std::string written(const Record& record) {
  fmt::memory_buffer out;
  append_record_json(out, record);
  return fmt::to_string(out);
}

// Reads `json` from a buffer that is overwritten right after, as a caller reuses its buffer:
// a view of the record left pointing into it shows up as a changed record.
Record read_back(RecordJsonReader& reader, std::string_view json) {
  std::string buffer(json);
  Record record;
  std::string error;
  const bool ok = reader.read(buffer, record, error);
  INFO(json);
  INFO(error);
  REQUIRE(ok);
  CHECK(error.empty());
  buffer.assign(buffer.size(), 'x');
  return record;
}

struct Refusal {
  bool ok = true;
  std::string error;
};

Refusal refusal(std::string_view json) {
  RecordJsonReader reader;
  Refusal result;
  Record record;
  result.ok = reader.read(json, record, result.error);
  return result;
}

// The smallest record the contract writes; the refusal tests break one member of it.
constexpr std::string_view kMinimal =
    R"({"timestamp":null,"level":"INFO","target":"t","message":null,"fields":{},"spans":[],)"
    R"("request_id":null,"trace_id":null,"source":{"input":"a.log","line":1}})";

// Appended step by step: `std::string(kMinimal) + tail` trips GCC 12's false -Wstringop-overread.
std::string minimal_then(std::string_view tail) {
  std::string json(kMinimal);
  json += tail;
  return json;
}

std::string minimal_with(std::string_view from, std::string_view to) {
  std::string json(kMinimal);
  const std::size_t at = json.find(from);
  REQUIRE(at != std::string::npos);
  json.replace(at, from.size(), to);
  return json;
}

// An access record of a request, in nested spans, marked suspect.
Record access_record() {
  Record r;
  r.timestamp = "2025-11-20T10:15:30.355966Z";
  r.level = Level::Info;
  r.target = kAccessTarget;
  r.message = "HTTP access";
  r.fields = {{"http.request.method", Value::string("GET")},
              {"http.response.status_code", Value::integer("200")},
              {"http.response.body.size", Value::integer("18446744073709551615")},
              {"offset", Value::integer("-9223372036854775808")},
              {"ratio", Value::floating("0.00072")},
              {"tiny", Value::floating("1e-7")},
              {"big", Value::floating("-2.5E+10")},
              {"cached", Value::boolean(false)},
              {"fresh", Value::boolean(true)},
              {"user", Value::null()},
              {"empty", Value::string("")}};
  r.spans = {Span{kHttpRequestSpan, 0, 5}, Span{"Repository Request", 5, 2}};
  r.span_fields = {{"request_id", Value::string("2053a960-44a5-44bf-a217-b4e8f412cfa2")},
                   {"client.address", Value::string("203.0.113.7")},
                   {"otel.name", Value::string("GET")},
                   {"http.route", Value::string("/repositories/{storage}")},
                   {"otel.name", Value::string("GET /repositories/{storage}")},
                   {"repository.name", Value::string("npm-hosted")},
                   {"attempt", Value::integer("2")}};
  r.suspect = "a value before it held a newline and a line that looks like a record";
  r.source = {"logs/pkgly.log", 42};
  r.derive_ids();
  r.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  return r;
}

// No time, no message, nothing but its target.
Record bare_record() {
  Record r;
  r.level = Level::Trace;
  r.target = "pkgly::app";
  r.source = {"-", 0};
  return r;
}

// Text that JSON must escape, and text beyond ASCII.
Record awkward_text_record() {
  Record r;
  r.timestamp = "2025-11-20T10:15:30Z";
  r.level = Level::Warn;
  r.target = "pkgly::app::\"quoted\"";
  r.message = "naïve ☃ 日本語 😀 say \"hi\" back\\slash\nnew line\ttab\rcr\x01\x1f\x7f end";
  r.fields = {{"clé \"x\"\n", Value::string(std::string_view("nul\0inside", 10))},
              {"esc", Value::string("\x1b[31mred\x1b[0m")},
              {"\\", Value::string("\\\"\\")},
              {"", Value::string("empty key")}};
  r.spans = {Span{"span \"named\" ☃", 0, 1}, Span{"", 1, 0}};
  r.span_fields = {{"ключ", Value::string("значение")}};
  r.request_id = "req\n1";
  r.source = {"dir with space/ünïcode.log", 7};
  return r;
}

// request_id and trace_id as a writer gave them, without the fields they come from.
Record error_record() {
  Record r;
  r.timestamp = "2025-11-20T10:15:31.000001Z";
  r.level = Level::Error;
  r.target = "pkgly::storage";
  r.message = "";
  r.fields = {{"error", Value::string("disk full")}, {"retries", Value::integer("0")}};
  r.request_id = "not-from-a-field";
  r.trace_id = "0af7651916cd43dd8448eb211c80319c";
  r.source = {"pkgly.log", 9000000000};
  return r;
}

std::vector<Record> hand_made_records() {
  std::vector<Record> records;
  records.push_back(access_record());
  records.push_back(bare_record());
  records.push_back(awkward_text_record());
  records.push_back(error_record());
  Record debug = bare_record();
  debug.level = Level::Debug;
  records.push_back(std::move(debug));
  return records;
}

// The event fields and span fields of `record` by the names a user types.
void check_same_lookups(const Record& original, const Record& read) {
  for (const Field& f : original.fields) {
    INFO(f.key);
    CHECK(read.lookup(f.key) == original.lookup(f.key));
  }
  for (const Field& f : original.span_fields) {
    INFO(f.key);
    CHECK(read.lookup(f.key) == original.lookup(f.key));
  }
}

std::vector<Record> fixture_records(const std::string& name) {
  testing::CollectRecords collect;
  RecordAssembler assembler(collect);
  testing::feed_fixture(name, name, assembler);
  return std::move(collect.records);
}

}  // namespace

TEST_CASE("record json: hand-made records read back to the same record", "[record-json]") {
  RecordJsonReader reader;
  for (const Record& original : hand_made_records()) {
    const std::string first = written(original);
    INFO(first);
    const Record read = read_back(reader, first);
    CHECK(written(read) == first);
    check_same_lookups(original, read);
    CHECK(read.timestamp == original.timestamp);
    CHECK(read.level == original.level);
    CHECK(read.target == original.target);
    CHECK(read.message == original.message);
    CHECK(read.request_id == original.request_id);
    CHECK(read.trace_id == original.trace_id);
    CHECK(read.suspect == original.suspect);
    CHECK(read.source.input == original.source.input);
    CHECK(read.source.line == original.source.line);
    CHECK(read.format == Format::Json);
    CHECK(read.schema_fit == SchemaFit::None);
    REQUIRE(read.spans.size() == original.spans.size());
    for (std::size_t i = 0; i < read.spans.size(); ++i)
      CHECK(read.spans[i].name == original.spans[i].name);
  }
}

TEST_CASE("record json: values keep their kind and their exact literal", "[record-json]") {
  RecordJsonReader reader;
  const Record read = read_back(reader, written(access_record()));
  REQUIRE(read.fields.size() == 11);
  CHECK(read.fields[1].value == Value::integer("200"));
  CHECK(read.fields[2].value == Value::integer("18446744073709551615"));
  CHECK(read.fields[3].value == Value::integer("-9223372036854775808"));
  CHECK(read.fields[4].value == Value::floating("0.00072"));
  CHECK(read.fields[5].value == Value::floating("1e-7"));
  CHECK(read.fields[6].value == Value::floating("-2.5E+10"));
  CHECK(read.fields[7].value == Value::boolean(false));
  CHECK(read.fields[8].value == Value::boolean(true));
  CHECK(read.fields[9].value == Value::null());
  CHECK(read.fields[10].value == Value::string(""));
  // A trailing zero is digits as logged, not a rounding: kept.
  const Record exact =
      read_back(reader, minimal_with(R"("fields":{})", R"("fields":{"a":1.50,"b":-0,"c":0.0})"));
  CHECK(exact.fields[0].value == Value::floating("1.50"));
  CHECK(exact.fields[1].value == Value::integer("-0"));
  CHECK(exact.fields[2].value == Value::floating("0.0"));
}

TEST_CASE("record json: the spans come back nested with their own fields", "[record-json]") {
  RecordJsonReader reader;
  const Record read = read_back(reader, written(access_record()));
  REQUIRE(read.spans.size() == 2);
  CHECK(read.spans[0].name == kHttpRequestSpan);
  // otel.name was recorded twice: the writer keeps it once, with its last value.
  REQUIRE(read.fields_of(read.spans[0]).size() == 4);
  CHECK(read.span_field("client.address")->text == "203.0.113.7");
  CHECK(read.span_field("otel.name")->text == "GET /repositories/{storage}");
  CHECK(read.find_span("Repository Request")->field_count == 2);
  CHECK(read.span_field("attempt")->kind == ValueKind::Integer);
}

TEST_CASE("record json: no time and no message read back as none", "[record-json]") {
  RecordJsonReader reader;
  const Record read = read_back(reader, kMinimal);
  CHECK(read.timestamp.empty());
  CHECK_FALSE(read.message.has_value());
  CHECK(read.request_id.empty());
  CHECK(read.trace_id.empty());
  CHECK(read.suspect.empty());
  CHECK(written(read) == kMinimal);
  // An empty message is a message: it stays a string.
  const Record empty = read_back(reader, minimal_with(R"("message":null)", R"("message":"")"));
  REQUIRE(empty.message.has_value());
  CHECK(empty.message->empty());
}

TEST_CASE("record json: request_id and trace_id are read as written and not derived",
          "[record-json]") {
  RecordJsonReader reader;
  const Record read = read_back(
      reader, minimal_with(R"("fields":{})",
                           R"("fields":{"request_id":"in-a-field","trace_id":"in-a-field-too"})"));
  CHECK(read.request_id.empty());
  CHECK(read.trace_id.empty());
  const Record given = read_back(reader, written(error_record()));
  CHECK(given.request_id == "not-from-a-field");
  CHECK(given.trace_id == "0af7651916cd43dd8448eb211c80319c");
}

TEST_CASE("record json: the record owns its text after the reader has read others",
          "[record-json]") {
  RecordJsonReader reader;
  std::vector<Record> kept;
  std::vector<std::string> first;
  for (const Record& original : hand_made_records()) {
    first.push_back(written(original));
    kept.push_back(read_back(reader, first.back()));
  }
  // The reader's buffers were reused for every later record; the earlier ones are unchanged.
  for (std::size_t i = 0; i < kept.size(); ++i) CHECK(written(kept[i]) == first[i]);
  // A record read into one that held a larger record holds only the new one.
  Record reused = kept[0].clone();
  std::string error;
  REQUIRE(reader.read(kMinimal, reused, error));
  CHECK(written(reused) == kMinimal);
}

TEST_CASE("record json: members in another order and with spaces read as the same record",
          "[record-json]") {
  // What a jsonb column hands back: members sorted by length, a space after ':' and ','.
  const std::string_view reordered =
      R"({"level": "WARN", "spans": [{"fields": {"request_id": "r-1"}, "name": "HTTP request"}],)"
      R"( "fields": {"n": 3}, "source": {"line": 5, "input": "b.log"}, "target": "t",)"
      R"( "message": "m", "trace_id": null, "timestamp": "2025-11-20T10:15:30Z",)"
      R"( "request_id": "r-1"})";
  RecordJsonReader reader;
  const Record read = read_back(reader, reordered);
  CHECK(written(read) ==
        R"({"timestamp":"2025-11-20T10:15:30Z","level":"WARN","target":"t","message":"m",)"
        R"("fields":{"n":3},"spans":[{"name":"HTTP request","fields":{"request_id":"r-1"}}],)"
        R"("request_id":"r-1","trace_id":null,"source":{"input":"b.log","line":5}})");
}

TEST_CASE("record json: every record of two sample logs reads back", "[record-json]") {
  RecordJsonReader reader;
  for (const char* name : {"json-compose-real.log", "full-ansi-compose.log"}) {
    INFO(name);
    const std::vector<Record> records = fixture_records(std::string(name));
    REQUIRE(records.size() > 500);
    std::size_t differ = 0, lookups_differ = 0;
    std::string first_difference;
    for (const Record& original : records) {
      const std::string first = written(original);
      Record read;
      std::string error;
      if (!reader.read(first, read, error)) {
        FAIL_CHECK(first << "\n" << error);
        continue;
      }
      if (written(read) != first) {
        if (differ++ == 0) first_difference = first;
      }
      for (const Field& f : original.fields)
        lookups_differ += read.lookup(f.key) != original.lookup(f.key);
      for (const Field& f : original.span_fields)
        lookups_differ += read.lookup(f.key) != original.lookup(f.key);
    }
    INFO(first_difference);
    CHECK(differ == 0);
    CHECK(lookups_differ == 0);
  }
}

TEST_CASE("record json: every cut of a record is refused", "[record-json]") {
  RecordJsonReader reader;
  for (const Record& original : hand_made_records()) {
    const std::string json = written(original);
    std::size_t accepted = 0, silent = 0;
    for (std::size_t size = 0; size < json.size(); ++size) {
      Record record;
      std::string error;
      accepted += reader.read(std::string_view(json).substr(0, size), record, error);
      silent += error.empty();
    }
    INFO(json);
    CHECK(accepted == 0);
    CHECK(silent == 0);
  }
}

TEST_CASE("record json: a changed byte is refused or reads back stably", "[record-json]") {
  // The column can be edited: whatever one changed byte makes of a record, the reader neither
  // crashes nor reads what it cannot write back (the sanitizer builds run this too).
  constexpr char kBytes[] = {'"', '{', '}', '[', ']', ',', ':', '\\', '0',    '9',   'n',
                             't', ' ', '-', '.', 'e', 'E', 'x', '\0', '\x01', '\xff'};
  RecordJsonReader reader;
  for (Record (*make)() : {&awkward_text_record, &access_record}) {
    const std::string json = written(make());
    std::size_t refused = 0, unstable = 0;
    for (std::size_t at = 0; at < json.size(); ++at) {
      for (const char byte : kBytes) {
        std::string changed = json;
        changed[at] = byte;
        Record record;
        std::string error;
        if (!reader.read(changed, record, error)) {
          refused += !error.empty();
          continue;
        }
        const std::string again = written(record);
        Record twice;
        unstable += !reader.read(again, twice, error) || written(twice) != again;
      }
    }
    INFO(json);
    CHECK(refused > json.size());
    CHECK(unstable == 0);
  }
}

TEST_CASE("record json: text that is no record is refused with the member named", "[record-json]") {
  struct Case {
    std::string json;
    std::string_view named;  // what the message must mention
  };
  const std::vector<Case> cases = {
      {"", "JSON"},
      {"   ", "JSON"},
      {"\xff\xfe garbage \x01", "JSON"},
      {"not json at all", "JSON"},
      {"[]", "object"},
      {"null", "object"},
      {R"("a string")", "object"},
      {std::string(kMinimal.substr(0, kMinimal.size() / 2)), ""},
      {minimal_with(R"("timestamp":null)", R"("timestamp":5)"), "\"timestamp\""},
      {minimal_with(R"("level":"INFO")", R"("level":"LOUD")"), "\"level\""},
      {minimal_with(R"("level":"INFO")", R"("level":null)"), "\"level\""},
      {minimal_with(R"("target":"t")", R"("target":null)"), "\"target\""},
      {minimal_with(R"("message":null)", R"("message":[])"), "\"message\""},
      {minimal_with(R"("fields":{})", R"("fields":[])"), "\"fields\""},
      {minimal_with(R"("fields":{})", R"("fields":{"x":{"y":1}})"), "\"x\""},
      {minimal_with(R"("fields":{})", R"("fields":{"x":[1]})"), "\"x\""},
      {minimal_with(R"("fields":{})", R"("fields":{"x":01})"), "\"x\""},
      {minimal_with(R"("fields":{})", R"("fields":{"x":1.})"), "\"x\""},
      {minimal_with(R"("fields":{})", R"("fields":{"x":-})"), "\"x\""},
      {minimal_with(R"("fields":{})", R"("fields":{"x":NaN})"), "\"fields\""},
      {minimal_with(R"("fields":{})", R"("fields":{"x":nul})"), "\"x\""},
      {minimal_with(R"("fields":{})", R"("fields":{"x":tru})"), "\"x\""},
      {minimal_with(R"("fields":{})", R"("fields":{"x":"\q"})"), "\"x\""},
      {minimal_with(R"("fields":{})", R"("fields":{"x":1,"x":2})"), "\"x\" appears twice"},
      {minimal_with(R"("spans":[])", R"("spans":{})"), "\"spans\""},
      {minimal_with(R"("spans":[])", R"("spans":[1])"), "\"spans\"[0]"},
      {minimal_with(R"("spans":[])", R"("spans":[{"fields":{}}])"), "\"name\""},
      {minimal_with(R"("spans":[])", R"("spans":[{"name":"s"}])"), "\"fields\""},
      {minimal_with(R"("spans":[])", R"("spans":[{"name":"s","fields":{},"level":1}])"),
       "\"level\""},
      {minimal_with(R"("spans":[])", R"("spans":[{"name":"s","fields":{"k":{}}}])"),
       "\"spans\"[0].\"fields\".\"k\""},
      {minimal_with(R"("request_id":null)", R"("request_id":7)"), "\"request_id\""},
      {minimal_with(R"("trace_id":null)", R"("trace_id":true)"), "\"trace_id\""},
      {minimal_with(R"("trace_id":null)", R"("trace_id":null,"suspect":null)"), "\"suspect\""},
      {minimal_with(R"("line":1)", R"("line":-1)"), "\"line\""},
      {minimal_with(R"("line":1)", R"("line":1.5)"), "\"line\""},
      {minimal_with(R"("line":1)", R"("line":"1")"), "\"line\""},
      {minimal_with(R"("input":"a.log",)", ""), "\"input\""},
      {minimal_with(R"("input":"a.log")", R"("input":"a.log","file":"b")"), "\"file\""},
      {minimal_with(R"("level":"INFO",)", ""), "\"level\""},
      {minimal_with(R"(,"source":{"input":"a.log","line":1})", ""), "\"source\""},
      {minimal_with(R"("level":"INFO")", R"("level":"INFO","level":"WARN")"), "\"level\""},
      {minimal_with(R"("level":"INFO")", R"("contract":1,"level":"INFO")"), "\"contract\""},
      {minimal_with(R"("target":"t")", "\"target\":\"\xff\""), "JSON"},
      {minimal_then("{}"), "trailing"},
      {minimal_then(" x"), ""},
      {minimal_then("]"), ""},
      {minimal_then("}"), "trailing"},
  };
  for (const Case& c : cases) {
    INFO(c.json);
    const Refusal r = refusal(c.json);
    INFO(r.error);
    CHECK_FALSE(r.ok);
    CHECK_FALSE(r.error.empty());
    CHECK(r.error.find(c.named) != std::string::npos);
  }
}

TEST_CASE("record json: a refusal message quotes a hostile name escaped and cut short",
          "[record-json]") {
  const std::string name = "\\u001b[31m" + std::string(500, 'a');
  const Refusal r = refusal(minimal_with(R"("level":"INFO")", "\"" + name + "\":1"));
  CHECK_FALSE(r.ok);
  CHECK(r.error.find("unknown member") != std::string::npos);
  CHECK(r.error.find('\x1b') == std::string::npos);
  CHECK(r.error.size() < 200);
}

TEST_CASE("record json: a reader that refused a text reads the next one", "[record-json]") {
  RecordJsonReader reader;
  Record record;
  std::string error;
  CHECK_FALSE(reader.read("{\"level\":", record, error));
  CHECK_FALSE(error.empty());
  error.clear();
  CHECK(reader.read(kMinimal, record, error));
  CHECK(error.empty());
  CHECK(written(record) == kMinimal);
}

TEST_CASE("record json: what the contract cannot carry exactly", "[record-json]") {
  // Documented losses (the JSON is the contract, not the Record): each comes back as what the
  // writer wrote, so a second write gives the same bytes, but the Record differs.
  RecordJsonReader reader;
  Record r = bare_record();
  r.fields = {{"huge", Value::integer("123456789012345678901234567890")},
              {"nan", Value::floating("NaN")},
              {"twice", Value::string("first")},
              {"twice", Value::string("last")}};
  r.trace_id = "00000000000000000000000000000000";
  r.format = Format::Compact;
  r.service = "pkgly-1";
  const std::string first = written(r);
  const Record read = read_back(reader, first);
  CHECK(written(read) == first);
  // A number no 64-bit integer or double holds, or no JSON number, is written as a string.
  CHECK(read.field("huge")->kind == ValueKind::String);
  CHECK(read.field("nan")->kind == ValueKind::String);
  // A key repeated among the event fields: written once with its last value.
  REQUIRE(read.fields.size() == 3);
  CHECK(read.field("twice")->text == "last");
  // A trace_id that is no usable W3C id is not written.
  CHECK(read.trace_id.empty());
  // The format and the compose service are not in the contract.
  CHECK(read.format == Format::Json);
  CHECK(read.service.empty());
}

}  // namespace pkgly_trail
