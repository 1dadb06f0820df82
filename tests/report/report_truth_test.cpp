// `report` on every sample, checked against numbers this test computes on its own from the
// ground-truth files (tests/fixtures/*.truth.ndjson), section by section, through both machine
// outputs: -o json (parsed with simdjson) and -o csv (parsed here).
#include <catch2/catch.hpp>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "support/truth.hpp"

namespace pkgly_trail {
namespace {

using Text = std::optional<std::string>;  // nullopt: unknown (JSON null, empty CSV cell)
using Row = std::vector<Text>;
using Table = std::vector<Row>;

struct Counts {
  std::uint64_t success = 0, denied = 0, total = 0;
  void add(const std::string& outcome) {
    ++total;
    success += outcome == "success" ? 1 : 0;
    denied += outcome == "denied" ? 1 : 0;
  }
};

struct ActorTruth {
  std::uint64_t events = 0, denied = 0;
  std::string first, last;
  std::set<std::string> addresses;
};

// What the report must say, computed from the truth file alone.
struct Expected {
  std::uint64_t events = 0, success = 0, denied = 0;
  std::string first, last;
  std::set<std::string> addresses;
  std::map<std::string, Counts> actions;
  std::map<std::string, ActorTruth> actors;
  std::map<std::pair<std::string, Text>, std::uint64_t> denied_by;
  std::map<std::pair<std::string, std::string>, Counts> repositories;
  std::map<std::string, Counts> storages;
  std::map<std::string, Counts> hours;
  std::multiset<Row> sensitive;
};

std::string str(simdjson::dom::element e) {
  return e.is_string() ? std::string(std::string_view(e)) : std::string();
}

// The rule of docs/reports.md, written out again here as the oracle: a delete or permission
// change anywhere; a create, update... of a user, token, security setting, repository, storage.
bool sensitive(const std::string& action) {
  if (action.find("delete") != std::string::npos || action.find("permission") != std::string::npos)
    return true;
  bool subject = false;
  for (const char* prefix :
       {"user.", "auth.token.", "token.", "security.", "repository.", "storage."})
    subject = subject || action.rfind(prefix, 0) == 0;
  const std::string verb = action.substr(action.rfind('.') + 1);
  for (const char* change : {"create", "update", "revoke", "rotate", "set", "reset", "grant", "add",
                             "remove", "rename", "change", "disable", "enable", "move"})
    if (subject && (verb == change || verb.rfind(std::string(change) + "_", 0) == 0)) return true;
  return false;
}

Expected expected_from_truth(const std::string& sample) {
  Expected x;
  simdjson::dom::parser parser;
  for (const std::string& line :
       testing::read_lines(testing::fixture_path(sample + ".truth.ndjson"))) {
    simdjson::dom::element e = parser.parse(line);
    const std::string time = str(e["timestamp"]), action = str(e["action"]),
                      outcome = str(e["outcome"]), actor = str(e["actor_username"]);
    Text address;
    simdjson::dom::element access = e["access"];
    if (!access.is_null() && access["client.address"].is_string())
      address = str(access["client.address"]);
    ++x.events;
    x.success += outcome == "success" ? 1 : 0;
    x.denied += outcome == "denied" ? 1 : 0;
    if (x.first.empty() || time < x.first) x.first = time;
    if (x.last.empty() || time > x.last) x.last = time;
    if (address) x.addresses.insert(*address);
    x.actions[action].add(outcome);
    ActorTruth& a = x.actors[actor];
    ++a.events;
    a.denied += outcome == "denied" ? 1 : 0;
    if (a.first.empty() || time < a.first) a.first = time;
    if (a.last.empty() || time > a.last) a.last = time;
    if (address) a.addresses.insert(*address);
    if (outcome == "denied") ++x.denied_by[{actor, address}];
    const std::string name = str(e["resource_name"]), id = str(e["repository_id"]);
    if (!name.empty() || !id.empty()) x.repositories[{name, id}].add(outcome);
    if (!str(e["storage_id"]).empty()) x.storages[str(e["storage_id"])].add(outcome);
    x.hours[time.substr(0, 13) + ":00Z"].add(outcome);  // all samples are in UTC ("...Z")
    if (sensitive(action)) {
      const std::string rid = str(e["request_id"]);
      x.sensitive.insert(
          Row{time, actor, action, outcome, address, rid.empty() ? Text() : Text(rid)});
    }
  }
  return x;
}

// The report, read back from either output into the same shape.
struct Parsed {
  std::map<std::string, Text> totals;
  std::map<std::string, std::vector<std::string>> columns;
  std::map<std::string, Table> sections;
};

Text json_text(simdjson::dom::element e) {
  if (e.is_null()) return std::nullopt;
  if (e.is_string()) return std::string(std::string_view(e));
  return std::to_string(std::int64_t(e));
}

Parsed parse_json_report(const std::string& text) {
  Parsed p;
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(text);
  REQUIRE(std::string_view(doc["generated_by"]).starts_with("pkgly-trail"));
  for (auto [key, value] : simdjson::dom::object(doc["totals"]))
    p.totals[std::string(key)] = json_text(value);
  for (simdjson::dom::element section : simdjson::dom::array(doc["sections"])) {
    const std::string name{std::string_view(section["name"])};
    for (simdjson::dom::element c : simdjson::dom::array(section["columns"]))
      p.columns[name].emplace_back(std::string_view(c));
    CHECK_FALSE(bool(section["truncated"]));
    Table& table = p.sections[name];
    for (simdjson::dom::element r : simdjson::dom::array(section["rows"])) {
      Row row;
      for (simdjson::dom::element cell : simdjson::dom::array(r)) row.push_back(json_text(cell));
      REQUIRE(row.size() == p.columns[name].size());
      table.push_back(row);
    }
  }
  return p;
}

// RFC 4180, as docs/output-contracts.md documents it (rows end with \n).
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string cell;
  bool quoted = false, cell_started = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c == '"' && !cell_started) {
      quoted = cell_started = true;
    } else if (c == ',') {
      rows.back().push_back(cell);
      cell.clear();
      cell_started = false;
    } else if (c == '\n') {
      rows.back().push_back(cell);
      cell.clear();
      cell_started = false;
      rows.emplace_back();
    } else {
      cell += c;
      cell_started = true;
    }
  }
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

