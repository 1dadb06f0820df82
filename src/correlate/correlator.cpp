#include "pkgly_trail/correlate/correlator.hpp"

#include <algorithm>
#include <list>
#include <numeric>
#include <unordered_map>

#include "chain.hpp"
#include "pkgly_trail/record/log_time.hpp"

namespace pkgly_trail {

std::string_view to_string(JoinKey key) noexcept {
  static constexpr std::string_view kNames[] = {"", "trace_id", "request_id", "adjacency"};
  return kNames[static_cast<std::size_t>(key)];
}

namespace {

using detail::Chain;
using detail::Links;

constexpr std::string_view kTracePrefix = "trace:";
// What a hash map node costs besides its key and value (bucket slot, next pointer, hash).
constexpr std::size_t kNodeBytes = 64;
constexpr std::string_view kSharedAccessId =
    "another access record has this request's id: one of them was forged";
constexpr std::string_view kMissingSpan =
    "shows no request span although its log writes them: a value may have ended it early and "
    "given its span to an imitation";
constexpr std::string_view kMissingAccess =
    "no access record of its own came before it: it may be forged (or the log starts inside "
    "its request)";
constexpr std::string_view kExchangeMismatch =
    "its access record shows another method, route, path or status: a value may have "
    "imitated this record's end";

// Heap bytes a kept record owns besides the Record itself.
std::size_t heap_bytes(const Record& record) noexcept {
  return record.arena.capacity() +
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

// The names of method, route, url path and status in an audit and in an access record.
constexpr std::string_view kAuditExchange[] = {"http_request_method", "http_route", "url_path",
                                               "http_response_status_code"};
constexpr std::string_view kAccessExchange[] = {"http.request.method", "http.route", "url.path",
                                                "http.response.status_code"};

// input:line of a record, as warnings name it.
std::string where(const Record& record) {
  return std::string(record.source.input.empty() ? "-" : record.source.input) + ":" +
         std::to_string(record.source.line);
}

bool same_exchange(const Record& audit, const Record& access) noexcept {
  for (std::size_t i = 0; i < std::size(kAuditExchange); ++i)
    if (text_of(audit, kAuditExchange[i]) != text_of(access, kAccessExchange[i])) return false;
  return true;
}

// A websocket browse event (its own span, no access record), by its action as well as its
// empty HTTP fields: a fake `user.delete` with status 0 is not one.
bool is_browse_event(const Record& audit) noexcept {
  return is_websocket_event(audit) && text_of(audit, "action").starts_with("repository.browse_ws.");
}

struct KeyHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view key) const noexcept {
    return std::hash<std::string_view>{}(key);
  }
};
template <typename T>
using KeyMap = std::unordered_map<std::string, T, KeyHash, std::equal_to<>>;

}  // namespace

struct Request;
struct Exchange;

// An audit event waiting for its access record: under its request (request_id or trace id), or
// under its HTTP exchange (adjacency).
struct PendingAudit {
  Record audit;
  JoinKey by = JoinKey::None;
  std::uint64_t seq = 0;
  std::int64_t time_us = 0;
  std::chrono::steady_clock::time_point arrived;
  Request* request = nullptr;
  Exchange* exchange = nullptr;
  Links<PendingAudit> group;  // on request->waiting or exchange->waiting
  std::list<PendingAudit>::iterator self;
  std::size_t bytes = 0;
};
using WaitingAudits = Chain<PendingAudit, &PendingAudit::group>;

