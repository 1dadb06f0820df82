// -o ecs: an audit event (and its access record) as one Elastic Common Schema document.
#include "pkgly_trail/sink/ecs_document.hpp"

#include <array>

#include "pkgly_trail/sink/json_writer.hpp"

namespace pkgly_trail {

namespace {

// Audit fields that have no ECS field of their own travel as labels. The paths are literals:
// EcsObject keeps views of their parts while objects are open.
struct Label {
  std::string_view field;
  std::string_view path;
};
constexpr std::array<Label, 10> kLabels{{{"resource_kind", "labels.resource_kind"},
                                         {"resource_id", "labels.resource_id"},
                                         {"resource_name", "labels.resource_name"},
                                         {"repository_id", "labels.repository_id"},
                                         {"storage_id", "labels.storage_id"},
                                         {"target_user_id", "labels.target_user_id"},
                                         {"token_id", "labels.token_id"},
                                         {"path", "labels.path"},
                                         {"query", "labels.query"},
                                         {"http_route", "labels.http_route"}}};

// Writes `"name":value` members by dotted path, opening and closing nesting levels as needed,
// so the document reads like ECS's own examples ({"http":{"request":{"method":...}}}).
class EcsObject {
 public:
  explicit EcsObject(fmt::memory_buffer& out) : json_(out) { json_.begin_object(); }

  void string(std::string_view path, std::string_view text) {
    if (text.empty()) return;
    key(path);
    json_.string(text);
  }
  void number(std::string_view path, std::string_view digits) {
    if (digits.empty()) return;
    key(path);
    json_.value(Value::integer(digits));
  }
  void close() {
    while (open_count_ > 0) pop();
    json_.end_object();
  }

 private:
  static constexpr std::size_t kMaxParts = 6;

  // `path` is dotted (http.request.method); objects already open are reused.
  void key(std::string_view path) {
    std::array<std::string_view, kMaxParts> parts{};
    std::size_t count = 0;
    for (std::size_t start = 0; count < parts.size();) {
      std::size_t dot = path.find('.', start);
      parts[count++] = path.substr(start, dot == std::string_view::npos ? dot : dot - start);
      if (dot == std::string_view::npos) break;
      start = dot + 1;
    }
    std::size_t common = 0;
    while (common < open_count_ && common + 1 < count && open_[common] == parts[common]) ++common;
    while (open_count_ > common) pop();
    for (std::size_t i = open_count_; i + 1 < count; ++i) {
      json_.key(parts[i]).begin_object();
      open_[open_count_++] = parts[i];
    }
    json_.key(parts[count - 1]);
  }
  void pop() {
    json_.end_object();
    --open_count_;
  }

  JsonWriter json_;
  std::array<std::string_view, kMaxParts> open_{};
  std::size_t open_count_ = 0;
};

std::string_view text_of(const Record* record, std::string_view key) {
  if (!record) return {};
  std::optional<Value> value = record->lookup(key);
  return value && value->kind != ValueKind::Null ? value->text : std::string_view{};
}

}  // namespace

void append_ecs_document(fmt::memory_buffer& out, const Record& audit, const Record* access,
                         JoinKey joined_by) {
  EcsObject doc(out);
  doc.string("@timestamp", audit.timestamp);
  doc.string("message", audit.message.value_or(std::string_view{}));
  doc.string("ecs.version", "8.11.0");
  doc.string("event.kind", "event");
  doc.string("event.module", "pkgly");
  doc.string("event.dataset", "pkgly.audit");
  doc.string("event.action", text_of(&audit, "action"));
  const std::string_view outcome = text_of(&audit, "outcome");
  doc.string("event.outcome", outcome == "success"  ? "success"
                              : outcome == "denied" ? "failure"
                                                    : "unknown");
  if (access) {
    // ECS durations are nanoseconds.
    if (auto ms = Value::integer(text_of(access, "duration_ms")).as_integer()) {
      fmt::memory_buffer ns;
      fmt::format_to(std::back_inserter(ns), "{}", *ms * 1000000);
      doc.number("event.duration", std::string_view(ns.data(), ns.size()));
    }
  }
  doc.string("http.request.method", text_of(&audit, "http_request_method"));
  doc.number("http.response.status_code", text_of(&audit, "http_response_status_code"));
  doc.number("http.response.body.bytes", text_of(access, "http.response.body.size"));
  doc.string("log.level", to_string(audit.level));
  doc.string("log.logger", audit.target);
  // The client address: from the access record, else from the audit's own HTTP request span.
  std::string_view client = text_of(access, "client.address");
  if (client.empty()) client = text_of(&audit, "client.address");
  doc.string("source.ip", client);
  doc.string("trace.id", audit.valid_trace_id());
  std::string_view request_id = audit.request_id;
  if (request_id.empty()) request_id = text_of(access, "request_id");
  doc.string("transaction.id", request_id);
  doc.string("url.path", text_of(&audit, "url_path"));
  doc.string("user.id", text_of(&audit, "actor_id"));
  doc.string("user.name", text_of(&audit, "actor_username"));
  std::string_view agent = text_of(access, "user_agent.original");
  if (agent.empty()) agent = text_of(&audit, "user_agent.original");
  doc.string("user_agent.original", agent);
  for (const Label& label : kLabels) doc.string(label.path, text_of(&audit, label.field));
  doc.string("labels.joined_by", to_string(joined_by));
  // Doubt about the event, or else about the access record it was joined to.
  std::string_view suspect = audit.suspect;
  if (suspect.empty() && access) suspect = access->suspect;
  doc.string("labels.suspect", suspect);
  doc.close();
}

}  // namespace pkgly_trail
