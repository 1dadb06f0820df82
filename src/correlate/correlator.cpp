#include "pkgly_trail/correlate/correlator.hpp"

#include <algorithm>

#include "pkgly_trail/filter/filter.hpp"

namespace pkgly_trail {

std::string_view to_string(JoinKey key) noexcept {
  switch (key) {
    case JoinKey::TraceId:
      return "trace_id";
    case JoinKey::RequestId:
      return "request_id";
    case JoinKey::Adjacency:
      return "adjacency";
    case JoinKey::None:
      break;
  }
  return "";
}

namespace {

constexpr std::string_view kTracePrefix = "trace:";

std::size_t footprint(const Record& record) noexcept {
  return sizeof(Record) + record.arena.capacity() +
         (record.fields.capacity() + record.span_fields.capacity()) * sizeof(Field) +
         record.spans.capacity() * sizeof(Span);
}

std::string_view text_of(const Record& record, std::string_view key) noexcept {
  const Value* value = record.field(key);
  return value ? value->text : std::string_view{};
}

// Websocket browse events have no HTTP exchange of their own and so no access record.
bool is_websocket_event(const Record& audit) noexcept {
  return text_of(audit, "http_request_method").empty() &&
         text_of(audit, "http_response_status_code") == "0";
}

}  // namespace

struct Correlator::Request {
  std::vector<Record> related;
  std::vector<std::uint64_t> related_seq;
  std::optional<Record> access;
  std::uint64_t last_seq = 0;
  std::int64_t last_time_us = 0;
  bool queued = false;          // has an entry in touches_
  std::vector<std::string> traces;  // trace ids aliased to this request
  bool access_claimed = false;  // an audit event was joined to the access record
  bool done = false;            // its audit event was printed
  std::size_t bytes = 0;
};

struct Correlator::PendingAudit {
  Record audit;
  std::string key;  // empty: waiting for an adjacent access record
  JoinKey by = JoinKey::None;
  std::uint64_t seq = 0;
  std::int64_t time_us = 0;
  std::chrono::steady_clock::time_point arrived;
};

struct Correlator::RecentAccess {
  std::uint64_t seq;
  std::string key;
  std::string method, route, path, status;
};

Correlator::Correlator(JoinLimits limits, Accept accept, JoinedEventSink& sink)
    : limits_(limits), accept_(std::move(accept)), sink_(sink) {}

Correlator::~Correlator() = default;

std::string_view Correlator::key_of(const Record& record) {
  if (!record.request_id.empty()) return record.request_id;
  std::string_view trace = record.valid_trace_id();
  if (trace.empty()) return {};
  if (auto alias = trace_to_request_.find(trace); alias != trace_to_request_.end())
    return alias->second;
  trace_key_.assign(kTracePrefix);
  trace_key_.append(trace);
  return trace_key_;
}

Correlator::Request& Correlator::request_at(std::string_view key) {
  auto it = requests_.find(key);
  if (it == requests_.end())
    it = requests_.emplace(std::string(key), std::make_unique<Request>()).first;
  touch(it->first, *it->second);
  return *it->second;
}

void Correlator::on_record(const Record& record) { handle(record, nullptr); }

void Correlator::take_record(Record& record) { handle(record, &record); }

void Correlator::handle(const Record& record, Record* owned) {
  ++seq_;
  if (auto time = parse_log_time(record.timestamp)) now_us_ = std::max(now_us_, *time);
  // Before the record is indexed: a request last touched outside the window must not be
  // revived by this record of it.
  expire();
  if (record.is_audit()) {
    on_audit(record);
  } else if (record.is_access()) {
    on_access(record);
  } else {
    on_related(record, owned);
  }
  if (memory_ > limits_.max_memory) evict_for_memory();
}

void Correlator::touch(const std::string& key, Request& request) {
  request.last_seq = seq_;
  request.last_time_us = now_us_;
  if (request.queued) return;
  request.queued = true;
  touches_.push_back(Touch{seq_, now_us_, key});
}

void Correlator::on_related(const Record& record, Record* owned) {
  std::string_view key = key_of(record);
  if (key.empty()) return;  // outside any request
  Request& request = request_at(key);
  if (request.done) {
    ++stats_.late_records;
    return;
  }
  if (limits_.access_only) return;
  if (request.related.size() >= limits_.max_related) {
    ++stats_.related_over_cap;
    return;
  }
  // Speed: a record handed over by the merge stage is moved, saving the copy that was 12% of
  // `join`; one whose arena grew large for an earlier, bigger record is copied to fit instead,
  // so the index does not keep memory it does not use.
  const bool compact =
      owned != nullptr && owned->arena.capacity() <= 2 * owned->text_size() + 1024;
  request.related.push_back(compact ? std::move(*owned) : record.clone());
  request.related_seq.push_back(seq_);
  std::size_t bytes = footprint(request.related.back());
  request.bytes += bytes;
  memory_ += bytes;
}

void Correlator::on_access(const Record& record) {
  std::string key(key_of(record));
  if (key.empty()) return;
  std::string_view trace = record.valid_trace_id();
  if (!trace.empty() && !record.request_id.empty()) {
    // The access record ties the trace id to the request id: whatever was indexed under the
    // trace id so far belongs to this request.
    trace_to_request_[std::string(trace)] = key;
    Request& owner = request_at(key);
    if (std::find(owner.traces.begin(), owner.traces.end(), trace) == owner.traces.end())
      owner.traces.emplace_back(trace);
    std::string trace_key(kTracePrefix);
    trace_key.append(trace);
    if (auto early = requests_.find(trace_key); early != requests_.end()) {
      auto [it, inserted] = requests_.try_emplace(key, nullptr);
      if (inserted) it->second = std::make_unique<Request>();
      Request& into = *it->second;
      Request& from = *early->second;
      for (std::size_t i = 0; i < from.related.size(); ++i) {
        auto pos =
            std::upper_bound(into.related_seq.begin(), into.related_seq.end(), from.related_seq[i]);
        auto index = pos - into.related_seq.begin();
        into.related_seq.insert(pos, from.related_seq[i]);
        into.related.insert(into.related.begin() + index, std::move(from.related[i]));
      }
      into.bytes += from.bytes;
      from.bytes = 0;
      requests_.erase(early);
    }
    // An audit event seen before this record waits under the trace key, even when no other
    // record carried the trace id.
    for (auto& pending : pending_)
      if (pending->key == trace_key) pending->key = key;
  }
  Request& request = request_at(key);
  if (!request.access) {
    request.access = record.clone();
    std::size_t bytes = footprint(*request.access);
    request.bytes += bytes;
    memory_ += bytes;
  }
  recent_access_.push_back(RecentAccess{
      seq_, key, std::string(text_of(record, "http.request.method")),
      std::string(text_of(record, "http.route")), std::string(text_of(record, "url.path")),
      std::string(text_of(record, "http.response.status_code"))});
  try_complete_pending(key);
}

std::string Correlator::find_adjacent_access(const Record& audit) {
  std::string_view method = text_of(audit, "http_request_method");
  std::string_view route = text_of(audit, "http_route");
  std::string_view path = text_of(audit, "url_path");
  std::string_view status = text_of(audit, "http_response_status_code");
  for (auto it = recent_access_.rbegin(); it != recent_access_.rend(); ++it) {
    if (it->method != method || it->route != route || it->path != path || it->status != status)
      continue;
    auto request = requests_.find(it->key);
    if (request == requests_.end() || request->second->access_claimed) continue;
    return it->key;
  }
  return {};
}

void Correlator::on_audit(const Record& record) {
  ++stats_.audit_events;
  std::string key;
  JoinKey by = JoinKey::None;
  if (!record.request_id.empty()) {
    key = record.request_id;
    by = JoinKey::RequestId;
  } else if (!record.valid_trace_id().empty()) {
    key.assign(key_of(record));
    by = JoinKey::TraceId;
  } else if (!is_websocket_event(record)) {
    key = find_adjacent_access(record);
    by = JoinKey::Adjacency;
  }
  auto found = key.empty() ? requests_.end() : requests_.find(key);
  Request* request = found == requests_.end() ? nullptr : found->second.get();
  if (is_websocket_event(record) || (request && request->access)) {
    complete(record, request, by);
    return;
  }
  // The access record has not been seen yet (reordered input): wait for it, within the window.
  auto pending = std::make_unique<PendingAudit>();
  pending->audit = record.clone();
  pending->key = by == JoinKey::Adjacency ? std::string() : key;
  pending->by = by;
  pending->seq = seq_;
  pending->time_us = now_us_;
  pending->arrived = std::chrono::steady_clock::now();
  memory_ += footprint(pending->audit);
  pending_.push_back(std::move(pending));
}

void Correlator::try_complete_pending(const std::string& key) {
  for (auto it = pending_.begin(); it != pending_.end();) {
    PendingAudit& p = **it;
    bool match = p.key == key;
    if (!match && p.by == JoinKey::Adjacency && p.key.empty())
      match = find_adjacent_access(p.audit) == key;
    if (!match) {
      ++it;
      continue;
    }
    auto found = requests_.find(key);
    memory_ -= std::min(memory_, footprint(p.audit));
    complete(p.audit, found == requests_.end() ? nullptr : found->second.get(), p.by);
    it = pending_.erase(it);
  }
}

void Correlator::complete(const Record& audit, Request* request, JoinKey by) {
  const Record* access = request && request->access ? &*request->access : nullptr;
  std::span<const Record> related;
  if (request && !limits_.access_only) related = request->related;
  if (!access && related.empty()) by = JoinKey::None;
  if (!access) ++stats_.without_access;
  if (accept_ && !accept_(audit, access)) {
    ++stats_.filtered_out;
  } else {
    ++stats_.printed;
    sink_.write(JoinedEvent{audit, access, related, by});
  }
  if (request) {
    request->access_claimed = true;
    request->done = true;
    memory_ -= std::min(memory_, request->bytes);
    request->bytes = 0;
    request->related.clear();
    request->related.shrink_to_fit();
    request->related_seq.clear();
    request->related_seq.shrink_to_fit();
    request->access.reset();
  }
}

void Correlator::drop_request(const std::string& key, bool memory) {
  auto it = requests_.find(key);
  if (it == requests_.end()) return;
  if (!it->second->done) ++(memory ? stats_.requests_evicted : stats_.requests_expired);
  // An audit event still waiting for this request is printed with what there is.
  for (auto p = pending_.begin(); p != pending_.end();) {
    if ((*p)->key != key) {
      ++p;
      continue;
    }
    memory_ -= std::min(memory_, footprint((*p)->audit));
    complete((*p)->audit, it->second.get(), (*p)->by);
    p = pending_.erase(p);
  }
  memory_ -= std::min(memory_, it->second->bytes);
  for (const std::string& trace : it->second->traces) {
    auto alias = trace_to_request_.find(trace);
    if (alias != trace_to_request_.end() && alias->second == key) trace_to_request_.erase(alias);
  }
  requests_.erase(it);
}

void Correlator::expire() {
  auto outside = [&](std::uint64_t seq, std::int64_t time_us) {
    return seq_ - seq > limits_.window.records ||
           static_cast<double>(now_us_ - time_us) > limits_.window.seconds * 1e6;
  };
  while (!touches_.empty() && outside(touches_.front().seq, touches_.front().time_us)) {
    Touch touch = std::move(touches_.front());
    touches_.pop_front();
    auto it = requests_.find(touch.key);
    if (it == requests_.end()) continue;
    Request& request = *it->second;
    if (outside(request.last_seq, request.last_time_us)) {
      drop_request(touch.key, false);
    } else {
      // Touched since it was queued: check it again when its latest touch ages out.
      touches_.push_back(Touch{request.last_seq, request.last_time_us, std::move(touch.key)});
    }
  }
  while (!pending_.empty() && outside(pending_.front()->seq, pending_.front()->time_us)) {
    std::unique_ptr<PendingAudit> p = std::move(pending_.front());
    pending_.pop_front();
    memory_ -= std::min(memory_, footprint(p->audit));
    auto found = p->key.empty() ? requests_.end() : requests_.find(p->key);
    complete(p->audit, found == requests_.end() ? nullptr : found->second.get(), p->by);
  }
  while (!recent_access_.empty() && seq_ - recent_access_.front().seq > limits_.window.records)
    recent_access_.pop_front();
}

void Correlator::evict_for_memory() {
  while (memory_ > limits_.max_memory && !touches_.empty()) {
    Touch touch = std::move(touches_.front());
    touches_.pop_front();
    if (requests_.count(touch.key) != 0) drop_request(touch.key, true);
  }
}

void Correlator::on_idle(std::chrono::milliseconds patience) {
  auto now = std::chrono::steady_clock::now();
  while (!pending_.empty() && now - pending_.front()->arrived >= patience) {
    std::unique_ptr<PendingAudit> p = std::move(pending_.front());
    pending_.pop_front();
    memory_ -= std::min(memory_, footprint(p->audit));
    auto found = p->key.empty() ? requests_.end() : requests_.find(p->key);
    complete(p->audit, found == requests_.end() ? nullptr : found->second.get(), p->by);
  }
}

void Correlator::finish() {
  while (!pending_.empty()) {
    std::unique_ptr<PendingAudit> p = std::move(pending_.front());
    pending_.pop_front();
    auto found = p->key.empty() ? requests_.end() : requests_.find(p->key);
    complete(p->audit, found == requests_.end() ? nullptr : found->second.get(), p->by);
  }
  memory_ = 0;
  sink_.finish();
}

}  // namespace pkgly_trail
