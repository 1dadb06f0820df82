#include "pkgly_trail/sink/record_sink.hpp"

#include "sinks.hpp"

namespace pkgly_trail {

const std::vector<std::string>& default_audit_columns() {
  static const std::vector<std::string> columns = {"timestamp",     "action",
                                                   "outcome",       "actor_username",
                                                   "actor_id",      "resource_kind",
                                                   "resource_name", "repository_id",
                                                   "storage_id",    "path",
                                                   "query",         "http_request_method",
                                                   "url_path",      "http_response_status_code",
                                                   "request_id",    "trace_id"};
  return columns;
}

const std::vector<std::string>& default_record_columns() {
  static const std::vector<std::string> columns = {"timestamp", "level",      "target",
                                                   "message",   "request_id", "trace_id"};
  return columns;
}

std::unique_ptr<RecordSink> make_record_sink(OutputStream& out, const SinkOptions& options) {
  switch (options.format) {
    case OutputFormat::Json:
      return make_json_sink(out);
    case OutputFormat::Ecs:
      return make_ecs_sink(out);
    case OutputFormat::Csv:
    case OutputFormat::Tsv: {
      std::vector<std::string> columns = options.fields;
      if (columns.empty())
        columns = options.audit ? default_audit_columns() : default_record_columns();
      return make_delimited_sink(out, std::move(columns), options.format == OutputFormat::Tsv,
                                 options.raw_csv, options.terminal);
    }
    case OutputFormat::Text:
      break;
  }
  return make_text_sink(out, options);
}

}  // namespace pkgly_trail
