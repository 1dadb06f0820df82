#pragma once
// Feeds text to a RecordAssembler line by line and keeps copies of the records.
#include <string>
#include <string_view>
#include <vector>

#include "pkgly_trail/parse/record_assembler.hpp"

namespace pkgly_trail::testing {

struct Collected : RecordHandler {
  void on_record(const Record& record) override { records.push_back(record.clone()); }
  std::vector<Record> records;
};

struct Parsed {
  std::vector<Record> records;
  ParseStats stats;
};

inline Parsed parse_text(std::string_view text, AssemblerOptions options = {}) {
  Collected collected;
  RecordAssembler assembler(collected, options);
  assembler.begin_input("test.log");
  std::uint64_t number = 0;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    assembler.on_line(text.substr(start, end - start), ++number);
    start = end + 1;
  }
  assembler.flush();
  return {std::move(collected.records), assembler.stats()};
}

inline std::string field_text(const Record& record, std::string_view key) {
  const Value* value = record.field(key);
  return value ? std::string(value->text) : std::string("<absent>");
}

}  // namespace pkgly_trail::testing
