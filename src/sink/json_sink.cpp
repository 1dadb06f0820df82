// --format json: the NDJSON record contract, one object per line.
#include "pkgly_trail/sink/json_writer.hpp"
#include "sinks.hpp"

namespace pkgly_trail {
namespace {

class JsonSink final : public RecordSink {
 public:
  explicit JsonSink(OutputStream& out) : RecordSink(out) {}

  void write(const Record& record) override {
    JsonWriter json(out_.buffer());
    begin_contract_line(json);
    append_record_members(json, record);
    json.end_object();
    out_.buffer().push_back('\n');
  }
};

}  // namespace

std::unique_ptr<RecordSink> make_json_sink(OutputStream& out) {
  return std::make_unique<JsonSink>(out);
}

}  // namespace pkgly_trail
