#pragma once
// Audit records written the way each text format writes them, for the continuation and
// forgery tests.
#include <string>
#include <utility>
#include <vector>

namespace pkgly_trail::testing {

struct Dialect {
  const char* name;
  std::string header;  // everything before the message
  std::string sep;     // before a key
  std::string close;   // after a key
  std::string first_sep;
};

inline std::string audit_record(const Dialect& d, const std::string& actor,
                                const std::string& query, const std::string& status) {
  const std::vector<std::pair<std::string, std::string>> fields{
      {"trace_id", "00000000000000000000000000000000"},
      {"action", "package.search"},
      {"outcome", "success"},
      {"actor_username", actor},
      {"actor_id", "3"},
      {"actor_authenticated", "true"},
      {"resource_kind", ""},
      {"resource_id", ""},
      {"resource_name", ""},
      {"repository_id", ""},
      {"storage_id", ""},
      {"target_user_id", "0"},
      {"token_id", "0"},
      {"path", ""},
      {"query", query},
      {"http_request_method", "GET"},
      {"http_route", "/api/search/packages"},
      {"url_path", "/api/search/packages"},
      {"http_response_status_code", status}};
  std::string text = d.header + "Audit event";
  for (const auto& [key, value] : fields) text += d.sep + key + d.close + value;
  return text;
}

inline const std::vector<Dialect>& dialects() {
  static const std::vector<Dialect> all{
      {"full", "2025-11-20T10:15:30.100000Z  INFO HTTP request{request_id=r-1}: pkgly::audit: ",
       " ", "=", " "},
      {"full-ansi",
       "\x1b[2m2025-11-20T10:15:30.100000Z\x1b[0m \x1b[32m INFO\x1b[0m \x1b[1mHTTP request\x1b[0m"
       "\x1b[1m{\x1b[0m\x1b[3mrequest_id\x1b[0m\x1b[2m=\x1b[0mr-1\x1b[1m}\x1b[0m\x1b[2m:\x1b[0m "
       "\x1b[2mpkgly::audit\x1b[0m\x1b[2m:\x1b[0m ",
       " \x1b[3m", "\x1b[0m\x1b[2m=\x1b[0m", " "},
      {"compact", "2025-11-20T10:15:30.100000Z \x1b[32mINFO\x1b[0m [HTTP request] pkgly::audit: ",
       " ", "=", " "},
      {"pretty", "  2025-11-20T10:15:30.100000Z  INFO pkgly::audit: ", ", ", ": ", ", "},
  };
  return all;
}

// The fields an audit record of the dialect ends with (after its last free-text value): what
// a hostile value imitates.
inline std::string audit_tail(const Dialect& d, const std::string& method, const std::string& route,
                              const std::string& path, const std::string& status) {
  return d.sep + "http_request_method" + d.close + method + d.sep + "http_route" + d.close + route +
         d.sep + "url_path" + d.close + path + d.sep + "http_response_status_code" + d.close +
         status;
}
inline std::string search_tail(const Dialect& d, const std::string& status) {
  return audit_tail(d, "GET", "/api/search/packages", "/api/search/packages", status);
}
inline std::string delete_tail(const Dialect& d) {
  return audit_tail(d, "DELETE", "/api/user/{id}", "/api/user/7", "204");
}

// The lines a record of the dialect ends with after its event line (pretty: location, blank).
inline std::string record_end(const Dialect& d) {
  return std::string(d.name) == "pretty" ? "\n    at pkgly/src/audit/mod.rs:38\n" : "";
}

}  // namespace pkgly_trail::testing
