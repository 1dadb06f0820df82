#pragma once
// `trace ID`: every record of one request, found by its trace_id, its request_id, or a prefix
// of either. Records are indexed by request while they are inside the join window, because the
// access record that ties a trace id to a request id comes last.
#include <cstdint>
#include <deque>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "pkgly_trail/correlate/correlator.hpp"

namespace pkgly_trail {

// The last stage of `trace`: keeps the records of one request until the input ends.
class RequestTrace final : public RecordStage {
 public:
  RequestTrace(std::string id, JoinWindow window);
  bool on_record(Record& record) override;

  // The full ids the prefix matched; more than one means the prefix is ambiguous.
  const std::set<std::string>& matched_ids() const noexcept { return matched_ids_; }
  // The records found, in log order.
  std::vector<Record> take_records();
  // The ids (request and trace) of the request found so far: every record of the answer
  // carries one of them.
  const std::set<std::string, std::less<>>& wanted_ids() const noexcept { return wanted_ids_; }
  // The id asked, in lower case (ids are matched by this prefix).
  const std::string& id() const noexcept { return id_; }

 private:
  struct Kept {
    std::uint64_t seq;
    Record record;
  };
  // Adds an id of the wanted request and claims the kept records that carry it.
  void want(std::string_view id);

  std::string id_;
  JoinWindow window_;
  std::uint64_t seq_ = 0;
  std::set<std::string> matched_ids_;
  // Request ids and trace ids of the wanted request: the access record ties them together, and
  // in `compact` the other records carry only the trace id.
  std::set<std::string, std::less<>> wanted_ids_;
  std::deque<Kept> recent_;  // records of other requests, within the window
  std::vector<Kept> found_;
};

}  // namespace pkgly_trail
