// End to end against a real PostgreSQL (a throwaway cluster per test,
// tests/support/postgres_cluster.hpp): `join --postgres` stores every sample's ground truth; two
// writers on overlapping logs write each event once; a server restart in the middle of `-f`
// loses and doubles nothing; a foreign or other-version schema is refused; hostile values are
// stored as logged; `report --postgres` equals `report` over the same logs; `db migrate` and
// `db prune` do what they say.
#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <set>
#include <thread>

#include "support/json_compare.hpp"
#include "support/live_trail.hpp"
#include "support/postgres_cluster.hpp"
#include "support/process.hpp"
#include "support/skip.hpp"
#include "support/sqlite_query.hpp"
#include "support/text_lines.hpp"
#include "support/truth_audit.hpp"

namespace pkgly_trail {
namespace {

using testing::PostgresCluster;
using testing::run_trail;
using testing::shell_quote;
using testing::TempDir;

// One JSON line per event, in log order: the event's row, its access row and related rows.
constexpr const char* kEventsAsJson =
    "SELECT json_build_object('event', to_jsonb(e), "
    "'access', (SELECT to_jsonb(a) FROM pkgly_trail.access a WHERE a.event_id = e.id), "
    "'related', (SELECT coalesce(jsonb_agg(to_jsonb(r) ORDER BY r.seq), '[]') "
    "FROM pkgly_trail.related r WHERE r.event_id = e.id)) "
    "FROM pkgly_trail.events e ORDER BY e.source_label, e.source_input, e.source_line";

std::vector<std::string> events_as_json(PostgresCluster& cluster, const std::string& db) {
  return testing::lines_of(cluster.query(db, kEventsAsJson));
}

std::uint64_t count_of(PostgresCluster& cluster, const std::string& db, const std::string& sql) {
  return std::stoull(cluster.query(db, sql));
}

// jsonb keeps an object's keys in its own order: the record's members back in the contract's,
// for the checks written for `audit -o json`.
std::string in_contract_order(simdjson::dom::object record) {
  std::string json = "{";
  for (std::string_view key : {"timestamp", "level", "target", "message", "fields", "spans",
                               "request_id", "trace_id", "suspect", "source"}) {
    simdjson::dom::element value;
    if (record[key].get(value) != simdjson::SUCCESS) continue;
    if (json.size() > 1) json += ',';
    json += testing::json_quote(key) + ":" + simdjson::minify(value);
  }
  CHECK(record.size() == 9 + (record["suspect"].error() == simdjson::SUCCESS ? 1 : 0));
  return json + "}";
}

// The typed column against the record's field: the same JSON value, or NULL for an absent one.
void check_column(simdjson::dom::object row, simdjson::dom::object fields, std::string_view column,
                  std::string_view key) {
  INFO("column " << column);
  simdjson::dom::element want;
  if (fields[key].get(want) != simdjson::SUCCESS) {
    CHECK(row[column].is_null());
    return;
  }
  CHECK(simdjson::minify(row[column]) == simdjson::minify(want));
}

// The same run of `report -o json` without what must differ: the scope (inputs or store) and
// the three counts only logs have (unparsed_lines, audit_marker_lines, suspect_records).
std::string report_sections(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::dom::element whole = parser.parse(json);
  // --by writes the one table as an array of rows.
  if (whole.is_array()) return simdjson::minify(whole);
  simdjson::dom::object report = whole;
  std::string out;
  for (auto [key, value] : report) {
    if (key == "scope") continue;
    if (key == "totals") {
      for (auto [metric, cell] : simdjson::dom::object(value)) {
        if (metric == "unparsed_lines" || metric == "audit_marker_lines" ||
            metric == "suspect_records")
          continue;
        out += fmt::format("totals.{}={}\n", metric, simdjson::minify(cell));
      }
      continue;
    }
    if (key == "sections") {
      for (simdjson::dom::object section : simdjson::dom::array(value)) {
        const std::string_view name = section["name"];
        std::vector<std::string> rows;
        for (simdjson::dom::element row : simdjson::dom::array(section["rows"]))
          rows.push_back(simdjson::minify(row));
        // Events of the same microsecond: the store has them by source label, the merge by
        // the order of the files named (docs/postgres.md); the list is the same.
        if (name == "sensitive") std::sort(rows.begin(), rows.end());
        out += fmt::format("section {} truncated={} omitted={}\n", name,
                           simdjson::minify(section["truncated"]),
                           simdjson::minify(section["omitted_events"]));
        for (const std::string& row : rows) out += "  " + row + "\n";
      }
      continue;
    }
    out += fmt::format("{}={}\n", key, simdjson::minify(value));
  }
  return out;
}

TEST_CASE("join --postgres stores the ground truth of every sample", "[cli][postgres][may-skip]") {
  testing::require_postgres();
  PostgresCluster cluster;
  int n = 0;
  for (const std::string& name : testing::sample_names()) {
    DYNAMIC_SECTION(name) {
      const std::string db = fmt::format("truth{}", ++n);
      const std::string conninfo = cluster.create_database(db);
      const std::string log_path = testing::fixture_path(name + ".log");
      const auto truth = testing::read_lines(testing::fixture_path(name + ".truth.ndjson"));
      auto result = run_trail("join --postgres " + shell_quote(conninfo) +
                              " --source-label replica-a " + shell_quote(log_path));
      REQUIRE(result.status == 0);
      CHECK(result.out.empty());
      CHECK(result.err.find(fmt::format("pkgly-trail: {} audit events written to", truth.size())) !=
            std::string::npos);
      const std::vector<std::string> rows = events_as_json(cluster, db);
      REQUIRE(rows.size() == truth.size());
      const bool compact = name.find("compact") != std::string::npos;
      std::set<std::string> keys;
      for (std::size_t i = 0; i < truth.size(); ++i) {
        INFO("event " << i + 1 << ": " << truth[i].substr(0, 200));
        simdjson::dom::parser truth_parser, row_parser;
        simdjson::dom::object want = truth_parser.parse(truth[i]);
        simdjson::dom::object row = row_parser.parse(rows[i]);
        simdjson::dom::object event = row["event"];
        simdjson::dom::object record = event["record_json"];
        simdjson::dom::parser ordered_parser;
        testing::check_audit_json(ordered_parser.parse(in_contract_order(record)), want, compact);
        CHECK(keys.insert(std::string(std::string_view(event["event_key"]))).second);
        CHECK(std::string_view(event["source_label"]) == "replica-a");
        CHECK(std::string_view(event["source_input"]) == log_path);
        CHECK(std::string_view(event["timestamp"]) == std::string_view(want["timestamp"]));
        // time is the timestamp (to the second here; the microseconds by the report test).
        CHECK(std::string_view(event["time"]).substr(0, 19) ==
              std::string_view(want["timestamp"]).substr(0, 19));
        simdjson::dom::object fields = record["fields"];
        for (std::string_view column :
             {"action", "outcome", "actor_username", "actor_id", "actor_authenticated",
              "resource_kind", "resource_id", "resource_name", "repository_id", "storage_id",
              "target_user_id", "token_id", "path", "query", "http_request_method", "http_route",
              "url_path", "http_response_status_code"})
          check_column(event, fields, column, column);
        CHECK(simdjson::minify(event["request_id"]) == simdjson::minify(record["request_id"]));
        CHECK(simdjson::minify(event["trace_id"]) == simdjson::minify(record["trace_id"]));
        simdjson::dom::element access = row["access"];
        simdjson::dom::element truth_access = want["access"];
        CHECK(access.is_null() == truth_access.is_null());
        CHECK(event["joined_by"].is_null() == truth_access.is_null());
        if (!access.is_null()) {
          simdjson::dom::object access_row = access;
          testing::check_access_json(access_row["record_json"], truth_access);
          simdjson::dom::object access_fields = access_row["record_json"]["fields"];
          check_column(access_row, access_fields, "status", "http.response.status_code");
          check_column(access_row, access_fields, "client_address", "client.address");
          check_column(access_row, access_fields, "user_agent", "user_agent.original");
          check_column(access_row, access_fields, "duration_ms", "duration_ms");
          check_column(access_row, access_fields, "url_path", "url.path");
        }
        if (compact) continue;
        std::vector<std::string> related_json;
        for (simdjson::dom::object related : simdjson::dom::array(row["related"]))
          related_json.push_back(in_contract_order(related["record_json"]));
        std::string array = "[";
        for (const std::string& one : related_json) array += (array.size() > 1 ? "," : "") + one;
        simdjson::dom::parser related_parser;
        testing::check_related_json(related_parser.parse(array + "]"), want["related"]);
      }
      // A second run over the same log adds nothing.
      auto again =
          run_trail("join --postgres " + shell_quote(conninfo) + " " + shell_quote(log_path));
      REQUIRE(again.status == 0);
      CHECK(again.err.find(fmt::format("0 audit events written to")) != std::string::npos);
      CHECK(count_of(cluster, db, "SELECT count(*) FROM pkgly_trail.events") == truth.size());
    }
  }
}

// Three replicas' logs, as three agents would write them: each sample stands for one replica.
const std::vector<std::string> kReplicas{"full-ansi-compose", "json-compose-real",
                                         "pretty-ansi-compose"};

TEST_CASE("report --postgres equals report over the same logs", "[cli][postgres][may-skip]") {
  testing::require_postgres();
  PostgresCluster cluster;
  const std::string conninfo = cluster.create_database("report");
  std::string logs;
  int replica = 0;
  for (const std::string& name : kReplicas) {
    const std::string path = testing::fixture_path(name + ".log");
    logs += " " + shell_quote(path);
    auto wrote = run_trail(fmt::format("join --postgres {} --source-label replica-{} {}",
                                       shell_quote(conninfo), ++replica, shell_quote(path)));
    REQUIRE(wrote.status == 0);
  }
  const std::string env = "SOURCE_DATE_EPOCH=1700000000";
  // The store hands its events over in time order, as --merge does: the order matters to the
  // rules of --hunt only (the three logs overlap in time), the sections count the same either way.
  for (const std::string& options :
       {std::string("-o json"), std::string("-o json --by actor_username,action"),
        std::string("-o json --since 2025-11-20T10:15:31Z --actor bob"),
        std::string("-o json --hunt --merge"), std::string("-o json --by client.address,related"),
        std::string("-o json --until 2025-11-20T10:15:32Z --outcome denied")}) {
    INFO("report " << options);
    auto from_logs = run_trail("report " + options + logs, "", env);
    const std::string store_options =
        options.ends_with(" --merge") ? options.substr(0, options.size() - 8) : options;
    auto from_store =
        run_trail("report " + store_options + " --postgres " + shell_quote(conninfo), "", env);
    REQUIRE(from_logs.status == from_store.status);
    CHECK(report_sections(from_store.out) == report_sections(from_logs.out));
    CHECK(from_store.err.empty());
  }
  // The scope names the store and each source, never the connection string.
  auto text = run_trail("report -o json --postgres " + shell_quote(conninfo), "", env);
  simdjson::dom::parser parser;
  simdjson::dom::object scope = parser.parse(text.out)["scope"];
  CHECK(std::string_view(scope["store"]) == fmt::format("127.0.0.1:{}/report", cluster.port()));
  simdjson::dom::array inputs = scope["inputs"];
  CHECK(inputs.size() == kReplicas.size());
  CHECK(std::string_view(inputs.at(0)["name"]).starts_with("replica-1: "));
  CHECK(inputs.at(0)["bytes"].is_null());
  CHECK(simdjson::dom::object(parser.parse(text.out)["totals"])["unparsed_lines"].is_null());
}

TEST_CASE("two join --postgres at once on overlapping logs write each event once",
          "[cli][postgres][may-skip]") {
  testing::require_postgres();
  PostgresCluster cluster;
  const std::string conninfo = cluster.create_database("overlap");
  TempDir dir;
  // Each writer reads two of the three logs (and a big one twice, so their batches overlap in
  // time): every event is offered by both or by one, and must be stored once.
  const std::string a = testing::fixture_path("full-ansi-compose.log");
  const std::string b = testing::fixture_path("json-compose-real.log");
  const std::string c = testing::fixture_path("pretty-ansi-compose.log");
  const std::string big = dir.write(
      "big.log", testing::repeat_log(
                     testing::read_file(testing::fixture_path("full-plain-compose.log")), 4 << 20));
  std::uint64_t expected = 0;
  for (const std::string& path : {a, b, c, big}) {
    TempDir sqlite;
    auto counted =
        run_trail("join --sqlite " + shell_quote(sqlite.file("x.db")) + " " + shell_quote(path));
    REQUIRE(counted.status == 0);
    testing::Query q(sqlite.file("x.db"));
    expected += std::stoull(q.rows("SELECT count(*) FROM events")[0][0]);
  }
  auto writer = [&](const std::string& inputs) {
    return std::thread([&, inputs] {
      auto result = run_trail("join --postgres " + shell_quote(conninfo) + " " + inputs);
      CHECK(result.status == 0);
      CHECK(result.err.find("deadlock") == std::string::npos);
    });
  };
  std::thread first = writer(shell_quote(big) + " " + shell_quote(a) + " " + shell_quote(b));
  std::thread second = writer(shell_quote(big) + " " + shell_quote(b) + " " + shell_quote(c));
  first.join();
  second.join();
  CHECK(count_of(cluster, "overlap", "SELECT count(*) FROM pkgly_trail.events") == expected);
  CHECK(count_of(cluster, "overlap", "SELECT count(DISTINCT event_key) FROM pkgly_trail.events") ==
        expected);
  // Each stored event has its access row once (none twice from the two writers).
  CHECK(count_of(cluster, "overlap",
                 "SELECT count(*) FROM (SELECT event_id FROM pkgly_trail.access GROUP BY event_id "
                 "HAVING count(*) > 1) twice") == 0);
}

TEST_CASE("join -f --postgres across a server restart loses and doubles nothing",
          "[cli][postgres][may-skip]") {
  testing::require_postgres();
  PostgresCluster cluster;
  const std::string conninfo = cluster.create_database("restart");
  TempDir dir;
  const std::string log = dir.file("pkgly.log");
  const std::vector<std::string> lines =
      testing::read_lines(testing::fixture_path("full-ansi-compose.log"));
  std::ofstream out(log);
  auto append = [&](std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to && i < lines.size(); ++i) out << lines[i] << '\n';
    out.flush();
  };
  const std::size_t third = lines.size() / 3;
  append(0, third);
  testing::LiveTrail trail({"join", "-f", "--postgres", conninfo, log},
                           testing::LiveSetup{}.no_input().err_to(dir.file("err")));
  // 0 until join has made the tables.
  auto stored = [&]() -> std::uint64_t {
    try {
      return count_of(cluster, "restart", "SELECT count(*) FROM pkgly_trail.events");
    } catch (const std::runtime_error&) {
      return 0;
    }
  };
  auto wait_until = [&](auto done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!done() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    return done();
  };
  REQUIRE(wait_until([&] { return stored() > 0; }));
  cluster.stop();
  append(third, 2 * third);
  // The writer notices (its batch fails) and says so, then keeps reading.
  REQUIRE(wait_until(
      [&] { return testing::read_file(dir.file("err")).find("retrying") != std::string::npos; }));
  cluster.start();
  append(2 * third, lines.size());
  TempDir sqlite;
  REQUIRE(run_trail("join --sqlite " + shell_quote(sqlite.file("x.db")) + " " +
                    shell_quote(testing::fixture_path("full-ansi-compose.log")))
              .status == 0);
  const std::uint64_t expected =
      std::stoull(testing::Query(sqlite.file("x.db")).rows("SELECT count(*) FROM events")[0][0]);
  CHECK(wait_until([&] { return stored() == expected; }));
  trail.signal(SIGINT);
  CHECK(trail.wait() == 130);
  const std::string err = testing::read_file(dir.file("err"));
  INFO(err);
  CHECK(err.find("takes batches again after") != std::string::npos);
  CHECK(stored() == expected);
  CHECK(count_of(cluster, "restart", "SELECT count(DISTINCT event_key) FROM pkgly_trail.events") ==
        expected);
  CHECK(count_of(cluster, "restart", "SELECT count(*) FROM pkgly_trail.access") ==
        count_of(cluster, "restart", "SELECT count(DISTINCT event_id) FROM pkgly_trail.access"));
}

TEST_CASE("three join -f --postgres over three replicas across a server restart fill one store",
          "[cli][postgres][may-skip]") {
  testing::require_postgres();
  PostgresCluster cluster;
  const std::string conninfo = cluster.create_database("replicas");
  TempDir dir;
  // Three replicas' logs, written while three agents follow them.
  struct Replica {
    std::vector<std::string> lines;
    std::string path;
    std::unique_ptr<std::ofstream> out;
    std::unique_ptr<testing::LiveTrail> agent;
  };
  std::vector<Replica> replicas(kReplicas.size());
  std::string logs;
  for (std::size_t i = 0; i < kReplicas.size(); ++i) {
    Replica& r = replicas[i];
    r.lines = testing::read_lines(testing::fixture_path(kReplicas[i] + ".log"));
    r.path = dir.file(fmt::format("replica-{}.log", i + 1));
    r.out = std::make_unique<std::ofstream>(r.path);
    logs += " " + shell_quote(testing::fixture_path(kReplicas[i] + ".log"));
    r.agent = std::make_unique<testing::LiveTrail>(
        std::vector<std::string>{"join", "-f", "--postgres", conninfo, "--source-label",
                                 fmt::format("replica-{}", i + 1), r.path},
        testing::LiveSetup{}.no_input().err_to(dir.file(fmt::format("err-{}", i + 1))));
  }
  auto write_part = [&](std::size_t part) {  // each log in thirds
    for (Replica& r : replicas) {
      const std::size_t from = r.lines.size() * part / 3, to = r.lines.size() * (part + 1) / 3;
      for (std::size_t i = from; i < to; ++i) *r.out << r.lines[i] << '\n';
      r.out->flush();
    }
  };
  auto stored = [&]() -> std::uint64_t {
    try {
      return count_of(cluster, "replicas", "SELECT count(*) FROM pkgly_trail.events");
    } catch (const std::runtime_error&) {
      return 0;
    }
  };
  auto wait_until = [&](auto done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!done() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    return done();
  };
  auto labels_stored = [&]() -> std::uint64_t {
    try {
      return count_of(cluster, "replicas",
                      "SELECT count(DISTINCT source_label) FROM pkgly_trail.events");
    } catch (const std::runtime_error&) {
      return 0;
    }
  };
  auto said = [&] {
    std::string all;
    for (std::size_t i = 1; i <= kReplicas.size(); ++i)
      all += testing::read_file(dir.file(fmt::format("err-{}", i)));
    return all;
  };
  write_part(0);
  // Every agent past its start (a server gone during the start ends an agent: exit 2, as
  // documented), so the restart comes in the middle of the stream of each.
  REQUIRE(wait_until([&] { return labels_stored() == kReplicas.size(); }));
  cluster.restart();  // in the middle: the agents hold what they read until it is back
  write_part(1);
  cluster.stop();
  std::this_thread::sleep_for(std::chrono::seconds(2));
  cluster.start();
  write_part(2);
  // What the three logs hold, counted by the SQLite store of each.
  std::uint64_t expected = 0;
  for (const std::string& name : kReplicas) {
    TempDir sqlite;
    REQUIRE(run_trail("join --sqlite " + shell_quote(sqlite.file("x.db")) + " " +
                      shell_quote(testing::fixture_path(name + ".log")))
                .status == 0);
    expected +=
        std::stoull(testing::Query(sqlite.file("x.db")).rows("SELECT count(*) FROM events")[0][0]);
  }
  CHECK(wait_until([&] { return stored() == expected; }));
  for (Replica& r : replicas) {
    r.agent->signal(SIGINT);
    CHECK(r.agent->wait() == 130);
  }
  INFO(said());
  CHECK(stored() == expected);
  CHECK(count_of(cluster, "replicas", "SELECT count(DISTINCT event_key) FROM pkgly_trail.events") ==
        expected);
  CHECK(count_of(cluster, "replicas",
                 "SELECT count(DISTINCT source_label) FROM pkgly_trail.events") == 3);
  // The report over the store is the report over the logs (their concatenation).
  const std::string env = "SOURCE_DATE_EPOCH=1700000000";
  auto from_logs = run_trail("report -o json" + logs, "", env);
  auto from_store = run_trail("report -o json --postgres " + shell_quote(conninfo), "", env);
  REQUIRE(from_store.status == 0);
  CHECK(report_sections(from_store.out) == report_sections(from_logs.out));
}

TEST_CASE("the postgres options and db refuse what does not go with them", "[cli][postgres]") {
  const std::string log = shell_quote(testing::fixture_path("full-ansi-compose.log"));
  for (const auto& [args, said] : std::vector<std::pair<std::string, std::string>>{
           {"join --postgres x --sqlite y.db " + log, "one store per run"},
           {"join --postgres x -o json " + log, "drop -o"},
           {"join --postgres x --fields action " + log, "drop --fields"},
           {"join --source-label a " + log, "add --postgres CONNINFO"},
           {"hunt --postgres x -o json " + log, "drop -o"},
           {"report --postgres x " + log, "give no log file"},
           {"report --postgres x --service pkgly", "compose service"},
           {"db prune x", "needs --before"},
           {"db migrate --before 1d x", "db migrate removes nothing"},
           {"db prone x", "did you mean prune?"},
           {"db prune --before yesterday-ish x", "--before 'yesterday-ish'"}}) {
    INFO(args);
    auto result = run_trail(args);
    CHECK(result.status == 2);
    CHECK(result.err.find(said) != std::string::npos);
  }
}

TEST_CASE("join --postgres keeps events a request id does not tell apart",
          "[cli][postgres][may-skip]") {
  testing::require_postgres();
  PostgresCluster cluster;
  const std::string conninfo = cluster.create_database("apart");
  TempDir dir;
  // Two replicas logging the same compact session: their audit records are the same to the
  // microsecond (compact writes no request id on them), their requests are not (the access
  // records' request ids differ).
  const std::string compact = testing::read_file(testing::fixture_path("compact-pkgly-ansi.log"));
  const std::string a = dir.write("a.log", compact);
  const std::string b = dir.write("b.log", testing::repeat_log(compact, compact.size()));
  // Forged copies of one event, each marked suspect: the log report counts each.
  const std::string forged = testing::fixture_path("attack-url-json-escaped-target.log.gz");
  for (const auto& [label, path] : std::vector<std::pair<std::string, std::string>>{
           {"replica-a", a}, {"replica-b", b}, {"replica-a", forged}, {"replica-a", a}})
    REQUIRE(run_trail(fmt::format("join --postgres {} --source-label {} {}", shell_quote(conninfo),
                                  label, shell_quote(path)))
                .status == 0);
  const std::string env = "SOURCE_DATE_EPOCH=1700000000";
  auto from_logs = run_trail(
      "report -o json --merge " + shell_quote(a) + " " + shell_quote(b) + " " + shell_quote(forged),
      "", env);
  auto from_store = run_trail("report -o json --postgres " + shell_quote(conninfo), "", env);
  REQUIRE(from_store.status == 0);
  CHECK(report_sections(from_store.out) == report_sections(from_logs.out));
  simdjson::dom::parser parser;
  simdjson::dom::object totals = parser.parse(from_logs.out)["totals"];
  const std::uint64_t events = std::uint64_t(totals["events"]);
  CHECK(std::uint64_t(totals["suspect_events"]) > 1);
  CHECK(count_of(cluster, "apart", "SELECT count(*) FROM pkgly_trail.events") == events);
}

TEST_CASE("join --postgres refuses a schema it did not make or of another version",
          "[cli][postgres][may-skip]") {
  testing::require_postgres();
  PostgresCluster cluster;
  const std::string log = shell_quote(testing::fixture_path("full-ansi-compose.log"));
  SECTION("a schema pkgly_trail of someone else") {
    const std::string conninfo = cluster.create_database("foreign");
    cluster.query("foreign", "CREATE SCHEMA pkgly_trail; CREATE TABLE pkgly_trail.events (x int)");
    auto result = run_trail("join --postgres " + shell_quote(conninfo) + " " + log);
    CHECK(result.status == 2);
    CHECK(result.err.find("was not made by pkgly-trail") != std::string::npos);
    CHECK(run_trail("db migrate " + shell_quote(conninfo)).status == 2);
    CHECK(cluster.query("foreign", "SELECT count(*) FROM pkgly_trail.events") == "0");
  }
  SECTION("a newer version") {
    const std::string conninfo = cluster.create_database("newer");
    REQUIRE(run_trail("db migrate " + shell_quote(conninfo)).status == 0);
    cluster.query("newer", "UPDATE pkgly_trail.schema_version SET version = 99");
    auto result = run_trail("join --postgres " + shell_quote(conninfo) + " " + log);
    CHECK(result.status == 2);
    CHECK(result.err.find("schema version 99, newer than") != std::string::npos);
    auto report = run_trail("report --postgres " + shell_quote(conninfo));
    CHECK(report.status == 2);
    CHECK(cluster.query("newer", "SELECT count(*) FROM pkgly_trail.events") == "0");
  }
  SECTION("an older version asks for db migrate") {
    const std::string conninfo = cluster.create_database("older");
    REQUIRE(run_trail("db migrate " + shell_quote(conninfo)).status == 0);
    // No version before 1 was ever released: 0 stands for one.
    cluster.query("older", "UPDATE pkgly_trail.schema_version SET version = 0");
    auto result = run_trail("join --postgres " + shell_quote(conninfo) + " " + log);
    CHECK(result.status == 2);
    CHECK(result.err.find("pkgly-trail db migrate") != std::string::npos);
  }
  SECTION("a server that cannot be reached is exit 2 at once, naming no password") {
    auto result = run_trail(fmt::format(
        "join --postgres 'host=127.0.0.1 port={} user=postgres password=s3cret dbname=x "
        "connect_timeout=2' {}",
        cluster.port() == 1 ? 2 : 1, log));
    CHECK(result.status == 2);
    CHECK(result.err.find("cannot connect to PostgreSQL at 127.0.0.1:") != std::string::npos);
    CHECK(result.err.find("s3cret") == std::string::npos);
  }
}

TEST_CASE("join --postgres with sslmode=verify-full takes the right server only",
          "[cli][postgres][may-skip]") {
  testing::require_postgres();
  if (!testing::have_program("openssl")) testing::skip("openssl is not installed");
  PostgresCluster cluster;
  cluster.create_database("tls");
  TempDir dir;
  // A CA, a server certificate it signs for 127.0.0.1, and a CA that signed nothing.
  const std::string d = shell_quote(dir.file(""));
  const std::string data = cluster.data_dir();
  const std::string make = fmt::format(
      "cd {0} && openssl req -new -x509 -days 2 -nodes -subj /CN=ca -keyout ca.key -out ca.pem && "
      "openssl req -new -x509 -days 2 -nodes -subj /CN=other -keyout other.key -out other.pem && "
      "openssl req -new -nodes -subj /CN=localhost -keyout server.key -out server.csr && "
      "printf 'subjectAltName=IP:127.0.0.1\\n' > ext.cnf && "
      "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 "
      "-extfile ext.cnf -out server.pem && cp server.pem server.key {1}/ && chmod 600 "
      "{1}/server.key && {{ [ $(id -u) != 0 ] || chown postgres {1}/server.pem {1}/server.key; }}",
      d, shell_quote(data));
  REQUIRE(std::system(("(" + make + ") >/dev/null 2>&1").c_str()) == 0);
  cluster.query("postgres", "ALTER SYSTEM SET ssl = on");
  cluster.query("postgres", "ALTER SYSTEM SET ssl_cert_file = 'server.pem'");
  cluster.query("postgres", "ALTER SYSTEM SET ssl_key_file = 'server.key'");
  cluster.restart();
  const std::string log = shell_quote(testing::fixture_path("full-ansi-compose.log"));
  auto with_ca = [&](const std::string& ca) {
    return run_trail(
        "join --postgres " +
        shell_quote(cluster.conninfo("tls") + " sslmode=verify-full sslrootcert=" + dir.file(ca)) +
        " " + log);
  };
  auto trusted = with_ca("ca.pem");
  CHECK(trusted.status == 0);
  CHECK(trusted.err.find("115 audit events written to 127.0.0.1:") != std::string::npos);
  auto other = with_ca("other.pem");
  CHECK(other.status == 2);
  CHECK(other.err.find("certificate verify failed") != std::string::npos);
  CHECK(cluster.query("tls", "SELECT count(*) FROM pkgly_trail.events") == "115");
}

TEST_CASE("join --postgres stores hostile values as logged", "[cli][postgres][may-skip]") {
  testing::require_postgres();
  PostgresCluster cluster;
  const std::string conninfo = cluster.create_database("hostile");
  // A json log line of Pkgly whose actor_username holds what an attacker may send:
  // tab, newline, backslash, quotes, NUL, invalid UTF-8, a COPY end marker, SQL.
  // The lines before it come too: its access record, so the event is not suspect.
  std::string line, before;
  for (const std::string& l : testing::read_lines(testing::fixture_path("json-plain-zero.log"))) {
    if (l.find("pkgly::audit") != std::string::npos) {
      line = l;
      break;
    }
    before += l + "\n";
  }
  REQUIRE(!line.empty());
  const std::string hostile =
      R"(a\tb\nc\\d\"e'; DROP TABLE pkgly_trail.events; --\n\\.\n\u0000z\u00e9\u001b[31m\u0007)";
  auto replace = [&](const std::string& key, const std::string& value) {
    const std::size_t at = line.find("\"" + key + "\":\"");
    REQUIRE(at != std::string::npos);
    const std::size_t start = at + key.size() + 4;
    line.replace(start, line.find('"', start) - start, value);
  };
  replace("actor_username", hostile);
  TempDir dir;
  const std::string log = dir.write("hostile.log", before + line + "\n" + "\xff\xfe not json\n");
  auto result = run_trail("join --postgres " + shell_quote(conninfo) + " " + shell_quote(log));
  REQUIRE(result.status == 0);
  const std::vector<std::string> rows = events_as_json(cluster, "hostile");
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].find("\"suspect\"") == std::string::npos);
  simdjson::dom::parser parser;
  simdjson::dom::object event = parser.parse(rows[0])["event"];
  // As logged, but NUL, which no PostgreSQL text holds, is U+FFFD (docs/postgres.md).
  const std::string want =
      "a\tb\nc\\d\"e'; DROP TABLE pkgly_trail.events; --\n\\.\n\xEF\xBF\xBDz\xC3\xA9\x1b[31m\x07";
  CHECK(std::string_view(event["actor_username"]) == want);
  CHECK(std::string_view(event["record_json"]["fields"]["actor_username"]) == want);
  // The key is that of the log's own JSON (\u0000 and all), the one --sqlite stores.
  TempDir sqlite;
  REQUIRE(run_trail("join --sqlite " + shell_quote(sqlite.file("x.db")) + " " + shell_quote(log))
              .status == 0);
  CHECK(std::string_view(event["event_key"]) ==
        testing::Query(sqlite.file("x.db")).rows("SELECT event_key FROM events")[0][0]);
}

