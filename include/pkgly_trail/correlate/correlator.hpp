#pragma once
// correlate stage: one pass over the records, an in-memory index of the requests in flight,
// each audit event joined to its access record and related records as soon as it is complete.
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "pkgly_trail/correlate/joined_event.hpp"
#include "pkgly_trail/parse/record_assembler.hpp"

namespace pkgly_trail {

// How far apart (in records and in log time) records of one request may be. A request not
// touched for longer is forgotten; an audit event waiting that long for its access record is
// printed without it.
struct JoinWindow {
  std::uint64_t records = 20000;
  double seconds = 120.0;
};

struct JoinLimits {
  JoinWindow window;
  std::size_t max_related = 1000;                // per request; more are counted, not kept
  std::size_t max_memory = 96ull * 1024 * 1024;  // bytes of kept records; oldest evicted first
  bool access_only = false;                      // --access-only: keep no related records
};

struct JoinStats {
  std::uint64_t audit_events = 0;
  std::uint64_t printed = 0;
  std::uint64_t filtered_out = 0;
  std::uint64_t without_access = 0;    // printed with access: null
  std::uint64_t requests_expired = 0;  // left the window without an audit event
  std::uint64_t requests_evicted = 0;  // dropped early by --max-memory
  std::uint64_t related_over_cap = 0;  // not kept because of --max-related
  std::uint64_t late_records = 0;      // arrived after their audit event was printed
};

class Correlator : public RecordHandler {
 public:
  // `accept` decides, once the event is complete, whether it is printed (filters may name
  // access fields, so they run after the join).
  using Accept = std::function<bool(const Record& audit, const Record* access)>;
  Correlator(JoinLimits limits, Accept accept, JoinedEventSink& sink);
  ~Correlator() override;

  void on_record(const Record& record) override;
  // Related records are kept by moving them, not cloned, when their text is compact.
  void take_record(Record& record) override;
  // The input is idle: audit events that have waited more than `patience` of wall time for
  // their access record are printed without it, so a live stream never holds them back.
  void on_idle(std::chrono::milliseconds patience = std::chrono::milliseconds(1000));
  // End of input: everything pending is printed.
  void finish();
  const JoinStats& stats() const noexcept { return stats_; }

 private:
  struct Request;
  struct PendingAudit;
  struct RecentAccess;

  // The index key of a record's request (request_id, or trace id), empty when it has none.
  // Valid until the next call.
  std::string_view key_of(const Record& record);
  void on_audit(const Record& record);
  void on_access(const Record& record);
  void handle(const Record& record, Record* owned);
  void on_related(const Record& record, Record* owned);
  Request& request_at(std::string_view key);
  void touch(const std::string& key, Request& request);
  void complete(const Record& audit, Request* request, JoinKey by);
  void try_complete_pending(const std::string& key);
  std::string find_adjacent_access(const Record& audit);
  void expire();
  void evict_for_memory();
  void drop_request(const std::string& key, bool memory);

  JoinLimits limits_;
  Accept accept_;
  JoinedEventSink& sink_;
  JoinStats stats_;
  std::uint64_t seq_ = 0;
  std::int64_t now_us_ = 0;  // log time of the latest record with a timestamp
  std::size_t memory_ = 0;
  // Transparent, so looking a request up by a view into the record allocates nothing.
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const noexcept {
      return std::hash<std::string_view>{}(key);
    }
  };
  template <typename T>
  using KeyMap = std::unordered_map<std::string, T, KeyHash, std::equal_to<>>;
  KeyMap<std::unique_ptr<Request>> requests_;
  KeyMap<std::string> trace_to_request_;
  std::string trace_key_;  // scratch for key_of
  std::deque<std::unique_ptr<PendingAudit>> pending_;
  std::deque<RecentAccess> recent_access_;
  // Requests in the order they were first seen. An entry is checked when it reaches the front:
  // a request touched since is queued again with its latest time, so a record costs no queue
  // entry (and no allocation) for a request already queued.
  struct Touch {
    std::uint64_t seq;
    std::int64_t time_us;
    std::string key;
  };
  std::deque<Touch> touches_;
};

}  // namespace pkgly_trail
