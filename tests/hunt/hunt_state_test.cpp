// `hunt --state FILE`: the addresses of each actor across runs (new, seen, forgotten after 90
// days of event time, evicted beyond the cap), hostile bytes kept exactly, correlation windows
// round-tripped, and every file that is not a hunt state file refused and left as it was.
#include "pkgly_trail/hunt/hunt_state.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>
#include <string>

#include "pkgly_trail/sink/sqlite_sink.hpp"
#include "support/sqlite_query.hpp"

namespace pkgly_trail::hunt {
namespace {

constexpr std::int64_t kDay = std::int64_t{86'400} * 1'000'000;
// 2025-11-20T00:00:00Z.
constexpr std::int64_t kMonday = std::int64_t{1'763'596'800} * 1'000'000;

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A new SQLite database at `path`, made by `sql`.
void make_database(const std::string& path, const std::string& sql) {
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                          nullptr) == SQLITE_OK);
  const int rc = sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, nullptr);
  sqlite3_close_v2(raw);
  REQUIRE(rc == SQLITE_OK);
}

// What opening `path` as a state file says, "" when it opens.
std::string open_error(const std::string& path) {
  try {
    HuntState state(path);
  } catch (const HuntStateError& e) {
    return e.what();
  }
  return "";
}

// Opening `path` fails with a message that names it, says `expected` and what to do, and the
// file is left as it was.
void check_refused(const std::string& path, const std::string& expected) {
  const std::string before = file_bytes(path);
  const std::string error = open_error(path);
  INFO(error);
  CHECK(error.find(path) != std::string::npos);
  CHECK(error.find(expected) != std::string::npos);
  CHECK(error.find("--state") != std::string::npos);
  CHECK(file_bytes(path) == before);
}

}  // namespace

TEST_CASE("a state file remembers the addresses of each actor for the next run", "[hunt]") {
  testing::TempDir dir;
  const std::string path = dir.file("hunt.state");
  {
    HuntState state(path);
    CHECK(state.path() == path);
    CHECK_FALSE(state.address_is_new("alice", "192.0.2.1", kMonday));  // alice's first sight
    CHECK_FALSE(state.address_is_new("alice", "192.0.2.1", kMonday + 1));
    CHECK(state.address_is_new("alice", "192.0.2.2", kMonday + 2));
    CHECK_FALSE(state.address_is_new("bob", "192.0.2.1", kMonday + 3));  // per actor
    CHECK(state.stats().addresses_held == 3);
    state.save();
  }
  {
    testing::Query query(path);
    CHECK(query.value("PRAGMA application_id") == std::to_string(kHuntStateApplicationId));
    CHECK(query.value("PRAGMA user_version") == std::to_string(kHuntStateSchemaVersion));
    CHECK(query.rows("SELECT CAST(actor AS TEXT), CAST(address AS TEXT), "
                     "last_seen_us - first_seen_us FROM actor_addresses ORDER BY actor, address") ==
          std::vector<std::vector<std::string>>{
              {"alice", "192.0.2.1", "1"}, {"alice", "192.0.2.2", "0"}, {"bob", "192.0.2.1", "0"}});
  }
  {
    HuntState state(path);
    CHECK(state.stats().addresses_loaded == 3);
    CHECK_FALSE(state.address_is_new("alice", "192.0.2.1", kMonday + kDay));
    CHECK(state.address_is_new("alice", "198.51.100.7", kMonday + kDay));
    CHECK(state.address_is_new("bob", "198.51.100.7", kMonday + kDay));  // bob is known too
    CHECK_FALSE(state.address_is_new("carol", "198.51.100.7", kMonday + kDay));
    state.save();
  }
  testing::Query query(path);
  CHECK(query.value("SELECT count(*) FROM actor_addresses") == "6");
  // The pair seen again keeps its first time and moves its last.
  CHECK(
      query.value("SELECT first_seen_us || ' ' || last_seen_us FROM actor_addresses "
                  "WHERE actor = CAST('alice' AS BLOB) AND address = CAST('192.0.2.1' AS BLOB)") ==
      std::to_string(kMonday) + " " + std::to_string(kMonday + kDay));
}