TEST_CASE("db migrate creates the store once and db prune removes the months before a day",
          "[cli][postgres][may-skip]") {
  testing::require_postgres();
  PostgresCluster cluster;
  const std::string conninfo = cluster.create_database("prune");
  auto created = run_trail("db migrate " + shell_quote(conninfo));
  REQUIRE(created.status == 0);
  CHECK(created.err.find("created the store (schema pkgly_trail, version 1)") != std::string::npos);
  auto again = run_trail("db migrate " + shell_quote(conninfo));
  REQUIRE(again.status == 0);
  CHECK(again.err.find("version 1 already: nothing to do") != std::string::npos);
  // The same log as three months of 2025 (September, October, November), and one event with a
  // far-future date that gets no month of its own.
  TempDir dir;
  const std::string log = testing::read_file(testing::fixture_path("json-compose-real.log"));
  auto moved = [&](const std::string& day) {
    std::string text = log;
    for (std::size_t at = 0; (at = text.find("2025-11-20T", at)) != std::string::npos; at += 11)
      text.replace(at, 10, day);
    return text;
  };
  const std::string months = dir.write("months.log", moved("2025-09-03") + moved("2025-10-20") +
                                                         moved("2025-11-20") + moved("2099-01-01"));
  REQUIRE(
      run_trail("join --postgres " + shell_quote(conninfo) + " " + shell_quote(months)).status ==
      0);
  const std::uint64_t per_month =
      count_of(cluster, "prune", "SELECT count(*) FROM pkgly_trail.events_2025_09");
  REQUIRE(per_month > 0);
  CHECK(count_of(cluster, "prune", "SELECT count(*) FROM pkgly_trail.events_2025_10") == per_month);
  CHECK(count_of(cluster, "prune", "SELECT count(*) FROM pkgly_trail.events_other") == per_month);
  // The month made later takes its events out of events_other, keys and all.
  cluster.query("prune", "SELECT pkgly_trail.add_month('2099-01-01')");
  CHECK(count_of(cluster, "prune", "SELECT count(*) FROM pkgly_trail.events_2099_01") == per_month);
  CHECK(count_of(cluster, "prune", "SELECT count(*) FROM pkgly_trail.events_other") == 0);
  REQUIRE(
      run_trail("join --postgres " + shell_quote(conninfo) + " " + shell_quote(months)).status ==
      0);
  CHECK(count_of(cluster, "prune", "SELECT count(*) FROM pkgly_trail.events") == 4 * per_month);

  auto pruned = run_trail("db prune --before 2025-10-20T10:15:31Z " + shell_quote(conninfo));
  REQUIRE(pruned.status == 0);
  CHECK(pruned.err.find("(1 whole month(s) dropped)") != std::string::npos);
  CHECK(count_of(cluster, "prune",
                 "SELECT count(*) FROM pg_class WHERE relname = 'events_2025_09'") == 0);
  const std::uint64_t october_left =
      count_of(cluster, "prune", "SELECT count(*) FROM pkgly_trail.events_2025_10");
  CHECK(october_left > 0);
  CHECK(october_left < per_month);
  CHECK(count_of(cluster, "prune",
                 "SELECT count(*) FROM pkgly_trail.events WHERE time < '2025-10-20T10:15:31Z'") ==
        0);
  CHECK(pruned.err.find(fmt::format("removed {} audit event(s)", 2 * per_month - october_left)) !=
        std::string::npos);
  // Access and related rows went with their events.
  CHECK(count_of(cluster, "prune",
                 "SELECT count(*) FROM pkgly_trail.access a WHERE NOT EXISTS (SELECT 1 FROM "
                 "pkgly_trail.events e WHERE e.id = a.event_id)") == 0);
  CHECK(count_of(cluster, "prune",
                 "SELECT count(*) FROM pkgly_trail.related r WHERE NOT EXISTS (SELECT 1 FROM "
                 "pkgly_trail.events e WHERE e.id = r.event_id)") == 0);
}