// Undo the documented formula guard so that values compare with the truth.
Text csv_text(const std::string& cell) {
  if (cell.empty()) return std::nullopt;
  if (cell.size() > 1 && cell[0] == '\'' &&
      std::string("=+-@\t\r").find(cell[1]) != std::string::npos)
    return cell.substr(1);
  return cell;
}

Parsed parse_csv_report(const std::string& text) {
  Parsed p;
  auto rows = parse_csv(text);
  REQUIRE(!rows.empty());
  const std::vector<std::string> header = rows.front();
  REQUIRE(header.front() == "section");
  // Which columns each section uses: those its rows fill, in header order; the JSON output
  // gives the authoritative list, this only needs the values.
  for (std::size_t r = 1; r < rows.size(); ++r) {
    REQUIRE(rows[r].size() == header.size());
    const std::string& section = rows[r][0];
    if (section == "totals") {
      const auto metric = std::find(header.begin(), header.end(), "metric") - header.begin();
      const auto value = std::find(header.begin(), header.end(), "value") - header.begin();
      p.totals[rows[r][metric]] = csv_text(rows[r][value]);
      continue;
    }
    Row row;
    for (std::size_t c = 1; c < header.size(); ++c) row.push_back(csv_text(rows[r][c]));
    p.sections[section].push_back(row);
  }
  p.columns["header"] = header;
  return p;
}

// In CSV a section's row holds every column of the long table; pick the section's own.
Row pick(const Parsed& csv, const Row& row, const std::vector<std::string>& columns) {
  const auto& header = csv.columns.at("header");
  Row picked;
  for (const std::string& column : columns) {
    const auto at = std::find(header.begin(), header.end(), column) - header.begin();
    picked.push_back(row[at - 1]);
  }
  return picked;
}

