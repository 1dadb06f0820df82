#include "pkgly_trail/correlate/request_trace.hpp"

#include <algorithm>

namespace pkgly_trail {

RequestTrace::RequestTrace(std::string id, JoinWindow window)
    : id_(std::move(id)), window_(window) {
  std::transform(id_.begin(), id_.end(), id_.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
}

bool RequestTrace::on_record(Record& record) {
  ++seq_;
  std::string_view request = record.request_id;
  std::string_view trace = record.valid_trace_id();
  bool hit = false;
  if (!request.empty() && request.starts_with(id_)) {
    matched_ids_.emplace(request);
    hit = true;
  }
  if (!trace.empty() && trace.starts_with(id_)) {
    matched_ids_.emplace(trace);
    hit = true;
  }
  if (hit || wanted_ids_.contains(request) || wanted_ids_.contains(trace)) {
    // Earlier records kept aside under either id of this record belong to the answer.
    if (!request.empty()) want(request);
    if (!trace.empty()) want(trace);
    found_.push_back(Kept{seq_, record.clone()});
    return true;
  }
  if (request.empty() && trace.empty()) return true;
  recent_.push_back(Kept{seq_, record.clone()});
  while (!recent_.empty() && seq_ - recent_.front().seq > window_.records) recent_.pop_front();
  return true;
}

void RequestTrace::want(std::string_view id) {
  std::vector<std::string> ids{std::string(id)};
  while (!ids.empty()) {
    std::string next = std::move(ids.back());
    ids.pop_back();
    if (!wanted_ids_.insert(next).second) continue;
    for (auto it = recent_.begin(); it != recent_.end();) {
      const Record& kept = it->record;
      if (kept.request_id != next && kept.valid_trace_id() != next) {
        ++it;
        continue;
      }
      // A kept record may tie this id to another one (an access record found by its trace).
      for (std::string_view other : {kept.request_id, kept.valid_trace_id()})
        if (!other.empty()) ids.emplace_back(other);
      found_.push_back(std::move(*it));
      it = recent_.erase(it);
    }
  }
}

std::vector<Record> RequestTrace::take_records() {
  std::sort(found_.begin(), found_.end(),
            [](const Kept& a, const Kept& b) { return a.seq < b.seq; });
  std::vector<Record> records;
  records.reserve(found_.size());
  for (Kept& kept : found_) records.push_back(std::move(kept.record));
  found_.clear();
  return records;
}

}  // namespace pkgly_trail
