#include "batch.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <chrono>
#include <functional>
#include <span>

#include "pkgly_trail/hunt/alert_sink.hpp"
#include "pkgly_trail/record/log_time.hpp"
#include "pkgly_trail/record/utf8.hpp"
#include "pkgly_trail/sink/json_writer.hpp"
#include "schema.hpp"

namespace pkgly_trail::store {

namespace {

enum class Type { Text, Int32, Int64, Bool };

// A column filled with Record::lookup(key), as in the SQLite sink.
struct Column {
  std::string_view key;
  Type type = Type::Text;
};

constexpr std::array<Column, 21> kEventColumns{{
    {"timestamp"},
    {"action"},
    {"outcome"},
    {"actor_username"},
    {"actor_id", Type::Int64},
    {"actor_authenticated", Type::Bool},
    {"resource_kind"},
    {"resource_id"},
    {"resource_name"},
    {"repository_id"},
    {"storage_id"},
    {"target_user_id", Type::Int64},
    {"token_id", Type::Int64},
    {"path"},
    {"query"},
    {"http_request_method"},
    {"http_route"},
    {"url_path"},
    {"http_response_status_code", Type::Int32},
    {"request_id"},
    {"trace_id"},
}};

constexpr std::array<Column, 13> kAccessColumns{{
    {"timestamp"},
    {"http.response.status_code", Type::Int32},
    {"http.request.method"},
    {"http.route"},
    {"url.path"},
    {"client.address"},
    {"user_agent.original"},
    {"user"},
    {"repository_id"},
    {"duration_ms", Type::Int64},
    {"http.response.body.size", Type::Int64},
    {"request_id"},
    {"trace_id"},
}};

constexpr std::array<Column, 4> kRelatedColumns{{
    {"timestamp"},
    {"level"},
    {"target"},
    {"message"},
}};

// One row of COPY text format: values separated by tabs, \N for NULL, backslash escapes.
class CopyRow {
 public:
  CopyRow(std::string& out, std::string& scratch) : out_(out), scratch_(scratch) {}

  CopyRow& null() {
    separate();
    out_ += "\\N";
    return *this;
  }
  // PostgreSQL text is UTF-8 without NUL: invalid bytes become U+FFFD as in JSON output, and
  // so does NUL, which no PostgreSQL text can hold (record_json keeps \u0000... as U+FFFD too).
  CopyRow& text(std::string_view text) {
    separate();
    const std::string_view valid = utf8::valid_or_replaced(text, scratch_);
    std::size_t run = 0;
    for (std::size_t i = 0; i < valid.size(); ++i) {
      const char c = valid[i];
      if (c != '\\' && c != '\t' && c != '\n' && c != '\r' && c != '\0') continue;
      out_.append(valid, run, i - run);
      switch (c) {
        case '\\':
          out_ += "\\\\";
          break;
        case '\t':
          out_ += "\\t";
          break;
        case '\n':
          out_ += "\\n";
          break;
        case '\r':
          out_ += "\\r";
          break;
        default:
          out_ += "\xEF\xBF\xBD";
          break;
      }
      run = i + 1;
    }
    out_.append(valid, run, valid.size() - run);
    return *this;
  }
  CopyRow& text_or_null(std::string_view value) { return value.empty() ? null() : text(value); }
  CopyRow& integer(std::int64_t n) {
    separate();
    fmt::format_to(std::back_inserter(out_), "{}", n);
    return *this;
  }
  // A JSON text for a jsonb column: jsonb refuses the escape \u0000, which the JSON writer
  // writes for NUL; it becomes \ufffd, the rule of the text columns.
  CopyRow& json(std::string_view json) {
    static constexpr std::string_view kNul = "\\u0000";
    if (json.find(kNul) == std::string_view::npos) return text(json);
    std::string& fixed = json_scratch_;
    fixed.clear();
    for (std::size_t i = 0; i < json.size(); ++i) {
      if (json[i] != '\\') {
        fixed += json[i];
        continue;
      }
      // An escape: \\ stays two characters, so the u of `\\u0000` is never taken for one.
      if (json.substr(i, kNul.size()) == kNul) {
        fixed += "\\ufffd";
        i += kNul.size() - 1;
      } else {
        fixed += json[i];
        if (i + 1 < json.size()) fixed += json[++i];
      }
    }
    return text(fixed);
  }
  CopyRow& value(const std::optional<Value>& value, Type type) {
    if (!value || value->kind == ValueKind::Null) return null();
    switch (type) {
      case Type::Text:
        return text(value->text);
      case Type::Bool:
        if (value->text == "true" || value->text == "false") {
          separate();
          out_ += value->text == "true" ? 't' : 'f';
          return *this;
        }
        return null();
      case Type::Int32:
      case Type::Int64: {
        // Only an integer of the column's range: anything else is NULL here and as logged in
        // record_json.
        std::int64_t n = 0;
        const char* end = value->text.data() + value->text.size();
        const auto [ptr, ec] = std::from_chars(value->text.data(), end, n);
        if (ec != std::errc() || ptr != end || value->kind == ValueKind::Float) return null();
        if (type == Type::Int32 && (n < INT32_MIN || n > INT32_MAX)) return null();
        return integer(n);
      }
    }
    return null();
  }
  CopyRow& columns(const Record& record, std::span<const Column> columns) {
    for (const Column& column : columns) value(record.lookup(column.key), column.type);
    return *this;
  }
  void end() { out_ += '\n'; }