std::string n(std::uint64_t value) {
  return std::to_string(value);
}

Table expected_actions(const Expected& x) {
  Table t;
  for (const auto& [action, c] : x.actions)
    t.push_back({action, n(c.success), n(c.denied), n(c.total)});
  return t;
}
Table expected_actors(const Expected& x) {
  Table t;
  for (const auto& [actor, a] : x.actors)
    t.push_back({actor, n(a.events), n(a.denied), a.first, a.last, n(a.addresses.size())});
  return t;
}
Table expected_denied(const Expected& x) {
  Table t;
  for (const auto& [key, count] : x.denied_by) t.push_back({key.first, key.second, n(count)});
  return t;
}
Table expected_repositories(const Expected& x) {
  Table t;
  for (const auto& [key, c] : x.repositories)
    t.push_back({key.first, key.second, n(c.success), n(c.denied), n(c.total)});
  return t;
}
Table expected_storages(const Expected& x) {
  Table t;
  for (const auto& [id, c] : x.storages) t.push_back({id, n(c.success), n(c.denied), n(c.total)});
  return t;
}
Table expected_timeline(const Expected& x) {
  Table t;
  for (const auto& [hour, c] : x.hours) t.push_back({hour, n(c.success), n(c.denied), n(c.total)});
  return t;
}

// The rows of the report, with only the first `width` columns, as a sorted multiset.
std::multiset<Row> as_set(const Table& table, std::size_t width) {
  std::multiset<Row> rows;
  for (const Row& row : table) rows.insert(Row(row.begin(), row.begin() + width));
  return rows;
}

// Count column descending, then the key columns ascending, unknown last.
void check_ranked(const Table& table, std::size_t count_column, std::size_t key_columns) {
  for (std::size_t i = 1; i < table.size(); ++i) {
    const auto before = std::stoull(*table[i - 1][count_column]);
    const auto now = std::stoull(*table[i][count_column]);
    INFO("row " << i);
    REQUIRE(before >= now);
    if (before != now) continue;
    for (std::size_t k = 0; k < key_columns; ++k) {
      const Text& a = table[i - 1][k];
      const Text& b = table[i][k];
      if (a == b) continue;
      CHECK((b == std::nullopt || (a && *a < *b)));
      break;
    }
  }
}

void check_report(const Parsed& p, const Expected& x, bool csv) {
  CHECK(p.totals.at("events") == n(x.events));
  CHECK(p.totals.at("success") == n(x.success));
  CHECK(p.totals.at("denied") == n(x.denied));
  CHECK(p.totals.at("distinct_actors") == n(x.actors.size()));
  CHECK(p.totals.at("distinct_client_addresses") == n(x.addresses.size()));
  CHECK(p.totals.at("first") == x.first);
  CHECK(p.totals.at("last") == x.last);
  CHECK(p.totals.at("unparsed_lines") == "0");
  CHECK(p.totals.at("suspect_events") == "0");  // genuine logs
  CHECK(p.totals.at("audit_marker_lines") == "0");
  CHECK(p.totals.at("suspect_records") == "0");
  CHECK(p.totals.at("bucket") == "1h");

  struct Check {
    const char* name;
    std::vector<std::string> columns;
    Table expected;
    std::size_t count_column, keys;
  };
  const std::vector<Check> checks{
      {"actions", {"action", "success", "denied", "total"}, expected_actions(x), 3, 1},
      {"actors",
       {"actor", "events", "denied", "first_seen", "last_seen", "client_addresses"},
       expected_actors(x),
       1,
       1},
      {"denied", {"actor", "client_address", "denied"}, expected_denied(x), 2, 2},
      {"repositories",
       {"repository", "repository_id", "success", "denied", "total"},
       expected_repositories(x),
       4,
       2},
      {"storages", {"storage_id", "success", "denied", "total"}, expected_storages(x), 3, 1},
      {"timeline", {"bucket", "success", "denied", "total"}, expected_timeline(x), 0, 0},
  };
  for (const Check& check : checks) {
    INFO("section " << check.name);
    Table table;
    if (p.sections.count(check.name)) table = p.sections.at(check.name);
    if (csv) {
      for (Row& row : table) row = pick(p, row, check.columns);
    } else {
      REQUIRE(p.columns.at(check.name).size() >= check.columns.size());
      for (std::size_t c = 0; c < check.columns.size(); ++c)
        CHECK(p.columns.at(check.name)[c] == check.columns[c]);
    }
    std::multiset<Row> want(check.expected.begin(), check.expected.end());
    CHECK(as_set(table, check.columns.size()) == want);
    if (check.keys > 0) check_ranked(table, check.count_column, check.keys);
  }

  Table sensitive;
  if (p.sections.count("sensitive")) sensitive = p.sections.at("sensitive");
  const std::vector<std::string> columns{"time",    "actor",          "action",
                                         "outcome", "client_address", "request_id"};
  if (csv)
    for (Row& row : sensitive) row = pick(p, row, columns);
  CHECK(as_set(sensitive, columns.size()) == x.sensitive);
  for (std::size_t i = 1; i < sensitive.size(); ++i)
    CHECK(*sensitive[i - 1][0] <= *sensitive[i][0]);
}

}  // namespace

