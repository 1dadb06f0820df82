// hunt's printers: one alert per line of NDJSON (json, ecs), a row (csv, tsv), or a block of
// text for a person. docs/hunt.md, "Output", is the contract.
#include <fmt/format.h>

#include "pkgly_trail/hunt/alert_sink.hpp"
#include "pkgly_trail/record/log_time.hpp"
#include "pkgly_trail/sink/delimited_writer.hpp"
#include "pkgly_trail/sink/json_writer.hpp"
#include "pkgly_trail/sink/terminal_text.hpp"

namespace pkgly_trail::hunt {

namespace {

// The stage contract on an output stream, as the join printers do.
class AlertPrinter : public AlertSink {
 public:
  explicit AlertPrinter(OutputStream& out) : out_(out) {}
  bool on_alert(const Alert& alert) final {
    write(alert);
    out_.maybe_flush();
    return !out_.broken_pipe();
  }
  void on_idle() final { out_.flush(); }
  void finish() final {
    write_end();
    out_.flush();
  }

 protected:
  virtual void write(const Alert& alert) = 0;
  virtual void write_end() {}
  OutputStream& out_;
};

std::string_view kind_of(const Alert& alert) {
  return alert_kind(alert);
}

// Any event the alert counted, listed or not (Alert::suspect_events).
bool any_suspect(const Alert& alert) {
  return alert.suspect_events > 0;
}

std::string source_text(const AlertEvent& event) {
  return fmt::format("{}:{}", event.input, event.line);
}

// An alert time, or null when its events had none.
void write_time(JsonWriter& json, std::int64_t time_us) {
  if (time_us == kAlertWithoutTime) {
    json.null();
  } else {
    json.string(utc_time_text(time_us));
  }
}

void write_events(JsonWriter& json, const Alert& alert) {
  json.key("events").begin_array();
  for (const AlertEvent& event : alert.events) {
    json.begin_object();
    json.key("source").string(source_text(event));
    json.key("timestamp").string(event.timestamp);
    json.key("action").string(event.action);
    json.key("outcome").string(event.outcome);
    json.key("actor_username").string(event.actor);
    json.key("client.address").string_or_null(event.client_address);
    json.key("url_path").string(event.url_path);
    json.key("suspect").string_or_null(event.suspect);
    json.end_object();
  }
  json.end_array();
  json.key("events_omitted").number(static_cast<std::uint64_t>(alert.events_omitted));
}

void write_strings(JsonWriter& json, const std::vector<std::string>& items) {
  json.begin_array();
  for (const std::string& item : items) json.string(item);
  json.end_array();
}

// The members json and ecs share: what fired, in which group, and the events behind it.
void write_alert_body(JsonWriter& json, const Alert& alert) {
  json.key("kind").string(kind_of(alert));
  json.key("group").begin_object();
  for (const auto& [field, value] : alert.group) json.key(field).string(value);
  json.end_object();
  json.key("count").number(static_cast<std::uint64_t>(alert.count));
  json.key("values");
  write_strings(json, alert.values);
  json.key("values_omitted").number(static_cast<std::uint64_t>(alert.values_omitted));
  json.key("suspect").value(Value::boolean(any_suspect(alert)));
  json.key("suspect_events").number(static_cast<std::uint64_t>(alert.suspect_events));
  write_events(json, alert);
}

class AlertJsonSink final : public AlertPrinter {
 public:
  using AlertPrinter::AlertPrinter;
  void write(const Alert& alert) override {
    append_alert_json(out_.buffer(), alert);
    out_.buffer().push_back('\n');
  }
};

// ECS 8: event.kind alert, the rule under rule.*, the events' places under pkgly_trail.
class AlertEcsSink final : public AlertPrinter {
 public:
  using AlertPrinter::AlertPrinter;
  void write(const Alert& alert) override {
    JsonWriter json(out_.buffer());
    const RuleInfo& rule = *alert.rule;
    json.begin_object();
    json.key("@timestamp");
    write_time(json, alert.last_us);
    json.key("ecs").begin_object().key("version").string("8.11.0").end_object();
    json.key("event").begin_object();
    json.key("kind").string("alert");
    json.key("category").begin_array().string("intrusion_detection").end_array();
    json.key("severity").number(severity(rule.level));
    json.key("start");
    write_time(json, alert.first_us);
    json.key("end");
    write_time(json, alert.last_us);
    json.key("dataset").string("pkgly.audit");
    json.end_object();
    json.key("rule").begin_object();
    json.key("id").string_or_null(rule.id);
    json.key("name").string(rule.title);
    json.key("description").string_or_null(rule.description);
    json.key("ruleset").string("pkgly-trail");
    json.key("reference").string(rule.place.path);
    json.end_object();
    json.key("tags");
    write_strings(json, rule.tags);
    json.key("pkgly_trail").begin_object();
    json.key("contract").number(kAlertContractVersion);
    json.key("level").string(to_string(rule.level));
    write_alert_body(json, alert);
    json.end_object();
    json.end_object();
    out_.buffer().push_back('\n');
  }