 private:
  void separate() {
    if (any_) out_ += '\t';
    any_ = true;
  }

  std::string& out_;
  std::string& scratch_;
  std::string json_scratch_;  // only for the rare JSON with \u0000
  bool any_ = false;
};

// 2025-11-20 10:15:30.369463+00, which timestamptz reads in any DateStyle.
void append_time(std::string& out, std::int64_t time_us) {
  using namespace std::chrono;
  const sys_time<microseconds> time{microseconds{time_us}};
  const sys_days day = floor<days>(time);
  const year_month_day date{day};
  const hh_mm_ss<microseconds> clock{time - day};
  fmt::format_to(std::back_inserter(out), "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:06}+00",
                 static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                 static_cast<unsigned>(date.day()), clock.hours().count(), clock.minutes().count(),
                 clock.seconds().count(), clock.subseconds().count());
}

}  // namespace

const std::string_view kEventCopyColumns =
    "event_key, time, timestamp, action, outcome, actor_username, actor_id, "
    "actor_authenticated, resource_kind, resource_id, resource_name, repository_id, storage_id, "
    "target_user_id, token_id, path, query, http_request_method, http_route, url_path, "
    "http_response_status_code, request_id, trace_id, joined_by, source_label, source_input, "
    "source_line, record_json";
const std::string_view kAccessCopyColumns =
    "timestamp, status, method, route, url_path, client_address, user_agent, \"user\", "
    "repository_id, duration_ms, body_size, request_id, trace_id, record_json";
const std::string_view kRelatedCopyColumns = "seq, timestamp, level, target, message, record_json";
const std::string_view kAlertCopyColumns =
    "alert_key, rule_id, rule_title, rule_level, kind, first_time, last_time, count, group_text, "
    "suspect_events, source_label, alert_json";

Batch::Batch(std::uint32_t capacity) {
  std::size_t slots = 16;
  while (slots < 2 * static_cast<std::size_t>(capacity)) slots *= 2;
  keys_.assign(slots, EventKey{});
}

void Batch::clear() noexcept {
  events_rows.clear();
  access_rows.clear();
  related_rows.clear();
  alert_rows.clear();
  months_.clear();
  alerts_ = 0;
  std::fill(keys_.begin(), keys_.end(), EventKey{});
  events_ = 0;
  duplicates_ = 0;
}

bool Batch::first_time(const EventKey& key) {
  if (2 * (events_ + 1) > keys_.size()) {
    // More events than the batch was made for: twice the slots, the keys placed again.
    std::vector<EventKey> old(keys_.size() * 2, EventKey{});
    old.swap(keys_);
    for (const EventKey& placed : old)
      if (placed != EventKey{}) place(placed);
  }
  return place(key);
}

bool Batch::place(const EventKey& key) {
  const std::size_t mask = keys_.size() - 1;
  for (std::size_t i = std::hash<std::string_view>{}(to_string_view(key)) & mask;;
       i = (i + 1) & mask) {
    if (keys_[i] == key) return false;
    if (keys_[i] == EventKey{}) {
      keys_[i] = key;
      return true;
    }
  }
}

// An event with its request id is the same event wherever it is read: its key is --sqlite's
// (event_key.hpp). Without one (the compact format writes no span fields), two replicas may log
// the same content in the same microsecond for two requests: the key also takes the access
// record (its request id, client, duration), so they stay two. A record marked suspect
// (docs/security.md) also takes its line: forged copies of one event are each kept, visible as
// suspect, as the log report counts them. Neither takes the writer's label or the file's name,
// so a re-run from anywhere, over any copy of the log, adds nothing.
EventKey Batch::store_key(const JoinedEvent& event, std::string_view audit_json) {
  const EventKey audit_key = event_key_of(audit_json);
  const Record& audit = event.audit;
  if (!audit.request_id.empty() && audit.suspect.empty()) return audit_key;
  std::string& text = key_text_;
  text.assign(to_string_view(audit_key));
  if (event.access) {
    access_json_.clear();
    append_record_json(access_json_, *event.access);
    text +=
        to_string_view(event_key_of(std::string_view(access_json_.data(), access_json_.size())));
  }
  if (!audit.suspect.empty())
    fmt::format_to(std::back_inserter(text), ";line {}", audit.source.line);
  return content_key(text);
}

bool Batch::add(const JoinedEvent& event, std::string_view source_label) {
  const Record& audit = event.audit;
  json_.clear();
  append_record_json(json_, audit);
  const std::string_view json(json_.data(), json_.size());
  const EventKey key = store_key(event, json);
  if (!first_time(key)) {
    ++duplicates_;
    return false;
  }
  ++events_;
  const std::optional<std::int64_t> time_us =
      audit.timestamp.empty() ? std::nullopt : parse_log_time(audit.timestamp);
  time_.clear();
  if (time_us) {
    append_time(time_, *time_us);
    const std::int64_t month = month_of(*time_us);
    if (std::find(months_.begin(), months_.end(), month) == months_.end()) months_.push_back(month);
  }
  const std::string_view key_text = to_string_view(key);
  CopyRow row(events_rows, scratch_);
  row.text(key_text)
      .text_or_null(time_)
      .columns(audit, kEventColumns)
      .text_or_null(to_string(event.joined_by))
      .text(source_label)
      .text(audit.source.input)
      .integer(static_cast<std::int64_t>(audit.source.line))
      .json(json)
      .end();
  if (event.access) {
    json_.clear();
    append_record_json(json_, *event.access);
    CopyRow access(access_rows, scratch_);
    access.text(key_text)
        .columns(*event.access, kAccessColumns)
        .json(std::string_view(json_.data(), json_.size()))
        .end();
  }
  std::int64_t seq = 0;
  for (const Record& related : event.related) {
    json_.clear();
    append_record_json(json_, related);
    CopyRow line(related_rows, scratch_);
    line.text(key_text)
        .integer(++seq)
        .columns(related, kRelatedColumns)
        .json(std::string_view(json_.data(), json_.size()))
        .end();
  }
  return true;
}

void Batch::add(const hunt::Alert& alert, std::string_view source_label) {
  ++alerts_;
  json_.clear();
  append_alert_json(json_, alert);
  const std::string_view json(json_.data(), json_.size());
  // The key: what fired (the rule by id and title), when, in which group, how many, on which
  // events; not where the rule file or the log was (another path, another copy of a log: the
  // same alert). Each piece is length-prefixed, so no value (written by an attacker, newlines
  // and all) can pass for two pieces and make another alert's key.
  std::string& key_text = key_text_;
  key_text.clear();
  auto piece = [&key_text](std::string_view text) {
    fmt::format_to(std::back_inserter(key_text), "{}:", text.size());
    key_text += text;
  };
  piece(alert.rule->id);
  piece(alert.rule->title);
  piece(hunt::alert_kind(alert));
  fmt::format_to(std::back_inserter(key_text), "{} {} {} {};", alert.first_us, alert.last_us,
                 alert.count, alert.group.size());
  for (const auto& [field, value] : alert.group) {
    piece(field);
    piece(value);
  }
  fmt::format_to(std::back_inserter(key_text), "{};", alert.values.size());
  for (const std::string& value : alert.values) piece(value);
  fmt::format_to(std::back_inserter(key_text), "{};", alert.events.size());
  for (const hunt::AlertEvent& e : alert.events)
    for (std::string_view text :
         {e.timestamp, e.action, e.outcome, e.actor, e.client_address, e.url_path})
      piece(text);
  const EventKey key = content_key(key_text);
  CopyRow row(alert_rows, scratch_);
  row.text(to_string_view(key))
      .text_or_null(alert.rule->id)
      .text(alert.rule->title)
      .text(hunt::to_string(alert.rule->level))
      .text(hunt::alert_kind(alert));
  for (std::int64_t at : {alert.first_us, alert.last_us}) {
    time_.clear();
    if (at != hunt::kAlertWithoutTime) append_time(time_, at);
    row.text_or_null(time_);
  }
  row.integer(alert.count)
      .text_or_null(alert.correlation ? hunt::alert_group_text(alert) : std::string())
      .integer(alert.suspect_events)
      .text(source_label)
      .json(json)
      .end();
}

}  // namespace pkgly_trail::store
