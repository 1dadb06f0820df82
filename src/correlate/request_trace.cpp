#include "pkgly_trail/correlate/request_trace.hpp"

#include <algorithm>

namespace pkgly_trail {

RequestTrace::RequestTrace(std::string id, JoinWindow window)
    : id_(std::move(id)), window_(window) {
  std::transform(id_.begin(), id_.end(), id_.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
}

void RequestTrace::on_record(const Record& record) {
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
  if (hit && !request.empty() && wanted_requests_.emplace(request).second) {
    // Earlier records of this request were kept aside; they belong to the answer.
    for (auto it = recent_.begin(); it != recent_.end();) {
      if (it->record.request_id == request) {
        found_.push_back(std::move(*it));
        it = recent_.erase(it);
      } else {
        ++it;
      }
    }
  }
  if (hit || (!request.empty() && wanted_requests_.count(std::string(request)))) {
    found_.push_back(Kept{seq_, record.clone()});
    return;
  }
  if (request.empty()) return;
  recent_.push_back(Kept{seq_, record.clone()});
  while (!recent_.empty() && seq_ - recent_.front().seq > window_.records) recent_.pop_front();
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
