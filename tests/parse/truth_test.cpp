// Every sample log, parsed by the parse stage alone, yields exactly the audit events of its
// ground-truth file, in order, with every field equal and typed as the application passed it.
#include <catch2/catch.hpp>

#include "pkgly_trail/parse/record_assembler.hpp"
#include "support/truth.hpp"

namespace pkgly_trail {
namespace {

class Collect : public RecordHandler {
 public:
  void on_record(const Record& record) override {
    if (record.is_audit()) audits.push_back(record.clone());
  }
  std::vector<Record> audits;
};

void check_value(const std::string& key, simdjson::dom::element expected, const Value* actual) {
  INFO("field " << key);
  REQUIRE(actual != nullptr);
  switch (expected.type()) {
    case simdjson::dom::element_type::INT64:
    case simdjson::dom::element_type::UINT64:
      CHECK(actual->kind == ValueKind::Integer);
      CHECK(actual->as_integer() == int64_t(expected));
      break;
    case simdjson::dom::element_type::BOOL:
      CHECK(actual->kind == ValueKind::Bool);
      CHECK(actual->text == (bool(expected) ? "true" : "false"));
      break;
    case simdjson::dom::element_type::STRING:
      CHECK(actual->kind == ValueKind::String);
      CHECK(std::string(actual->text) == std::string(std::string_view(expected)));
      break;
    default: FAIL("unexpected truth type");
  }
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
      assembler.flush();
      CHECK(assembler.stats().unparsed_lines == 0);

      auto truth = testing::read_lines(testing::fixture_path(name + ".truth.ndjson"));
      REQUIRE(collect.audits.size() == truth.size());
      simdjson::dom::parser parser;
      for (std::size_t i = 0; i < truth.size(); ++i) {
        simdjson::dom::object expected = parser.parse(truth[i]);
        const Record& record = collect.audits[i];
        INFO("audit event #" << i + 1 << " at line " << record.source.line);
        for (auto [key, value] : expected) {
          std::string k(key);
          if (k == "seq" || k == "access" || k == "related" || k == "ws_request_id" ||
              k == "spans")
            continue;
          if (k == "timestamp") {
            CHECK(record.timestamp == std::string_view(value));
          } else if (k == "request_id") {
            // The compact format writes no span fields, so no request_id on the audit line.
            std::string_view want = value.is_null() ? "" : std::string_view(value);
            if (record.format == Format::Compact) want = "";
            CHECK(std::string(record.request_id) == std::string(want));
          } else {
            check_value(k, value, record.field(k));
          }
        }
      }
    }
  }
}

}  // namespace pkgly_trail
