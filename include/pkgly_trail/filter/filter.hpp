#pragma once
// filter stage: predicates compiled once from the command line, applied to every record.
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pkgly_trail/record/record.hpp"

namespace pkgly_trail {

struct FilterOptions {
  bool audit_only = false;                   // target == pkgly::audit
  std::vector<std::string> target_prefixes;  // --target (OR)
  std::optional<Level> min_level;            // --level: that level and more severe
  std::vector<std::string> actions;          // --action GLOB (OR)
  std::vector<std::string> not_actions;      // --not-action GLOB: none of them
  std::optional<std::string> outcome;        // --outcome success|denied
  std::vector<std::string> actors;           // --actor NAME (OR) on actor_username
  std::vector<std::string> not_actors;       // --not-actor NAME: none of them (or no actor)
  std::vector<std::string> repositories;     // --repository ID on repository_id (or resource_name)
  std::vector<std::string> storages;         // --storage ID on storage_id
  std::vector<std::string> paths;            // --path GLOB on path / url_path
  std::optional<std::string> since;          // --since T
  std::optional<std::string> until;          // --until T
  std::optional<std::string> around;         // --around T: from T - context to T + context
  std::optional<std::string> context;        // --context D (default 5m), with --around
  // --where KEY=VALUE (exact; same KEY repeated = OR); KEY!=VALUE: none of the values, or the
  // key absent (same KEY repeated: none of them).
  std::vector<std::string> where;
  std::vector<std::string> match;  // --match KEY~RE2 (same KEY repeated = OR); KEY!~RE2: none
};

// A bad option value (an unparsable time, a bad regex): the message says which and why.
class FilterError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// --since/--until: RFC 3339, a date (YYYY-MM-DD), or relative to `now_us` (30s, 30m, 2h, 7d).
std::optional<std::int64_t> parse_time_option(std::string_view text, std::int64_t now_us);
// "90s", "30m", "2h", "7d", "1w" in microseconds: a non-negative count and one unit letter.
std::optional<std::int64_t> parse_duration(std::string_view text) noexcept;
// Shell-style glob: `*`, `?`, `[...]`.
bool glob_match(std::string_view pattern, std::string_view text) noexcept;

class Filter {
 public:
  // Throws FilterError.
  static Filter compile(const FilterOptions& options, std::int64_t now_us);
  Filter(Filter&&) noexcept;
  Filter& operator=(Filter&&) noexcept;
  ~Filter();

  // `joined`: the access record `join` found for an audit event; --where/--match keys that
  // the record lacks (or that start with `access.`) are looked up there.
  bool matches(const Record& record, const Record* joined = nullptr) const;
  bool empty() const noexcept;
  // Strings of which every record this filter accepts contains at least one (its target):
  // records without any need not be parsed. Empty when no such string is known.
  std::vector<std::string> required_text() const;
  // The keys --where and --match name, as typed (`access.KEY` included).
  std::vector<std::string> keys() const;
  // The time window (--since/--until or --around), microseconds since the epoch; `until` is
  // exclusive. Each absent when open.
  struct Period {
    std::optional<std::int64_t> since_us;
    std::optional<std::int64_t> until_us;
  };
  Period period() const noexcept;

 private:
  struct Compiled;
  explicit Filter(std::unique_ptr<Compiled> compiled);
  std::unique_ptr<Compiled> compiled_;
};

}  // namespace pkgly_trail
