#pragma once
// What the correlate stage hands to the sinks: an audit event with what belongs to it.
#include <span>
#include <string_view>

#include "pkgly_trail/record/record.hpp"

namespace pkgly_trail {

// Which key tied the audit event to its request.
enum class JoinKey { None, TraceId, RequestId, Adjacency };
std::string_view to_string(JoinKey key) noexcept;  // "trace_id", "request_id", "adjacency", ""

struct JoinedEvent {
  const Record& audit;
  const Record* access = nullptr;   // the request's `pkgly::access` record, if seen
  std::span<const Record> related;  // other records of the request, log order
  JoinKey joined_by = JoinKey::None;
};

// Where the correlate stage hands its events: the same contract as RecordStage
// (pkgly_trail/record/stage.hpp), for joined events.
class JoinedEventSink {
 public:
  virtual ~JoinedEventSink() = default;
  // false: nothing more can be delivered (the output is gone); the pipeline stops reading.
  virtual bool on_event(const JoinedEvent& event) = 0;
  // The input is idle: make what was delivered visible now (flush, commit a batch).
  virtual void on_idle() {}
  // The input ended: write any trailer and flush. Called once.
  virtual void finish() {}
};

}  // namespace pkgly_trail