struct Request {
  const std::string* key = nullptr;  // its key in the index (a map node: stable)
  std::vector<Record> related;
  std::vector<std::uint64_t> related_seq;
  bool related_in_order = true;  // false once early trace-only records were added after others
  std::optional<Record> access;
  std::uint64_t last_seq = 0;
  std::int64_t last_time_us = 0;
  Links<Request> activity;   // on Index::activity, least recently touched first
  Links<Request> unclaimed;  // on exchange->accesses while no audit event took the access
  Exchange* exchange = nullptr;
  WaitingAudits waiting;            // audit events keyed to it, before its access record
  std::vector<std::string> traces;  // trace ids aliased to this request
  bool access_claimed = false;      // an audit event was joined to the access record
  bool access_seen = false;         // an access record came (kept even after it is released)
  bool done = false;                // its audit event was printed
  std::size_t bytes = 0;            // all of it, as counted in Index::memory
};

// Access records and audit events of one method, route, url path and status, for the join by
// adjacency: the newest unclaimed access record goes to the next audit event, and an access
// record goes to the oldest audit event that waits for it.
struct Exchange {
  const std::string* key = nullptr;
  Chain<Request, &Request::unclaimed> accesses;  // oldest first
  WaitingAudits waiting;                         // oldest first
  std::size_t bytes = 0;
};

struct Correlator::Index {
  Index(JoinLimits l, Accept a, JoinedEventSink& s, JoinStats& st)
      : limits(l), accept(std::move(a)), sink(s), stats(st) {}

  JoinLimits limits;
  Accept accept;
  JoinedEventSink& sink;
  JoinStats& stats;
  std::uint64_t seq = 0;
  std::int64_t now_us = 0;  // log time of the latest record with a timestamp
  std::size_t memory = 0;
  std::uint64_t steps = 0;
  bool stopped = false;  // the sink's output is gone

  KeyMap<std::unique_ptr<Request>> requests;
  Chain<Request, &Request::activity> activity;
  KeyMap<std::string> trace_to_request;
  KeyMap<std::unique_ptr<Exchange>> exchanges;
  std::list<PendingAudit> pending;  // arrival order
  std::string trace_key;            // scratch for key_of
  std::string exchange_key;         // scratch for exchange_key_of

  enum class Drop { Expired, Evicted, Merged, Finished };

  void add(std::size_t bytes) noexcept {
    memory += bytes;
    stats.peak_bytes = std::max(stats.peak_bytes, memory);
  }
  void sub(std::size_t bytes) noexcept { memory -= std::min(memory, bytes); }
  void add(Request& request, std::size_t bytes) noexcept {
    request.bytes += bytes;
    add(bytes);
  }

  bool outside(std::uint64_t at_seq, std::int64_t time_us) const noexcept {
    return seq - at_seq > limits.window.records ||
           static_cast<double>(now_us - time_us) > limits.window.seconds * 1e6;
  }

  // The index key of a record's request (request_id, or trace id), empty when it has none.
  // Valid until the next call.
  std::string_view key_of(const Record& record) {
    if (!record.request_id.empty()) return record.request_id;
    std::string_view trace = record.valid_trace_id();
    if (trace.empty()) return {};
    if (auto alias = trace_to_request.find(trace); alias != trace_to_request.end())
      return alias->second;
    trace_key.assign(kTracePrefix);
    trace_key.append(trace);
    return trace_key;
  }

  // Method, route, url path and status, each prefixed by its length so no value can pass
  // for another. Valid until the next call.
  std::string_view exchange_key_of(const Record& record, const std::string_view (&names)[4]) {
    exchange_key.clear();
    for (std::string_view name : names) {
      std::string_view value = text_of(record, name);
      exchange_key.append(std::to_string(value.size()));
      exchange_key.push_back(':');
      exchange_key.append(value);
    }
    return exchange_key;
  }

  // The entry of `key` in `map`, made (its key linked to the map's node) when missing.
  template <class Entry, class Map>
  static Entry& entry_at(Map& map, std::string_view key, bool& made) {
    auto it = map.find(key);
    made = it == map.end();
    if (made) {
      it = map.emplace(std::string(key), std::make_unique<Entry>()).first;
      it->second->key = &it->first;
    }
    return *it->second;
  }