TEST_CASE("an address unseen for ninety days of event time is new again", "[hunt]") {
  testing::TempDir dir;
  const std::string path = dir.file("hunt.state");
  {
    HuntState state(path);
    CHECK_FALSE(state.address_is_new("alice", "192.0.2.1", kMonday));
    CHECK(state.address_is_new("alice", "192.0.2.2", kMonday + 80 * kDay));
    state.save();
  }
  {
    HuntState state(path);
    CHECK_FALSE(state.address_is_new("alice", "192.0.2.1", kMonday + 90 * kDay));  // exactly 90
    state.save();
  }
  {
    HuntState state(path);
    // 192.0.2.1 was last seen at day 90, exactly 90 days before; 192.0.2.2 at day 80, 100.
    CHECK_FALSE(state.address_is_new("alice", "192.0.2.1", kMonday + 180 * kDay));
    CHECK(state.stats().addresses_forgotten == 1);
    CHECK(state.stats().addresses_held == 1);
    state.save();
  }
  {
    testing::Query query(path);
    CHECK(query.value("SELECT count(*) FROM actor_addresses") == "1");  // the forgotten deleted
  }
  HuntState state(path);
  CHECK(state.address_is_new("alice", "192.0.2.2", kMonday + 181 * kDay));
}

TEST_CASE("an actor whose every address is forgotten is seen for the first time again", "[hunt]") {
  HuntStateLimits limits;
  limits.forget_after_us = 10 * kDay;
  HuntState state(limits);
  CHECK_FALSE(state.address_is_new("alice", "a", kMonday));
  CHECK(state.address_is_new("alice", "b", kMonday + 8 * kDay));
  CHECK(state.address_is_new("alice", "a", kMonday + 15 * kDay));  // a forgotten, b remembered
  CHECK(state.stats().addresses_forgotten == 1);
  CHECK_FALSE(state.address_is_new("alice", "c", kMonday + 40 * kDay));
  CHECK(state.stats().addresses_forgotten == 3);
  CHECK(state.stats().addresses_held == 1);
}

TEST_CASE("max_addresses forgets the least recently seen pair", "[hunt]") {
  testing::TempDir dir;
  const std::string path = dir.file("hunt.state");
  HuntStateLimits limits;
  limits.max_addresses = 2;
  {
    HuntState state(path, limits);
    state.address_is_new("alice", "a", kMonday);
    state.address_is_new("bob", "b", kMonday + 1);
    state.save();
  }
  {
    HuntState state(path, limits);
    CHECK_FALSE(state.address_is_new("alice", "a", kMonday + 2));  // bob's is now the oldest
    CHECK_FALSE(state.address_is_new("carol", "c", kMonday + 3));  // evicts bob's
    CHECK(state.stats().addresses_evicted == 1);
    CHECK(state.stats().addresses_held == 2);
    CHECK_FALSE(state.address_is_new("alice", "a", kMonday + 4));
    state.save();
  }
  testing::Query query(path);
  CHECK(query.rows("SELECT CAST(actor AS TEXT) FROM actor_addresses ORDER BY actor") ==
        std::vector<std::vector<std::string>>{{"alice"}, {"carol"}});
}

TEST_CASE("actor and address bytes are kept exactly and never run together", "[hunt]") {
  using namespace std::string_literals;
  testing::TempDir dir;
  const std::string path = dir.file("hunt.state");
  const std::string hostile_actor = "ev\0il\n\xff\xfe"s;
  const std::string huge_address(1 << 20, '\0');
  {
    HuntState state(path);
    // With a separator instead of lengths, these three pairs would be one.
    state.address_is_new("a\0b"s, "c", kMonday);
    state.address_is_new("a", "\0bc"s, kMonday);
    state.address_is_new("a\0", "bc"s, kMonday);
    state.address_is_new(hostile_actor, huge_address, kMonday);
    state.address_is_new("", "", kMonday);
    CHECK(state.stats().addresses_held == 5);
    state.save();
  }
  HuntState state(path);
  CHECK(state.stats().addresses_loaded == 5);
  CHECK_FALSE(state.address_is_new("a\0b"s, "c", kMonday + 1));
  CHECK_FALSE(state.address_is_new("a", "\0bc"s, kMonday + 1));
  CHECK_FALSE(state.address_is_new("a\0", "bc"s, kMonday + 1));
  CHECK_FALSE(state.address_is_new(hostile_actor, huge_address, kMonday + 1));
  CHECK_FALSE(state.address_is_new("", "", kMonday + 1));
  CHECK(state.stats().addresses_held == 5);
  CHECK(state.address_is_new(hostile_actor, huge_address.substr(1), kMonday + 1));
  CHECK(state.address_is_new("a\0b"s, "\0c"s, kMonday + 1));
}

