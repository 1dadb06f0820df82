#pragma once
// Reads back a record that append_record_json (pkgly_trail/sink/json_writer.hpp) wrote: the
// `record_json` column of a store, so `report --postgres` folds the same Records that `report`
// folds from logs. Writing what it read gives the same JSON again.
#include <memory>
#include <string>
#include <string_view>

#include "pkgly_trail/record/record.hpp"

namespace pkgly_trail {

class RecordJsonReader {
 public:
  RecordJsonReader();
  ~RecordJsonReader();
  RecordJsonReader(const RecordJsonReader&) = delete;
  RecordJsonReader& operator=(const RecordJsonReader&) = delete;

  // Parses `json` (one object of the record contract, without "contract") into `out`, which is
  // cleared first and owns its text afterwards (in out.arena). Returns false, with the reason in
  // `error`, when the text is not such an object; `out` is then unspecified.
  bool read(std::string_view json, Record& out, std::string& error);

 private:
  struct Parser;
  std::unique_ptr<Parser> parser_;
};

}  // namespace pkgly_trail
