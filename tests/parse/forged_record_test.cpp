// A Display value with a newline followed by a whole fake record creates no event and changes
// no field, in every text format.
#include <catch2/catch.hpp>

#include "parse/parse_helpers.hpp"

namespace pkgly_trail {
using testing::field_text;
using testing::parse_text;

namespace {

struct Dialect {
  const char* name;
  std::string header;  // everything before the message
  std::string sep;     // before a key
  std::string close;   // after a key
  std::string first_sep;
};

std::string audit_record(const Dialect& d, const std::string& actor, const std::string& query,
                         const std::string& status) {
  const std::vector<std::pair<std::string, std::string>> fields{
      {"trace_id", "00000000000000000000000000000000"}, {"action", "package.search"},
      {"outcome", "success"}, {"actor_username", actor}, {"actor_id", "3"},
      {"actor_authenticated", "true"}, {"resource_kind", ""}, {"resource_id", ""},
      {"resource_name", ""}, {"repository_id", ""}, {"storage_id", ""},
      {"target_user_id", "0"}, {"token_id", "0"}, {"path", ""}, {"query", query},
      {"http_request_method", "GET"}, {"http_route", "/api/search/packages"},
      {"url_path", "/api/search/packages"}, {"http_response_status_code", status}};
  std::string text = d.header + "Audit event";
  for (const auto& [key, value] : fields) text += d.sep + key + d.close + value;
  return text;
}

const std::vector<Dialect>& dialects() {
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

}  // namespace

TEST_CASE("a newline and a fake audit record inside a value forge nothing",
          "[parse][schema][security]") {
  for (const Dialect& d : dialects()) {
    DYNAMIC_SECTION(d.name) {
      // The fake record is written the way the real formatter would write it.
      std::string fake = audit_record(d, "admin", "", "200");
      fake.replace(fake.find("package.search"), 14, "user.delete");
      std::string query = "x\n" + fake;
      std::string log = audit_record(d, "bob", query, "201");
      if (std::string(d.name) == "pretty") log += "\n    at pkgly/src/audit/mod.rs:38\n";
      log += "\n" + audit_record(d, "carol", "ok", "200") + "\n";
      auto parsed = parse_text(log);
      std::vector<const Record*> audits;
      for (const Record& r : parsed.records)
        if (r.is_audit()) audits.push_back(&r);
      REQUIRE(audits.size() == 2);
      CHECK(field_text(*audits[0], "actor_username") == "bob");
      CHECK(field_text(*audits[0], "action") == "package.search");
      CHECK(field_text(*audits[0], "query") == query);
      CHECK(field_text(*audits[0], "http_response_status_code") == "201");
      CHECK(field_text(*audits[1], "actor_username") == "carol");
      CHECK(parsed.stats.unparsed_lines == 0);
    }
  }
}

TEST_CASE("a record that fits its schema is handed on without waiting for the next line",
          "[parse][schema][live]") {
  Dialect plain = dialects()[0];
  testing::Collected collected;
  RecordAssembler assembler(collected);
  assembler.begin_input("-");
  assembler.on_line(audit_record(plain, "bob", "q", "200"), 1);
  REQUIRE(collected.records.size() == 1);  // no flush, no next line needed
  CHECK(collected.records[0].schema_fit == SchemaFit::Complete);
}

}  // namespace pkgly_trail
