// Output of `join`: the audit event, its access record and its related records, as NDJSON (the
// audit contract plus "access", "related", "joined_by"), one CSV/TSV row per event, or text.
#include "pkgly_trail/sink/joined_sink.hpp"

#include "pkgly_trail/sink/ecs_document.hpp"
#include "pkgly_trail/sink/json_writer.hpp"
#include "pkgly_trail/sink/terminal_text.hpp"
#include "sinks.hpp"
#include "text_lines.hpp"

namespace pkgly_trail {

const std::vector<std::string>& default_join_columns() {
  static const std::vector<std::string> columns{"timestamp",
                                                "action",
                                                "outcome",
                                                "actor_username",
                                                "resource_name",
                                                "path",
                                                "query",
                                                "http_request_method",
                                                "url_path",
                                                "http_response_status_code",
                                                "duration_ms",
                                                "client.address",
                                                "user_agent.original",
                                                "request_id",
                                                "joined_by",
                                                "related",
                                                "warnings",
                                                "errors"};
  return columns;
}

namespace {

std::size_t count_at_least(std::span<const Record> records, Level level) {
  std::size_t n = 0;
  for (const Record& r : records) n += r.level >= level ? 1 : 0;
  return n;
}

Value count_value(std::size_t n, fmt::memory_buffer& scratch) {
  scratch.clear();
  fmt::format_to(std::back_inserter(scratch), "{}", n);
  return Value::integer(std::string_view(scratch.data(), scratch.size()));
}

}  // namespace

std::optional<Value> lookup_joined(const JoinedEvent& event, std::string_view column,
                                   fmt::memory_buffer& scratch) {
  if (column == "joined_by") {
    std::string_view by = to_string(event.joined_by);
    return by.empty() ? Value::null() : Value::string(by);
  }
  if (column == "related") return count_value(event.related.size(), scratch);
  if (column == "warnings") return count_value(count_at_least(event.related, Level::Warn), scratch);
  if (column == "errors") return count_value(count_at_least(event.related, Level::Error), scratch);
  if (column.starts_with("access.")) {
    if (!event.access) return std::nullopt;
    return event.access->lookup(column.substr(7));
  }
  std::optional<Value> own = event.audit.lookup(column);
  if (own && own->kind != ValueKind::Null) return own;
  if (event.access) {
    std::optional<Value> from_access = event.access->lookup(column);
    if (from_access) return from_access;
  }
  return own;
}

namespace {

// What every joined printer shares: the stage contract on an output stream.
class JoinedPrinter : public JoinedEventSink {
 public:
  explicit JoinedPrinter(OutputStream& out) : out_(out) {}
  bool on_event(const JoinedEvent& event) final {
    write(event);
    out_.maybe_flush();
    return !out_.broken_pipe();
  }
  void on_idle() final { out_.flush(); }
  void finish() final {
    write_end();
    out_.flush();
  }

 protected:
  virtual void write(const JoinedEvent& event) = 0;
  virtual void write_end() {}
  OutputStream& out_;
};

class JoinedJsonSink final : public JoinedPrinter {
 public:
  explicit JoinedJsonSink(OutputStream& out) : JoinedPrinter(out) {}
  void write(const JoinedEvent& event) override {
    // The audit record's members, then the join's (docs/output-contracts.md).
    JsonWriter json(out_.buffer());
    begin_contract_line(json);
    append_record_members(json, event.audit);
    json.key("access");
    if (event.access) {
      json.begin_object();
      append_record_members(json, *event.access);
      json.end_object();
    } else {
      json.null();
    }
    json.key("related").begin_array();
    for (const Record& related : event.related) {
      json.begin_object();
      append_record_members(json, related);
      json.end_object();
    }
    json.end_array();
    json.key("joined_by").string_or_null(to_string(event.joined_by));
    json.end_object();
    out_.buffer().push_back('\n');
  }
};

// -o ecs: one ECS document per event; the access record supplies source.ip, user_agent...
class JoinedEcsSink final : public JoinedPrinter {
 public:
  explicit JoinedEcsSink(OutputStream& out) : JoinedPrinter(out) {}
  void write(const JoinedEvent& event) override {
    fmt::memory_buffer& buf = out_.buffer();
    append_ecs_document(buf, event.audit, event.access, event.joined_by);
    buf.push_back('\n');
  }
};

class JoinedDelimitedSink final : public JoinedPrinter {
 public:
  JoinedDelimitedSink(OutputStream& out, DelimitedWriter writer)
      : JoinedPrinter(out), writer_(std::move(writer)) {}
  void write(const JoinedEvent& event) override {
    writer_.row([&](std::string_view column) { return lookup_joined(event, column, scratch_); });
  }
  void write_end() override { writer_.finish(); }

