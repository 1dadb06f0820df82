// -o json and -o ecs for records: one JSON document per line, the NDJSON record contract
// (json_writer.cpp) or, for `audit -o ecs`, an ECS document without an access record
// (ecs_document.cpp).
#include "pkgly_trail/sink/ecs_document.hpp"
#include "pkgly_trail/sink/json_writer.hpp"
#include "sinks.hpp"

namespace pkgly_trail {
namespace {

using WriteDocument = void (*)(fmt::memory_buffer& out, const Record& record);

class DocumentSink final : public RecordSink {
 public:
  DocumentSink(OutputStream& out, WriteDocument document) : RecordSink(out), document_(document) {}
  void write(const Record& record) override {
    document_(out_.buffer(), record);
    out_.buffer().push_back('\n');
  }

 private:
  WriteDocument document_;
};

// No join: no access record, joined_by none.
void ecs_document(fmt::memory_buffer& out, const Record& record) {
  append_ecs_document(out, record, nullptr, JoinKey::None);
}

}  // namespace

std::unique_ptr<RecordSink> make_json_sink(OutputStream& out) {
  return std::make_unique<DocumentSink>(out, append_record_line);
}

std::unique_ptr<RecordSink> make_ecs_sink(OutputStream& out) {
  return std::make_unique<DocumentSink>(out, ecs_document);
}

}  // namespace pkgly_trail
