#pragma once
// The filter as a stage of `records` and `audit`: hands on the records the filter accepts, and
// counts them. (`join` filters the complete event instead: see Correlator's `accept`.)
#include <cstdint>

#include "pkgly_trail/filter/filter.hpp"
#include "pkgly_trail/filter/name_watch.hpp"
#include "pkgly_trail/record/stage.hpp"

namespace pkgly_trail {

class FilterStage final : public RecordStage {
 public:
  // `watch`, when given, looks at every record before the filter does.
  FilterStage(const Filter& filter, RecordStage& next, NameWatch* watch = nullptr)
      : filter_(filter), next_(next), watch_(watch) {}
  bool on_record(Record& record) override {
    if (watch_) watch_->look_at(record);
    if (!filter_.matches(record)) return true;
    ++matched_;
    return next_.on_record(record);
  }
  void on_idle() override { next_.on_idle(); }
  void finish() override { next_.finish(); }
  // Records that passed so far.
  const std::uint64_t& matched() const noexcept { return matched_; }

 private:
  const Filter& filter_;
  RecordStage& next_;
  NameWatch* watch_;
  std::uint64_t matched_ = 0;
};

}  // namespace pkgly_trail
