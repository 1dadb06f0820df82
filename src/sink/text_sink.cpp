// --format text: one line per record for people (layouts in text_lines.cpp).
#include "sinks.hpp"
#include "text_lines.hpp"

namespace pkgly_trail {
namespace {

class TextSink final : public RecordSink {
 public:
  TextSink(OutputStream& out, const SinkOptions& options)
      : RecordSink(out), columns_(options.fields), audit_(options.audit), lines_(options) {}

  void write(const Record& record) override {
    fmt::memory_buffer& line = out_.buffer();
    if (!columns_.empty()) {
      lines_.columns(line, record, columns_);
    } else if (audit_ || record.is_audit()) {
      lines_.audit(line, record);
    } else {
      lines_.event(line, record);
    }
    lines_.end_line(line);
  }

 private:
  std::vector<std::string> columns_;
  bool audit_;
  TextLines lines_;
};

}  // namespace

std::unique_ptr<RecordSink> make_text_sink(OutputStream& out, const SinkOptions& options) {
  return std::make_unique<TextSink>(out, options);
}

}  // namespace pkgly_trail