TEST_CASE("correlation windows round trip through the state file", "[hunt]") {
  using namespace std::string_literals;
  testing::TempDir dir;
  const std::string path = dir.file("hunt.state");
  const std::vector<SavedWindow> windows{
      {"id:0e95725d", "type=event_count\n", "\0\0\0"s, "\x01\xff"s},
      {"title:Brute force", "definition", "", ""},
  };
  {
    HuntState state(path);
    CHECK(state.windows().empty());
    state.set_windows(windows);
    state.save();
  }
  {
    HuntState state(path);
    CHECK(state.windows() == windows);
    state.set_windows({windows[1]});  // a run replaces them all
    state.save();
  }
  HuntState state(path);
  CHECK(state.windows() == std::vector<SavedWindow>{windows[1]});
}

TEST_CASE("a memory-only state answers alike and writes nothing", "[hunt]") {
  HuntState state;
  CHECK(state.path().empty());
  CHECK_FALSE(state.address_is_new("alice", "192.0.2.1", kMonday));
  CHECK(state.address_is_new("alice", "192.0.2.2", kMonday));
  CHECK_FALSE(state.address_is_new("alice", "192.0.2.1", kMonday));
  state.set_windows({SavedWindow{"id:x", "d", "k", "s"}});
  state.save();
  CHECK(state.windows().size() == 1);
}

TEST_CASE("an empty file becomes a state file", "[hunt]") {
  testing::TempDir dir;
  const std::string path = dir.write("empty.state", "");
  {
    HuntState state(path);
    state.address_is_new("alice", "a", kMonday);
    state.save();
  }
  testing::Query query(path);
  CHECK(query.value("SELECT count(*) FROM actor_addresses") == "1");
}

TEST_CASE("a file that is not a hunt state file is refused and left as it was", "[hunt]") {
  testing::TempDir dir;
  SECTION("not SQLite at all") {
    const std::string path = dir.write("notes.txt", std::string(4096, 'x') + "\nnot a database\n");
    check_refused(path, "is not a SQLite database");
  }
  SECTION("a damaged state file") {
    const std::string path = dir.file("damaged.state");
    {
      HuntState state(path);
      state.address_is_new("alice", "a", kMonday);
      state.save();
    }
    std::string bytes = file_bytes(path);
    REQUIRE(bytes.size() > 100);
    for (std::size_t i = 0; i < 16; ++i) bytes[i] = 'X';  // the header's magic string
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
    check_refused(path, "is not a SQLite database");
  }
  SECTION("someone else's SQLite database") {
    const std::string path = dir.file("other.db");
    make_database(path, "CREATE TABLE invoices(id INTEGER)");
    check_refused(path, "a SQLite database that pkgly-trail did not create");
  }
  SECTION("a join --sqlite database") {
    const std::string path = dir.file("join.db");
    make_database(path, fmt::format("PRAGMA application_id={}; CREATE TABLE events(id);",
                                    kSqliteApplicationId));
    check_refused(path, "is a `join --sqlite` database");
  }
  SECTION("a state file of another schema version") {
    const std::string path = dir.file("future.state");
    { HuntState state(path); }
    testing::Query(path).exec("PRAGMA user_version=2");
    check_refused(path, "schema version 2");
  }
}

TEST_CASE("a state file in a missing directory is an error that names it", "[hunt]") {
  testing::TempDir dir;
  const std::string path = dir.file("missing/hunt.state");
  const std::string error = open_error(path);
  CHECK(error.find("cannot open") != std::string::npos);
  CHECK(error.find(path) != std::string::npos);
}

}  // namespace pkgly_trail::hunt
