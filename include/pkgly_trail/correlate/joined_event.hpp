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

class JoinedEventSink {
 public:
  virtual ~JoinedEventSink() = default;
  virtual void write(const JoinedEvent& event) = 0;
  // The input is idle: make what was written visible now (a database commits its batch).
  virtual void flush() {}
  virtual void finish() {}
};

}  // namespace pkgly_trail
