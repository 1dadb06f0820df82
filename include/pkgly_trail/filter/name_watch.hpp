#pragma once
// Names a person asked for (--fields columns, --where and --match keys) that no record had.
// At the end of a run the CLI says which, with the closest names the records did have, so a
// typo (`--fields acton`) or a field only the access record has (`audit --where
// client.address=...` on a log without request spans) does not pass for an empty result.
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "pkgly_trail/record/record.hpp"

namespace pkgly_trail {

class NameWatch {
 public:
  // Records whose names are collected for suggestions, at most (the names of a log repeat).
  static constexpr std::uint64_t kSampleRecords = 10000;

  // `wanted`: the names as typed; `access.KEY` stands for KEY of the access record.
  explicit NameWatch(std::vector<std::string> wanted);

  // Looks for the names not found yet in `record`, then in `access` (as `join` resolves a
  // name). Costs one test once every name was found.
  void look_at(const Record& record, const Record* access = nullptr);

  struct Missing {
    std::string name;
    bool access_field = false;  // a field Pkgly writes on the access record
  };
  // The names no record had, in the order asked.
  std::vector<Missing> missing() const;
  // What to suggest instead: the record's own names (timestamp, level...) and the field and
  // span field names of the records looked at while a name was missing (the first
  // kSampleRecords).
  std::vector<std::string> names_seen() const;

 private:
  void collect_names(const Record& record);

  struct Wanted {
    std::string name;
    bool found = false;
  };
  std::vector<Wanted> wanted_;
  std::size_t left_ = 0;  // names not found yet
  std::uint64_t sampled_ = 0;
  std::set<std::string, std::less<>> seen_;
};

}  // namespace pkgly_trail