TEST_CASE("hunt --postgres writes each alert of hunt -o json once", "[cli][postgres][may-skip]") {
  testing::require_postgres();
  PostgresCluster cluster;
  const std::string conninfo = cluster.create_database("alerts");
  const std::string log = shell_quote(testing::fixture_path("full-ansi-compose.log"));
  auto printed = run_trail("hunt -o json " + log);
  REQUIRE(printed.status == 0);
  const std::vector<std::string> lines = testing::lines_of(printed.out);
  REQUIRE(lines.size() > 5);
  auto wrote = run_trail("hunt --postgres " + shell_quote(conninfo) + " --source-label a " + log);
  REQUIRE(wrote.status == 0);
  CHECK(wrote.out.empty());
  CHECK(wrote.err.find(fmt::format("{} alert(s) written to", lines.size())) != std::string::npos);
  // Each printed alert is a row whose alert_json is that alert (jsonb keeps no key order).
  const std::vector<std::string> rows = testing::lines_of(cluster.query(
      "alerts",
      "SELECT json_build_object('row', to_jsonb(a)) FROM pkgly_trail.alerts a ORDER BY id"));
  REQUIRE(rows.size() == lines.size());
  std::multiset<std::string> printed_alerts, stored_alerts;
  simdjson::dom::parser parser;
  for (const std::string& line : lines) printed_alerts.insert(simdjson::minify(parser.parse(line)));
  std::set<std::string> keys;
  for (const std::string& text : rows) {
    simdjson::dom::parser row_parser;
    simdjson::dom::object row = row_parser.parse(text)["row"];
    simdjson::dom::element alert = row["alert_json"];
    CHECK(keys.insert(std::string(std::string_view(row["alert_key"]))).second);
    CHECK(std::string_view(row["rule_title"]) == std::string_view(alert["rule"]["title"]));
    CHECK(std::string_view(row["kind"]) == std::string_view(alert["kind"]));
    CHECK(std::int64_t(row["count"]) == std::int64_t(alert["count"]));
    CHECK(std::string_view(row["source_label"]) == "a");
    // The printed line whose members are these, in the printed order.
    for (const std::string& line : lines) {
      simdjson::dom::parser line_parser;
      simdjson::dom::element printed_alert = line_parser.parse(line);
      if (testing::json_diff(printed_alert, alert, "alert") == "") {
        stored_alerts.insert(simdjson::minify(printed_alert));
        break;
      }
    }
  }
  CHECK(stored_alerts == printed_alerts);
  auto again = run_trail("hunt --postgres " + shell_quote(conninfo) + " " + log);
  REQUIRE(again.status == 0);
  CHECK(again.err.find(fmt::format("0 alert(s) written to")) != std::string::npos);
  CHECK(count_of(cluster, "alerts", "SELECT count(*) FROM pkgly_trail.alerts") == lines.size());
  CHECK(run_trail("hunt --postgres " + shell_quote(conninfo) + " -o json " + log).status == 2);
}

}  // namespace
}  // namespace pkgly_trail