 private:
  DelimitedWriter writer_;
  fmt::memory_buffer scratch_;
};

// The audit line, then indented: the access summary and each related record.
class JoinedTextSink final : public JoinedPrinter {
 public:
  JoinedTextSink(OutputStream& out, const SinkOptions& options)
      : JoinedPrinter(out), lines_(options), columns_(options.fields) {}
  void write(const JoinedEvent& event) override {
    fmt::memory_buffer& buf = out_.buffer();
    if (!columns_.empty()) {
      for (std::size_t i = 0; i < columns_.size(); ++i) {
        if (i > 0) buf.append(std::string_view("  "));
        std::optional<Value> value = lookup_joined(event, columns_[i], scratch_);
        const std::string_view text = value && value->kind != ValueKind::Null ? value->text : "";
        if (columns_[i] == "timestamp") {
          lines_.time(buf, text);
        } else {
          lines_.cell(buf, text);
        }
      }
      lines_.end_line(buf);
      return;
    }
    lines_.audit(buf, event.audit);
    lines_.end_line(buf);
    buf.append(std::string_view("    access  "));
    if (event.access) {
      access_summary(buf, event);
    } else {
      buf.append(std::string_view("none seen"));
    }
    lines_.end_line(buf);
    for (const Record& related : event.related) {
      buf.append(std::string_view("    "));
      lines_.event(buf, related);
      lines_.end_line(buf);
    }
  }

 private:
  void access_summary(fmt::memory_buffer& buf, const JoinedEvent& event) {
    const Record& access = *event.access;
    auto text = [&](std::string_view key) {
      std::optional<Value> v = access.lookup(key);
      return v && v->kind != ValueKind::Null ? v->text : std::string_view{};
    };
    lines_.cell(buf, text("http.response.status_code"));
    buf.push_back(' ');
    lines_.cell(buf, text("duration_ms"));
    buf.append(std::string_view(" ms  client "));
    lines_.cell(buf, text("client.address"));
    buf.append(std::string_view("  request_id "));
    lines_.cell(buf, text("request_id"));
    buf.append(std::string_view("  by "));
    buf.append(to_string(event.joined_by));
    std::string_view agent = text("user_agent.original");
    if (!agent.empty()) {
      buf.append(std::string_view("  agent "));
      append_terminal_value(buf, agent);
    }
  }

  TextLines lines_;
  std::vector<std::string> columns_;
  fmt::memory_buffer scratch_;
};

}  // namespace

std::unique_ptr<JoinedEventSink> make_joined_sink(OutputStream& out, const SinkOptions& options) {
  switch (options.format) {
    case OutputFormat::Json:
      return std::make_unique<JoinedJsonSink>(out);
    case OutputFormat::Ecs:
      return std::make_unique<JoinedEcsSink>(out);
    case OutputFormat::Csv:
    case OutputFormat::Tsv:
      return std::make_unique<JoinedDelimitedSink>(
          out,
          DelimitedWriter(out, options.fields.empty() ? default_join_columns() : options.fields,
                          options.format == OutputFormat::Tsv, options.raw_csv, options.terminal));
    case OutputFormat::Text:
      break;
  }
  return std::make_unique<JoinedTextSink>(out, options);
}

}  // namespace pkgly_trail