TEST_CASE("report -o json: every section matches counts computed from the truth files",
          "[report][truth]") {
  for (const std::string& sample : testing::sample_names()) {
    INFO(sample);
    const Expected x = expected_from_truth(sample);
    auto result = testing::run_trail("report -o json " + testing::fixture_arg(sample + ".log"));
    REQUIRE(result.status == 0);
    CHECK(result.err.empty());
    check_report(parse_json_report(result.out), x, false);
  }
}

TEST_CASE("report -o csv: the long table matches counts computed from the truth files",
          "[report][truth]") {
  for (const std::string& sample : testing::sample_names()) {
    INFO(sample);
    const Expected x = expected_from_truth(sample);
    auto result = testing::run_trail("report -o csv " + testing::fixture_arg(sample + ".log"));
    REQUIRE(result.status == 0);
    check_report(parse_csv_report(result.out), x, true);
  }
}

TEST_CASE("report --by action and outcome matches the truth counts in csv and json",
          "[report][truth]") {
  for (const std::string& sample :
       {std::string("full-ansi-compose-real"), std::string("adversarial-json")}) {
    INFO(sample);
    std::map<std::pair<std::string, std::string>, std::uint64_t> want;
    simdjson::dom::parser parser;
    for (const std::string& line :
         testing::read_lines(testing::fixture_path(sample + ".truth.ndjson"))) {
      simdjson::dom::element e = parser.parse(line);
      ++want[{str(e["action"]), str(e["outcome"])}];
    }
    auto csv = testing::run_trail("report --by action,outcome -o csv " +
                                  testing::fixture_arg(sample + ".log"));
    REQUIRE(csv.status == 0);
    auto rows = parse_csv(csv.out);
    REQUIRE(rows.front() == std::vector<std::string>{"action", "outcome", "count"});
    std::map<std::pair<std::string, std::string>, std::uint64_t> got;
    for (std::size_t r = 1; r < rows.size(); ++r) {
      got[{rows[r][0], rows[r][1]}] = std::stoull(rows[r][2]);
      if (r > 1) CHECK(std::stoull(rows[r - 1][2]) >= std::stoull(rows[r][2]));
    }
    CHECK(got == want);

    auto json = testing::run_trail("report --by action,outcome -o json " +
                                   testing::fixture_arg(sample + ".log"));
    REQUIRE(json.status == 0);
    simdjson::dom::element doc = parser.parse(json.out);
    std::map<std::pair<std::string, std::string>, std::uint64_t> from_json;
    for (simdjson::dom::object group : simdjson::dom::array(doc)) {
      std::vector<std::string> keys;
      for (auto [key, value] : group) keys.emplace_back(key);
      CHECK(keys == std::vector<std::string>{"action", "outcome", "count"});
      from_json[{str(group["action"]), str(group["outcome"])}] = std::uint64_t(group["count"]);
    }
    CHECK(from_json == want);
  }
}

}  // namespace pkgly_trail
