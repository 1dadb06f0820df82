// Filter::compile from fuzzed option strings, then matches() on fixed records.
//
// Input: one option per line, its first byte saying which (so seeds stay readable):
//   w --where   m --match   s --since   u --until   a --action   p --path   o --outcome
//   c --actor   r --repository   g --storage   t --target   l --level   A audit only
//   x a text the --action/--path globs are also matched against
// FilterError is the expected answer to a bad value; any other exception or crash is a bug.
// The globs are also checked against a slow reference matcher, and --since/--until against
// parse_log_time.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.hpp"
#include "parse/line_format.hpp"
#include "pkgly_trail/filter/filter.hpp"
#include "pkgly_trail/record/log_time.hpp"

namespace {

using namespace pkgly_trail;

constexpr std::int64_t kNow = 1763633730369463;  // 2025-11-20T10:15:30.369463Z

constexpr std::string_view kAuditLine =
    "2025-11-20T10:15:30.356000Z  INFO HTTP request{url.path=\"/repositories/primary/npm-hosted/"
    "@acme%2feslint-config\" http.request.method=GET client.address=\"2001:db8::8a2e:370:7334\" "
    "request_id=2053a960-44a5-44bf-a217-b4e8f412cfa2 otel.name=\"HTTP request\" otel.kind=Server "
    "otel.name=\"GET /repositories/{storage}/{repository}/{*path}\"}: pkgly::audit: Audit event "
    "trace_id=00000000000000000000000000000000 action=package.download outcome=success "
    "actor_username=erin.k actor_id=7 actor_authenticated=true resource_kind=repository "
    "resource_id=9e10e1e0-db6a-4f53-8fc4-920f2f82df34 resource_name=npm-hosted "
    "repository_id=9e10e1e0-db6a-4f53-8fc4-920f2f82df34 "
    "storage_id=75a575b7-61d6-4a7b-960c-80a50eca119e target_user_id=0 token_id=0 "
    "path=@acme/eslint-config query=q=\x1b[31mx outcome=denied http_request_method=GET "
    "http_route=/repositories/{storage}/{repository}/{*path} "
    "url_path=/repositories/primary/npm-hosted/@acme%2feslint-config http_response_status_code=200";

constexpr std::string_view kAccessLine =
    "2025-11-20T10:15:30.355966Z  INFO HTTP request{request_id=2053a960-44a5-44bf-a217-"
    "b4e8f412cfa2}: pkgly::access: HTTP access trace_id=4bf92f3577b34da6a3ce929d0e0e4736 "
    "http.request.method=GET http.route=/repositories/{storage}/{repository}/{*path} "
    "url.path=/repositories/primary/npm-hosted/@acme%2feslint-config "
    "http.response.status_code=200 duration_ms=4 request_id=2053a960-44a5-44bf-a217-b4e8f412cfa2 "
    "repository_id=9e10e1e0-db6a-4f53-8fc4-920f2f82df34 user=erin.k "
    "client.address=\"203.0.113.9\" user_agent.original=\"curl/8.5.0\" "
    "http.response.body.size=7190";

constexpr std::string_view kDebugLine =
    "2025-11-20T10:15:30.207042Z DEBUG sqlx::query: summary=\"SELECT 1\" rows_affected=0 "
    "elapsed_secs=0.000720698";

Record parsed(std::string_view line) {
  Record record;
  FUZZ_CHECK(parse_line_record(line, record), "fixed record does not parse");
  return record;
}

// ---- reference glob: every (pattern, text) position pair, no cleverness --------------------

struct RefClass {
  bool is_class = false;
  std::size_t end = 0;  // after ']'
  bool member = false;
  bool negated = false;
};

RefClass reference_class(std::string_view p, std::size_t start, unsigned char c) {
  RefClass out;
  std::size_t i = start + 1;
  if (i < p.size() && (p[i] == '!' || p[i] == '^')) {
    out.negated = true;
    ++i;
  }
  bool first = true;
  for (; i < p.size(); first = false) {
    if (p[i] == ']' && !first) {
      out.is_class = true;
      out.end = i + 1;
      out.member = out.member != out.negated;
      return out;
    }
    const auto lo = static_cast<unsigned char>(p[i]);
    if (i + 2 < p.size() && p[i + 1] == '-' && p[i + 2] != ']') {
      if (lo <= c && c <= static_cast<unsigned char>(p[i + 2])) out.member = true;
      i += 3;
    } else {
      if (lo == c) out.member = true;
      ++i;
    }
  }
  return out;  // unterminated: a literal '['
}

bool reference_glob(std::string_view p, std::string_view t) {
  const std::size_t width = t.size() + 1;
  // table[i * width + j]: p[i..] matches t[j..]
  std::vector<char> table((p.size() + 1) * width, 0);
  auto at = [&](std::size_t i, std::size_t j) -> char& { return table[i * width + j]; };
  for (std::size_t i = p.size() + 1; i-- > 0;) {
    for (std::size_t j = t.size() + 1; j-- > 0;) {
      bool result = false;
      if (i == p.size()) {
        result = j == t.size();
      } else if (p[i] == '*') {
        result = at(i + 1, j) || (j < t.size() && at(i, j + 1));
      } else if (j == t.size()) {
        result = false;
      } else if (p[i] == '?') {
        result = at(i + 1, j + 1);
      } else if (p[i] == '[') {
        const RefClass cls = reference_class(p, i, static_cast<unsigned char>(t[j]));
        result = cls.is_class ? cls.member && at(cls.end, j + 1) : t[j] == '[' && at(i + 1, j + 1);
      } else {
        result = p[i] == t[j] && at(i + 1, j + 1);
      }
      at(i, j) = result;
    }
  }
  return at(0, 0);
}

void check_glob(std::string_view pattern, std::string_view text) {
  if (pattern.size() > 300 || text.size() > 300) return;  // keep the reference cheap
  FUZZ_CHECK(glob_match(pattern, text) == reference_glob(pattern, text),
             fmt::format("glob_match('{}', '{}') = {}", fuzz::shown(pattern), fuzz::shown(text),
                         glob_match(pattern, text)));
}

void check_time(std::string_view text) {
  const std::optional<std::int64_t> option = parse_time_option(text, kNow);
  // A complete RFC 3339 time means the same as an option and in a log.
  if (const std::optional<std::int64_t> logged = parse_log_time(text)) {
    FUZZ_CHECK(option == logged, fuzz::shown(text));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Record audit = parsed(kAuditLine);
  static const Record access = parsed(kAccessLine);
  static const Record debug = parsed(kDebugLine);

  const std::string_view input(reinterpret_cast<const char*>(data), size);
  FilterOptions options;
  std::vector<std::string_view> texts = {"package.download", "/a/b", ""};
  for (std::size_t start = 0; start < input.size();) {
    std::size_t end = input.find('\n', start);
    if (end == std::string_view::npos) end = input.size();
    const std::string_view line = input.substr(start, end - start);
    start = end + 1;
    if (line.empty()) continue;
    const std::string value(line.substr(1));
    switch (line[0]) {
      case 'w':
        options.where.push_back(value);
        break;
      case 'm':
        options.match.push_back(value);
        break;
      case 's':
        options.since = value;
        break;
      case 'u':
        options.until = value;
        break;
      case 'a':
        options.actions.push_back(value);
        break;
      case 'p':
        options.paths.push_back(value);
        break;
      case 'o':
        options.outcome = value;
        break;
      case 'c':
        options.actors.push_back(value);
        break;
      case 'r':
        options.repositories.push_back(value);
        break;
      case 'g':
        options.storages.push_back(value);
        break;
      case 't':
        options.target_prefixes.push_back(value);
        break;
      case 'l':
        options.min_level = parse_level(value);
        break;
      case 'A':
        options.audit_only = true;
        break;
      case 'x':
        texts.push_back(line.substr(1));
        break;
      default:
        break;
    }
  }

  for (const auto* globs : {&options.actions, &options.paths}) {
    for (const std::string& glob : *globs) {
      for (const std::string_view text : texts) check_glob(glob, text);
      check_glob(glob, glob);
    }
  }
  if (options.since) check_time(*options.since);
  if (options.until) check_time(*options.until);

  try {
    const Filter filter = Filter::compile(options, kNow);
    const bool alone = filter.matches(audit);
    const bool joined = filter.matches(audit, &access);
    filter.matches(access);
    filter.matches(debug, &audit);
    // Fields the audit event has are never looked up in its access record.
    if (options.where.empty() && options.match.empty()) FUZZ_CHECK(alone == joined, "");
    if (filter.empty()) FUZZ_CHECK(alone && joined && filter.matches(debug), "");
  } catch (const FilterError& e) {
    fuzz::touch(e.what());
  }
  return 0;
}