 private:
  // ECS event.severity: a number, higher is worse (Sigma's levels in order).
  static std::uint64_t severity(RuleLevel level) { return static_cast<std::uint64_t>(level) * 25; }
};

class AlertDelimitedSink final : public AlertPrinter {
 public:
  AlertDelimitedSink(OutputStream& out, const SinkOptions& options)
      : AlertPrinter(out),
        writer_(out,
                {"first", "last", "level", "rule_id", "title", "kind", "group", "count", "suspect",
                 "sources"},
                options.format == OutputFormat::Tsv, options.raw_csv, options.terminal) {}
  void write(const Alert& alert) override {
    const bool timed = alert.first_us != kAlertWithoutTime;
    const std::string first = timed ? utc_time_text(alert.first_us) : std::string();
    const std::string last = timed ? utc_time_text(alert.last_us) : std::string();
    const std::string group = alert_group_text(alert);
    const std::string count = std::to_string(alert.count);
    std::string sources;
    for (const AlertEvent& event : alert.events) {
      if (!sources.empty()) sources.push_back(' ');
      sources += source_text(event);
    }
    if (alert.events_omitted > 0) sources += fmt::format(" (+{} more)", alert.events_omitted);
    const RuleInfo& rule = *alert.rule;
    writer_.row([&](std::string_view column) -> std::optional<Value> {
      if (column == "first") return timed ? Value::string(first) : Value::null();
      if (column == "last") return timed ? Value::string(last) : Value::null();
      if (column == "level") return Value::string(to_string(rule.level));
      if (column == "rule_id") return Value::string(rule.id);
      if (column == "title") return Value::string(rule.title);
      if (column == "kind") return Value::string(kind_of(alert));
      if (column == "group") return Value::string(group);
      if (column == "count") return Value::integer(count);
      if (column == "suspect") return Value::boolean(any_suspect(alert));
      if (column == "sources") return Value::string(sources);
      return std::nullopt;
    });
  }
  void write_end() override { writer_.finish(); }

 private:
  DelimitedWriter writer_;
};

// For a person: the rule and the group on the first line, then one line per event.
class AlertTextSink final : public AlertPrinter {
 public:
  AlertTextSink(OutputStream& out, const SinkOptions& options)
      : AlertPrinter(out), color_(options.color) {}
  void write(const Alert& alert) override {
    fmt::memory_buffer& buf = out_.buffer();
    const RuleInfo& rule = *alert.rule;
    paint(buf, level_colour(rule.level));
    fmt::format_to(std::back_inserter(buf), "{:<13} ", to_string(rule.level));
    paint(buf, "\x1b[0m");
    paint(buf, "\x1b[1m");
    append_terminal_safe(buf, rule.title);
    paint(buf, "\x1b[0m");
    fmt::format_to(std::back_inserter(buf), "  ({}, {}:{})\n", kind_of(alert), rule.place.path,
                   rule.place.line);
    // A correlation: its window, count and group; a detection's one event says it all.
    if (alert.correlation) {
      fmt::format_to(std::back_inserter(buf), "    {} .. {}  {} {}", utc_time_text(alert.first_us),
                     utc_time_text(alert.last_us), alert.count, count_noun(alert.type));
      for (const auto& [field, value] : alert.group) {
        fmt::format_to(std::back_inserter(buf), "  {}=", field);
        append_terminal_value(buf, value);
      }
      buf.push_back('\n');
    }
    for (const AlertEvent& event : alert.events) {
      buf.append(std::string_view("    "));
      append_terminal_safe(buf, event.timestamp);
      fmt::format_to(std::back_inserter(buf), " {:<7} ", event.outcome);
      append_terminal_safe(buf, event.action);
      buf.push_back(' ');
      append_terminal_value(buf, event.actor);
      if (!event.client_address.empty()) {
        buf.append(std::string_view(" from "));
        append_terminal_value(buf, event.client_address);
      }
      buf.push_back(' ');
      append_terminal_value(buf, event.url_path);
      buf.append(std::string_view("  "));
      append_terminal_safe(buf, source_text(event));
      if (!event.suspect.empty()) {
        paint(buf, "\x1b[31m");
        buf.append(std::string_view("  SUSPECT: "));
        append_terminal_safe(buf, event.suspect);
        paint(buf, "\x1b[0m");
      }
      buf.push_back('\n');
    }
    if (alert.events_omitted > 0)
      fmt::format_to(std::back_inserter(buf), "    ... and {} more event(s)\n",
                     alert.events_omitted);
  }

