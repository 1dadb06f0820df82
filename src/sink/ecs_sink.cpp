// -o ecs for `audit`: each audit record as an ECS document (ecs_document.cpp), one per line.
#include "pkgly_trail/sink/ecs_document.hpp"
#include "sinks.hpp"

namespace pkgly_trail {

namespace {

// `audit -o ecs`: no join, so no access record and joined_by None.
class EcsRecordSink final : public RecordSink {
 public:
  explicit EcsRecordSink(OutputStream& out) : RecordSink(out) {}
  void write(const Record& record) override {
    fmt::memory_buffer& buf = out_.buffer();
    append_ecs_document(buf, record, nullptr, JoinKey::None);
    buf.push_back('\n');
  }
};

}  // namespace

std::unique_ptr<RecordSink> make_ecs_sink(OutputStream& out) {
  return std::make_unique<EcsRecordSink>(out);
}

}  // namespace pkgly_trail
