// One HTTP request of the simulation, rendered up front: the records Pkgly writes inside its
// `HTTP request` span, then its access record and, on audited routes, its audit record.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "catalog.hpp"
#include "log_format.hpp"

namespace loggen {

// The records of one request, emitted later one at a time, interleaved with the records of the
// other requests in flight. The access record is glued to the audit record after it, as Pkgly
// writes them back to back.
struct PendingRequest {
  std::string text;
  std::vector<std::uint32_t> ends;  // end offset of each record in `text`
  std::vector<bool> glued;          // emit the next record right after this one
  std::size_t next = 0;
  bool active = false;

  void reset() {
    text.clear();
    ends.clear();
    glued.clear();
    next = 0;
  }
  bool done() const { return next >= ends.size(); }
};

// The fields of a `pkgly::audit` event that do not come from the request itself.
struct Audit {
  std::string_view action;
  std::string_view outcome = "success";
  const User* actor = nullptr;  // nullptr: anonymous
  std::string_view resource_kind;
  std::string_view resource_id;
  std::string_view resource_name;
  std::string_view repository_id;
  std::string_view storage_id;
  std::string_view path;
  std::string_view query;
};

Audit repository_audit(std::string_view action, const Repository& repo, std::string_view path,
                       const User* actor);

class RequestLog {
 public:
  RequestLog(const RecordWriter& writer, PendingRequest& out, std::string request_id,
             std::string trace_id)
      : writer_(writer),
        out_(out),
        request_id_(std::move(request_id)),
        trace_id_(std::move(trace_id)) {}

  const std::string& trace_id() const { return trace_id_; }

  // Opens the `HTTP request` span; `url_query` empty: no `url.query` field.
  void open(std::string_view method, std::string_view route, std::string url_path,
            std::string url_query, std::string_view user_agent, std::string_view client,
            std::int64_t body_size);

  // A record inside the HTTP request span, below the `inner` spans.
  void add(Level level, std::initializer_list<const Span*> inner, std::string_view target,
           std::string_view message, std::initializer_list<Field> fields) {
    write(&http_, level, inner, target, message, fields.begin(), fields.size(), false);
  }

  // The access record and, when `audit` is set, the audit record right after it.
  // `repository_id` and `user` empty: those optional access fields are left out.
  void close(std::int64_t status, std::int64_t duration_ms, std::int64_t response_size,
             std::string_view repository_id, std::string_view user, const Audit* audit);

 private:
  void write(const Span* http, Level level, std::initializer_list<const Span*> inner,
             std::string_view target, std::string_view message, const Field* fields,
             std::size_t field_count, bool glued);

  const RecordWriter& writer_;
  PendingRequest& out_;
  std::string request_id_;
  std::string trace_id_;
  std::string_view method_;
  std::string_view route_;
  std::string url_path_;
  std::string_view user_agent_;
  std::string_view client_;
  Span http_;
};

}  // namespace loggen