  Request& request_at(std::string_view key) {
    bool made = false;
    Request& request = entry_at<Request>(requests, key, made);
    if (made) add(request, sizeof(Request) + key.size() + kNodeBytes);
    request.last_seq = seq;
    request.last_time_us = now_us;
    activity.remove(request);
    activity.push_back(request);
    return request;
  }

  Exchange& exchange_at(std::string_view key) {
    bool made = false;
    Exchange& exchange = entry_at<Exchange>(exchanges, key, made);
    if (made) {
      exchange.bytes = sizeof(Exchange) + key.size() + kNodeBytes;
      add(exchange.bytes);
    }
    return exchange;
  }

  void forget_if_unused(Exchange& exchange) {
    if (!exchange.accesses.empty() || !exchange.waiting.empty()) return;
    sub(exchange.bytes);
    exchanges.erase(exchanges.find(*exchange.key));  // the key is the node's own: find first
  }

  // No audit event may take the request's access record by adjacency any more.
  void withdraw_access(Request& request) {
    if (request.exchange == nullptr) return;
    Exchange& exchange = *request.exchange;
    exchange.accesses.remove(request);
    request.exchange = nullptr;
    forget_if_unused(exchange);
  }

  void complete(const Record& audit, Request* request, JoinKey by) {
    const Record* access = request && request->access ? &*request->access : nullptr;
    if (request && !request->related_in_order) put_related_in_order(*request);
    std::span<const Record> related;
    if (request && !limits.access_only) related = request->related;
    if (!access && related.empty()) by = JoinKey::None;
    if (!access) ++stats.without_access;
    Record marked;
    const std::string_view doubt = doubt_about(audit, access, by);
    if (!doubt.empty() && audit.suspect.empty()) {
      marked = audit.clone();
      marked.suspect = doubt;
    }
    const Record& shown = marked.suspect.empty() ? audit : marked;
    if (accept && !accept(shown, access)) {
      ++stats.filtered_out;
    } else {
      ++stats.printed;
      if (!sink.on_event(JoinedEvent{shown, access, related, by})) stopped = true;
    }
    if (request == nullptr) return;
    request->access_claimed = true;
    request->done = true;
    withdraw_access(*request);
    std::size_t kept = 0;
    for (const Record& record : request->related) kept += heap_bytes(record);
    kept += request->related.capacity() * sizeof(Record) +
            request->related_seq.capacity() * sizeof(std::uint64_t);
    if (request->access) kept += sizeof(Record) + heap_bytes(*request->access);
    steps += request->related.size();
    request->related = std::vector<Record>();
    request->related_seq = std::vector<std::uint64_t>();
    request->access.reset();
    request->bytes -= std::min(request->bytes, kept);
    sub(kept);
  }

  // What the join says against an audit event of an HTTP request (empty: nothing). Pkgly
  // writes the request's access record right before it, with the same method, route, path and
  // status; an event without one, or with another, was imitated (docs/security.md).
  std::string_view doubt_about(const Record& audit, const Record* access, JoinKey by) {
    if (is_browse_event(audit)) return {};
    // Outside compact logs every audit event shows its request's span (json, full: before its
    // fields; pretty: after them). One without it was cut from its own (a fake `at` line),
    // whether or not its trace id found the access record (red team, round 5).
    if (audit.format != Format::Compact && audit.request_id.empty()) {
      if (stats.missing_span++ == 0) stats.first_missing_span = where(audit);
      return kMissingSpan;
    }
    if (access == nullptr) {
      if (stats.missing_access++ == 0) stats.first_missing_access = where(audit);
      return kMissingAccess;
    }
    // Adjacency took an access record of the same exchange.
    if (by == JoinKey::Adjacency || same_exchange(audit, *access)) return {};
    if (stats.exchange_mismatches++ == 0) stats.first_exchange_mismatch = where(audit);
    return kExchangeMismatch;
  }

