// Every sample log, parsed by the parse stage alone, yields exactly the audit events of its
// ground-truth file, in order, with exactly the fields of the truth (none missing, none extra)
// typed as the application passed them, the request_id and, for websocket events, the spans.
#include "support/truth.hpp"

#include <catch2/catch.hpp>

#include "pkgly_trail/parse/record_assembler.hpp"
#include "support/truth_audit.hpp"

namespace pkgly_trail {
namespace {

class Collect : public RecordStage {
 public:
  bool on_record(Record& record) override {
    if (record.is_audit()) audits.push_back(record.clone());
    return true;
  }
  std::vector<Record> audits;
};

// The record's event fields as a JSON object, typed as parsed (written here, not by a sink).
std::string fields_json(const Record& record) {
  std::string json = "{";
  for (const Field& field : record.fields) {
    if (json.size() > 1) json += ',';
    json += testing::json_quote(field.key) + ":";
    switch (field.value.kind) {
      case ValueKind::String:
        json += testing::json_quote(field.value.text);
        break;
      case ValueKind::Null:
        json += "null";
        break;
      default:
        json += field.value.text;
        break;  // numbers and booleans as logged
    }
  }
  return json + "}";
}

}  // namespace

TEST_CASE("audit events of every sample match the ground truth", "[parse][truth]") {
  for (const std::string& name : testing::sample_names()) {
    DYNAMIC_SECTION(name) {
      Collect collect;
      RecordAssembler assembler(collect);
      assembler.begin_input(name + ".log");
      const std::string log = testing::read_file(testing::fixture_path(name + ".log"));
      std::uint64_t number = 0;
      std::size_t start = 0;
      while (start < log.size()) {
        std::size_t end = log.find('\n', start);
        if (end == std::string::npos) end = log.size();
        assembler.on_line(std::string_view(log).substr(start, end - start), ++number);
        start = end + 1;
      }
      assembler.end_input();
      CHECK(assembler.stats().unparsed_lines == 0);

      auto truth = testing::read_lines(testing::fixture_path(name + ".truth.ndjson"));
      REQUIRE(collect.audits.size() == truth.size());
      simdjson::dom::parser parser;
      for (std::size_t i = 0; i < truth.size(); ++i) {
        simdjson::dom::object expected = parser.parse(truth[i]);
        const Record& record = collect.audits[i];
        INFO("audit event #" << i + 1 << " at line " << record.source.line);
        CHECK(record.timestamp == std::string_view(expected["timestamp"]));
        CHECK(record.level == Level::Info);
        REQUIRE(record.message);
        CHECK(*record.message == "Audit event");
        // Every field, typed, and no other (a forged or duplicated field fails).
        const std::string got = fields_json(record);
        INFO(got);
        simdjson::dom::parser fields_parser, want_parser;
        simdjson::dom::element got_fields;
        REQUIRE(fields_parser.parse(got).get(got_fields) == simdjson::SUCCESS);
        CHECK(testing::json_diff(want_parser.parse(testing::truth_audit_fields(expected)),
                                 got_fields, "fields") == "");
        // The compact format writes no span fields, so no request_id.
        const bool compact = record.format == Format::Compact;
        simdjson::dom::element request_id = expected["request_id"];
        CHECK(std::string(record.request_id) ==
              (compact || request_id.is_null() ? "" : std::string(std::string_view(request_id))));
        std::vector<std::string> spans;
        for (const Span& span : record.spans) spans.emplace_back(span.name);
        if (compact) CHECK(record.span_fields.empty());  // names only
        simdjson::dom::element want_spans, ws_request_id;
        if (expected["ws_request_id"].get(ws_request_id) == simdjson::SUCCESS) {
          REQUIRE(expected["spans"].get(want_spans) == simdjson::SUCCESS);
          CHECK(spans == testing::string_list(want_spans));
          if (!compact) {
            const Value* id = record.span_field("request_id");
            REQUIRE(id != nullptr);
            CHECK(id->text == std::string_view(ws_request_id));
          }
        } else if (!request_id.is_null()) {
          REQUIRE(!spans.empty());
          CHECK(spans.front() == "HTTP request");
        }
      }
    }
  }
}

}  // namespace pkgly_trail
