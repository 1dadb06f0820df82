#pragma once
// Folds joined audit events into the report's tables as they come; nothing per event is kept
// but the rows of the sensitive list, and every table stops growing at --max-groups.
#include <cstdint>
#include <memory>

#include "pkgly_trail/correlate/joined_event.hpp"
#include "pkgly_trail/report/report.hpp"

namespace pkgly_trail {

class ReportAggregator final : public JoinedEventSink {
 public:
  explicit ReportAggregator(ReportOptions options);
  ~ReportAggregator() override;
  ReportAggregator(const ReportAggregator&) = delete;
  ReportAggregator& operator=(const ReportAggregator&) = delete;

  bool on_event(const JoinedEvent& event) override;
  std::uint64_t events() const noexcept;
  // The tables, sorted: count descending then names ascending (unknown last); the timeline
  // and the sensitive list in time order. `doubts` come from the parse stage's counts.
  Report build(const InputDoubts& doubts) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Where a joined event came from: client.address of its access record, else of the audit's
// `HTTP request` span; empty when unknown.
std::string_view client_address_of(const JoinedEvent& event) noexcept;

}  // namespace pkgly_trail
