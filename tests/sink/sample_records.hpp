#pragma once
// The records the sink tests write, made by hand as the parsers make them: an audit event, the
// access record of its request and a record logged while the request was handled. Each test
// gives the fields its output shows; target, message and the sample log's times are here once.
#include <string_view>
#include <utility>
#include <vector>

#include "pkgly_trail/record/record.hpp"

namespace pkgly_trail::testing {

// A record of `target` logged at `time`.
inline Record logged_record(std::string_view time, Level level, std::string_view target,
                            std::string_view message, std::vector<Field> fields = {}) {
  Record r;
  r.timestamp = time;
  r.level = level;
  r.target = target;
  r.message = message;
  r.fields = std::move(fields);
  return r;
}

// An audit event with `fields` in log order, inside an `HTTP request` span carrying
// `request_id` when one is given.
inline Record audit_event(std::vector<Field> fields, std::string_view request_id = {},
                          std::string_view time = "2025-11-20T10:15:30.369463Z") {
  Record r = logged_record(time, Level::Info, kAuditTarget, "Audit event", std::move(fields));
  if (!request_id.empty()) {
    r.spans = {Span{kHttpRequestSpan, 0, 1}};
    r.span_fields = {{"request_id", Value::string(request_id)}};
  }
  r.derive_ids();
  return r;
}

// The access record Pkgly writes when a request ends, just before the request's audit event.
inline Record access_event(std::vector<Field> fields,
                           std::string_view time = "2025-11-20T10:15:30.369400Z") {
  Record r = logged_record(time, Level::Info, kAccessTarget, "HTTP access", std::move(fields));
  r.derive_ids();
  return r;
}

// A record of the application logged while the request was handled, before its access record.
inline Record related_event(std::string_view message, Level level) {
  return logged_record("2025-11-20T10:15:30.369000Z", level, "pkgly::app", message);
}

}  // namespace pkgly_trail::testing
