// --format csv / tsv: one row per record. A column is resolved with Record::lookup; an absent
// or null value is an empty cell (cells and rows: delimited_writer.cpp).
#include "sinks.hpp"

namespace pkgly_trail {

namespace {

class DelimitedSink final : public RecordSink {
 public:
  DelimitedSink(OutputStream& out, DelimitedWriter writer)
      : RecordSink(out), writer_(std::move(writer)) {}
  void write(const Record& record) override {
    writer_.row([&record](std::string_view column) { return record.lookup(column); });
  }
  // No records still gives a header, so a consumer sees the columns.
  void write_end() override { writer_.finish(); }

 private:
  DelimitedWriter writer_;
};

}  // namespace

std::unique_ptr<RecordSink> make_delimited_sink(OutputStream& out, std::vector<std::string> columns,
                                                bool tsv, bool raw, bool terminal) {
  return std::make_unique<DelimitedSink>(
      out, DelimitedWriter(out, std::move(columns), tsv, raw, terminal));
}

}  // namespace pkgly_trail