  // Early trace-only records were added after records of the request id: sort by arrival.
  void put_related_in_order(Request& request) {
    std::vector<std::size_t> order(request.related.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return request.related_seq[a] < request.related_seq[b];
    });
    std::vector<Record> related;
    std::vector<std::uint64_t> related_seq;
    related.reserve(order.size());
    related_seq.reserve(order.size());
    for (std::size_t i : order) {
      related.push_back(std::move(request.related[i]));
      related_seq.push_back(request.related_seq[i]);
    }
    steps += order.size();
    request.related = std::move(related);
    request.related_seq = std::move(related_seq);
    request.related_in_order = true;
  }

  PendingAudit& wait(const Record& audit, JoinKey by) {
    PendingAudit& p = pending.emplace_back();
    p.self = std::prev(pending.end());
    p.audit = audit.clone();
    p.by = by;
    p.seq = seq;
    p.time_us = now_us;
    p.arrived = std::chrono::steady_clock::now();
    p.bytes = sizeof(PendingAudit) + 2 * sizeof(void*) + heap_bytes(p.audit);
    add(p.bytes);
    return p;
  }

  // Prints a waiting audit event with what its request holds (its access record, if it came).
  void settle(PendingAudit& p, Request* request) {
    ++steps;
    if (p.request != nullptr) p.request->waiting.remove(p);
    if (p.exchange != nullptr) {
      p.exchange->waiting.remove(p);
      forget_if_unused(*p.exchange);
    }
    sub(p.bytes);
    complete(p.audit, request, p.by);
    pending.erase(p.self);
  }

  // Prints the audit events that have waited longest, oldest first, while `due` says so.
  template <class Due>
  void release_pending(Due due) {
    while (!pending.empty() && due(pending.front()))
      settle(pending.front(), pending.front().request);
  }

  // Prints every audit event waiting for `request`, with what it holds.
  void release_waiting(Request& request) {
    while (PendingAudit* p = request.waiting.front()) settle(*p, &request);
  }

  void drop_request(Request& request, Drop why) {
    ++steps;
    if (!request.done) {
      if (why == Drop::Expired) ++stats.requests_expired;
      if (why == Drop::Evicted) ++stats.requests_evicted;
    }
    // An audit event still waiting for this request is printed with what there is.
    release_waiting(request);
    withdraw_access(request);
    activity.remove(request);
    for (const std::string& trace : request.traces) {
      ++steps;
      auto alias = trace_to_request.find(trace);
      if (alias != trace_to_request.end() && alias->second == *request.key)
        trace_to_request.erase(alias);
    }
    sub(request.bytes);
    requests.erase(requests.find(*request.key));  // the key is the node's own: find first
  }

  // The access record ties trace id and request id: what was indexed under the trace id so far
  // belongs to the request.
  void tie(std::string_view trace, std::string_view request_id) {
    Request& owner = request_at(request_id);
    auto alias = trace_to_request.find(trace);
    if (alias == trace_to_request.end()) {
      trace_to_request.emplace(std::string(trace), std::string(request_id));
      owner.traces.emplace_back(trace);
      add(owner, 2 * trace.size() + request_id.size() + sizeof(std::string) * 3 + kNodeBytes);
    } else if (alias->second != request_id) {
      alias->second.assign(request_id);
      owner.traces.emplace_back(trace);
      add(owner, 2 * trace.size() + request_id.size() + sizeof(std::string) * 3 + kNodeBytes);
    }
    trace_key.assign(kTracePrefix);
    trace_key.append(trace);
    auto early = requests.find(trace_key);
    if (early == requests.end() || early->second.get() == &owner) return;
    Request& from = *early->second;
    if (!from.done && !owner.done) {
      // Appended here, put in log order when the event is printed: O(1) per record.
      for (std::size_t i = 0; i < from.related.size(); ++i) {
        ++steps;
        if (owner.related.size() >= limits.max_related) {
          ++stats.related_over_cap;
          continue;
        }
        if (!owner.related_seq.empty() && from.related_seq[i] < owner.related_seq.back())
          owner.related_in_order = false;
        push_related(owner, std::move(from.related[i]), from.related_seq[i]);
      }
      while (PendingAudit* p = from.waiting.front()) {
        ++steps;
        from.waiting.remove(*p);
        p->request = &owner;
        owner.waiting.push_back(*p);
      }
    }
    drop_request(from, Drop::Merged);
  }

  void push_related(Request& request, Record&& record, std::uint64_t at_seq) {
    const std::size_t capacity = request.related.capacity();
    const std::size_t seq_capacity = request.related_seq.capacity();
    request.related.push_back(std::move(record));
    request.related_seq.push_back(at_seq);
    add(request, heap_bytes(request.related.back()) +
                     (request.related.capacity() - capacity) * sizeof(Record) +
                     (request.related_seq.capacity() - seq_capacity) * sizeof(std::uint64_t));
  }

  void on_related(Record& record) {
    std::string_view key = key_of(record);
    if (key.empty()) return;  // outside any request
    Request& request = request_at(key);
    if (request.done) {
      ++stats.late_records;
      return;
    }
    if (limits.access_only) return;
    if (!limits.keeps_related(record)) {
      ++stats.related_left_out;
      return;
    }
    if (request.related.size() >= limits.max_related) {
      ++stats.related_over_cap;
      return;
    }
    // Speed: the record owns its text (the stage contract), so it is moved, saving the copy
    // that was 12% of `join`; one whose arena grew large for an earlier, bigger record is
    // copied to fit instead, so the index does not keep memory it does not use.
    const bool compact = record.arena.capacity() <= 2 * record.text_size() + 1024;
    push_related(request, compact ? std::move(record) : record.clone(), seq);
  }

  void on_access(const Record& record) {
    std::string_view key = key_of(record);
    if (key.empty()) return;
    std::string_view trace = record.valid_trace_id();
    if (!trace.empty() && !record.request_id.empty()) tie(trace, record.request_id);
    Request& request = request_at(key);
    const bool shared = request.access_seen;
    request.access_seen = true;
    if (shared) note_shared_access_id(record);
    if (request.done) {
      ++stats.late_records;
      return;
    }
    if (request.access) {
      // Pkgly writes one access record per request, right before its audit event; a forged
      // one comes from a value written earlier. Keep the newest, and say the join is in doubt.
      const std::size_t replaced = sizeof(Record) + heap_bytes(*request.access);
      request.bytes -= std::min(request.bytes, replaced);
      sub(replaced);
      withdraw_access(request);
    }
    request.access = record.clone();
    if (shared) request.access->suspect = kSharedAccessId;
    add(request, sizeof(Record) + heap_bytes(*request.access));
    if (!request.waiting.empty()) {
      // Audit events keyed to the request: the first takes the access record, any other one
      // is printed with what is left.
      release_waiting(request);
      return;
    }
    Exchange& exchange = exchange_at(exchange_key_of(record, kAccessExchange));
    if (PendingAudit* p = exchange.waiting.front()) {
      settle(*p, &request);  // forgets the exchange if nothing else uses it
      return;
    }
    request.exchange = &exchange;
    exchange.accesses.push_back(request);
  }

  void note_shared_access_id(const Record& record) {
    if (stats.shared_access_ids++ == 0) stats.first_shared_access_id = where(record);
  }

  void on_audit(const Record& record) {
    ++stats.audit_events;
    const bool websocket = is_websocket_event(record);
    if (!record.request_id.empty() || !record.valid_trace_id().empty()) {
      const JoinKey by = record.request_id.empty() ? JoinKey::TraceId : JoinKey::RequestId;
      std::string_view key = key_of(record);
      if (websocket) {
        auto found = requests.find(key);
        complete(record, found == requests.end() ? nullptr : found->second.get(), by);
        return;
      }
      Request& request = request_at(key);
      if (request.done) {
        // A second audit event for a request already printed: its access record is taken.
        complete(record, nullptr, by);
      } else if (request.access) {
        complete(record, &request, by);
      } else {
        // The access record has not been seen yet (reordered input): wait, within the window.
        PendingAudit& p = wait(record, by);
        p.request = &request;
        request.waiting.push_back(p);
      }
      return;
    }
    if (websocket) {
      complete(record, nullptr, JoinKey::None);
      return;
    }
    std::string_view exchange_key = exchange_key_of(record, kAuditExchange);
    if (auto found = exchanges.find(exchange_key);
        found != exchanges.end() && !found->second->accesses.empty()) {
      // The nearest preceding access record of the same exchange that no audit event took.
      complete(record, found->second->accesses.back(), JoinKey::Adjacency);
      return;
    }
    Exchange& exchange = exchange_at(exchange_key);
    PendingAudit& p = wait(record, JoinKey::Adjacency);
    p.exchange = &exchange;
    exchange.waiting.push_back(p);
  }

  void expire() {
    while (Request* oldest = activity.front()) {
      if (!outside(oldest->last_seq, oldest->last_time_us)) break;
      drop_request(*oldest, Drop::Expired);
    }
    release_pending([this](const PendingAudit& p) { return outside(p.seq, p.time_us); });
  }

  // Oldest activity first: the least recently touched request, or the audit event that has
  // waited longest, whichever is older.
  void evict_for_memory() {
    while (memory > limits.max_memory) {
      Request* oldest = activity.front();
      PendingAudit* first = pending.empty() ? nullptr : &pending.front();
      if (first != nullptr && (oldest == nullptr || first->seq <= oldest->last_seq)) {
        ++stats.audits_evicted;
        settle(*first, first->request);
      } else if (oldest != nullptr) {
        drop_request(*oldest, Drop::Evicted);
      } else {
        break;
      }
    }
  }
};