 private:
  void paint(fmt::memory_buffer& buf, std::string_view code) const {
    if (color_) buf.append(code);
  }
  static std::string_view level_colour(RuleLevel level) {
    switch (level) {
      case RuleLevel::Critical:
      case RuleLevel::High:
        return "\x1b[1;31m";
      case RuleLevel::Medium:
        return "\x1b[33m";
      case RuleLevel::Low:
        return "\x1b[36m";
      case RuleLevel::Informational:
        return "\x1b[2m";
    }
    return "";
  }
  static std::string_view count_noun(CorrelationType type) {
    switch (type) {
      case CorrelationType::ValueCount:
        return "distinct values";
      case CorrelationType::Temporal:
      case CorrelationType::TemporalOrdered:
        return "rules matched";
      case CorrelationType::EventCount:
        break;
    }
    return "events";
  }
  bool color_;
};

}  // namespace

std::string_view alert_kind(const Alert& alert) noexcept {
  return alert.correlation ? to_string(alert.type) : std::string_view("detection");
}

void append_alert_json(fmt::memory_buffer& out, const Alert& alert) {
  JsonWriter json(out);
  json.begin_object();
  json.key("contract").number(kAlertContractVersion);
  const RuleInfo& rule = *alert.rule;
  json.key("rule").begin_object();
  json.key("id").string_or_null(rule.id);
  json.key("title").string(rule.title);
  json.key("level").string(to_string(rule.level));
  json.key("tags");
  write_strings(json, rule.tags);
  json.key("file").string(rule.place.path);
  json.key("line").number(static_cast<std::uint64_t>(rule.place.line));
  json.end_object();
  json.key("first");
  write_time(json, alert.first_us);
  json.key("last");
  write_time(json, alert.last_us);
  write_alert_body(json, alert);
  json.end_object();
}

std::string alert_group_text(const Alert& alert) {
  std::string text;
  for (const auto& [field, value] : alert.group) {
    if (!text.empty()) text.push_back(' ');
    text += field;
    text.push_back('=');
    const bool quote = value.empty() || value.find_first_of(" \t\n\r\"\\=") != std::string::npos;
    if (!quote) {
      text += value;
      continue;
    }
    text.push_back('"');
    for (const char c : value) {
      if (c == '"' || c == '\\') text.push_back('\\');
      text.push_back(c);
    }
    text.push_back('"');
  }
  return text;
}

std::unique_ptr<AlertSink> make_alert_sink(OutputStream& out, const SinkOptions& options) {
  switch (options.format) {
    case OutputFormat::Json:
      return std::make_unique<AlertJsonSink>(out);
    case OutputFormat::Ecs:
      return std::make_unique<AlertEcsSink>(out);
    case OutputFormat::Csv:
    case OutputFormat::Tsv:
      return std::make_unique<AlertDelimitedSink>(out, options);
    case OutputFormat::Text:
      break;
  }
  return std::make_unique<AlertTextSink>(out, options);
}

}  // namespace pkgly_trail::hunt