Correlator::Correlator(JoinLimits limits, Accept accept, JoinedEventSink& sink)
    : index_(std::make_unique<Index>(limits, std::move(accept), sink, stats_)) {}

Correlator::~Correlator() = default;

std::size_t Correlator::held_bytes() const noexcept {
  return index_->memory;
}

std::uint64_t Correlator::work_steps() const noexcept {
  return index_->steps;
}

bool Correlator::on_record(Record& record) {
  Index& x = *index_;
  ++x.seq;
  ++x.steps;
  if (auto time = parse_log_time(record.timestamp)) x.now_us = std::max(x.now_us, *time);
  // Before the record is indexed: a request last touched outside the window must not be
  // revived by this record of it.
  x.expire();
  if (record.is_audit()) {
    x.on_audit(record);
  } else if (record.is_access()) {
    x.on_access(record);
  } else {
    x.on_related(record);
  }
  if (x.memory > x.limits.max_memory) x.evict_for_memory();
  return !x.stopped;
}

void Correlator::on_idle() {
  settle_waiting(patience_);
  index_->sink.on_idle();
}

void Correlator::settle_waiting(std::chrono::milliseconds patience) {
  const auto now = std::chrono::steady_clock::now();
  index_->release_pending([&](const auto& p) { return now - p.arrived >= patience; });
}

void Correlator::finish() {
  Index& x = *index_;
  x.release_pending([](const auto&) { return true; });
  while (Request* request = x.activity.front()) x.drop_request(*request, Index::Drop::Finished);
  x.sink.finish();
}

bool JoinLimits::keeps_related(const Record& record) const noexcept {
  if (record.level < related_min_level) return false;
  if (related_targets.empty()) return true;
  return std::any_of(
      related_targets.begin(), related_targets.end(),
      [&](const std::string& prefix) { return has_target_prefix(record.target, prefix); });
}

}  // namespace pkgly_trail
