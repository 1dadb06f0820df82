// `hunt --state FILE` (hunt_state.hpp). The (actor, address) pairs live in memory in a list,
// least recently seen first, with a hash index on the pair: a lookup is O(1), forgetting the
// pairs unseen for forget_after_us and evicting beyond max_addresses look at the front only.
// The file is read whole at open and written at save() in one transaction: only the pairs
// seen during the run are written (upserted), and the pairs forgotten are deleted.
#include "pkgly_trail/hunt/hunt_state.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <list>
#include <optional>
#include <unordered_map>

#include "byte_codec.hpp"
#include "pkgly_trail/sink/sqlite_handles.hpp"
#include "pkgly_trail/sink/sqlite_sink.hpp"

namespace pkgly_trail::hunt {

namespace {

using Database = SqliteDatabase;
using Statement = SqliteStatement;

// Strings are BLOBs: actors, addresses and rule titles are kept byte for byte, whatever they
// hold (invalid UTF-8, NUL).
constexpr std::string_view kSchema = R"sql(
CREATE TABLE actor_addresses(
  actor BLOB NOT NULL,
  address BLOB NOT NULL,
  first_seen_us INTEGER NOT NULL,  -- event time, microseconds since the Unix epoch (UTC)
  last_seen_us INTEGER NOT NULL,
  PRIMARY KEY(actor, address)
) WITHOUT ROWID;
CREATE TABLE correlation_windows(
  seq INTEGER PRIMARY KEY,         -- the order the engine saved them in
  rule BLOB NOT NULL,              -- 'id:' || id, or 'title:' || title
  definition BLOB NOT NULL,        -- the correlation as it was defined when saved
  group_key BLOB NOT NULL,         -- the group-by values, each length-prefixed
  state BLOB NOT NULL              -- the window's content, the engine's encoding
);
)sql";

// Lets a map keyed by std::string be searched with a string_view, without a copy.
struct BytesHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view bytes) const noexcept {
    return std::hash<std::string_view>{}(bytes);
  }
};

struct Pair {
  std::string key;  // actor and address, each length-prefixed
  std::int64_t first_us = 0;
  std::int64_t last_us = 0;
  bool dirty = false;   // to write at save()
  bool stored = false;  // in the file
};
using PairList = std::list<Pair>;

// Clears `key` and writes the pair into it.
void make_pair_key(std::string_view actor, std::string_view address, std::string& key) {
  key.clear();
  ByteWriter writer(key);
  writer.bytes(actor);
  writer.bytes(address);
}

// now - then > span, without overflow (times in the file may be anything).
bool longer_ago(std::int64_t then, std::int64_t now, std::int64_t span) noexcept {
  std::int64_t elapsed = 0;
  if (__builtin_sub_overflow(now, then, &elapsed)) return now > then;
  return elapsed > span;
}

std::string_view blob(sqlite3_stmt* statement, int column) {
  const void* data = sqlite3_column_blob(statement, column);
  const int size = sqlite3_column_bytes(statement, column);
  return data == nullptr
             ? std::string_view()
             : std::string_view(static_cast<const char*>(data), static_cast<std::size_t>(size));
}

}  // namespace

struct HuntState::Store {
  std::string path;
  HuntStateLimits limits;
  Database db;
  PairList pairs;                                                  // least recently seen first
  std::unordered_map<std::string_view, PairList::iterator> index;  // keys point into pairs
  std::vector<std::string> deleted;  // keys of pairs in the file that were forgotten
  std::optional<std::int64_t> newest;
  std::vector<SavedWindow> windows;
  std::unordered_map<std::string, std::size_t, BytesHash, std::equal_to<>>
      actor_pairs;  // pairs held per actor

  std::string scratch;  // a pair's key, reused
  Stats stats;

  // --- SQLite ---------------------------------------------------------------------------------

  [[noreturn]] void fail(std::string_view doing) const {
    throw HuntStateError(fmt::format("{} hunt state file {}: {}", doing, path,
                                     db ? sqlite3_errmsg(db.get()) : "out of memory"));
  }
  void check(int rc, std::string_view doing) const {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) fail(doing);
  }
  void exec(const char* sql, std::string_view doing) {
    check(sqlite3_exec(db.get(), sql, nullptr, nullptr, nullptr), doing);
  }
  Statement prepare(std::string_view sql, std::string_view doing) {
    sqlite3_stmt* statement = nullptr;
    const int rc =
        sqlite3_prepare_v2(db.get(), sql.data(), static_cast<int>(sql.size()), &statement, nullptr);
    Statement owned(statement);
    check(rc, doing);
    return owned;
  }
  std::int64_t query_integer(const char* sql, std::string_view doing) {
    Statement statement = prepare(sql, doing);
    const int rc = sqlite3_step(statement.get());
    check(rc, doing);
    return rc == SQLITE_ROW ? sqlite3_column_int64(statement.get(), 0) : 0;
  }
  void bind_blob(sqlite3_stmt* statement, int index, std::string_view value,
                 std::string_view doing) {
    // A zero-length BLOB from a null pointer would be NULL, which NOT NULL refuses.
    check(sqlite3_bind_blob64(statement, index, value.empty() ? "" : value.data(), value.size(),
                              SQLITE_STATIC),
          doing);
  }
  void step(sqlite3_stmt* statement, std::string_view doing) {
    const int rc = sqlite3_step(statement);
    sqlite3_reset(statement);
    sqlite3_clear_bindings(statement);
    check(rc, doing);
  }

  void open() {
    if (path.empty()) throw HuntStateError("no hunt state file given (an empty file name)");
    sqlite3* raw = nullptr;
    const int rc =
        sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    db.reset(raw);
    if (rc != SQLITE_OK) fail("cannot open");
    // Two runs sharing a state file wait for each other's open and save.
    sqlite3_busy_timeout(db.get(), 10'000);
    try {
      check_or_create_schema();
      load();
      exec("COMMIT", "cannot read");
    } catch (...) {
      sqlite3_exec(db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }

  // Inside the transaction that would create the schema, so two runs starting on one new file
  // cannot both create it. Anything but an empty file or one of ours is refused untouched.
  void check_or_create_schema() {
    const int rc = sqlite3_exec(db.get(), "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT)
      throw HuntStateError(fmt::format(
          "cannot use {} as a hunt state file: it is not a SQLite database ({}); give --state a "
          "new file name (hunt creates it), or remove the file if it is a damaged state file",
          path, sqlite3_errmsg(db.get())));
    check(rc, "cannot use");
    const std::int64_t application_id = query_integer("PRAGMA application_id", "cannot use");
    const std::int64_t version = query_integer("PRAGMA user_version", "cannot use");
    const std::int64_t objects = query_integer("SELECT count(*) FROM sqlite_master", "cannot use");
    if (application_id == kHuntStateApplicationId && version == kHuntStateSchemaVersion) return;
    if (application_id == kHuntStateApplicationId)
      throw HuntStateError(fmt::format(
          "cannot use {}: it is a hunt state file of schema version {}, and this pkgly-trail "
          "reads version {}; give --state a new file name",
          path, version, kHuntStateSchemaVersion));
    if (application_id == kSqliteApplicationId)
      throw HuntStateError(fmt::format(
          "cannot use {} as a hunt state file: it is a `join --sqlite` database; give --state a "
          "file of its own",
          path));
    if (application_id != 0 || version != 0 || objects != 0)
      throw HuntStateError(fmt::format(
          "cannot use {} as a hunt state file: it is a SQLite database that pkgly-trail did not "
          "create (it holds {} tables and indexes); give --state a new file name",
          path, objects));
    exec(std::string(kSchema).c_str(), "cannot create the tables in");
    exec(fmt::format("PRAGMA application_id={}", kHuntStateApplicationId).c_str(), "cannot use");
    exec(fmt::format("PRAGMA user_version={}", kHuntStateSchemaVersion).c_str(), "cannot use");
  }

  void load() {
    Statement pairs_query = prepare(
        "SELECT actor, address, first_seen_us, last_seen_us FROM actor_addresses "
        "ORDER BY last_seen_us",
        "cannot read");
    int rc = 0;
    while ((rc = sqlite3_step(pairs_query.get())) == SQLITE_ROW) {
      make_pair_key(blob(pairs_query.get(), 0), blob(pairs_query.get(), 1), scratch);
      if (index.contains(scratch)) continue;
      const auto it = insert(scratch, sqlite3_column_int64(pairs_query.get(), 2),
                             sqlite3_column_int64(pairs_query.get(), 3));
      it->stored = true;
      ++stats.addresses_loaded;
      newest = std::max(newest.value_or(it->last_us), it->last_us);
    }
    check(rc, "cannot read");
    Statement windows_query =
        prepare("SELECT rule, definition, group_key, state FROM correlation_windows ORDER BY seq",
                "cannot read");
    while ((rc = sqlite3_step(windows_query.get())) == SQLITE_ROW) {
      windows.push_back(SavedWindow{
          std::string(blob(windows_query.get(), 0)), std::string(blob(windows_query.get(), 1)),
          std::string(blob(windows_query.get(), 2)), std::string(blob(windows_query.get(), 3))});
    }
    check(rc, "cannot read");
    if (newest) forget_older_than(*newest);
  }

  void save() {
    if (!db) return;
    try {
      exec("BEGIN IMMEDIATE", "cannot write");
      Statement remove =
          prepare("DELETE FROM actor_addresses WHERE actor=? AND address=?", "cannot write");
      for (const std::string& key : deleted) {
        ByteReader in(key);
        bind_blob(remove.get(), 1, in.bytes(), "cannot write");
        bind_blob(remove.get(), 2, in.bytes(), "cannot write");
        step(remove.get(), "cannot write");
      }
      Statement upsert = prepare(
          "INSERT INTO actor_addresses(actor, address, first_seen_us, last_seen_us) "
          "VALUES(?, ?, ?, ?) ON CONFLICT(actor, address) DO UPDATE SET "
          "first_seen_us=excluded.first_seen_us, "
          "last_seen_us=max(last_seen_us, excluded.last_seen_us)",
          "cannot write");
      for (const Pair& pair : pairs) {
        if (!pair.dirty) continue;
        ByteReader in(pair.key);
        bind_blob(upsert.get(), 1, in.bytes(), "cannot write");
        bind_blob(upsert.get(), 2, in.bytes(), "cannot write");
        check(sqlite3_bind_int64(upsert.get(), 3, pair.first_us), "cannot write");
        check(sqlite3_bind_int64(upsert.get(), 4, pair.last_us), "cannot write");
        step(upsert.get(), "cannot write");
      }
      exec("DELETE FROM correlation_windows", "cannot write");
      Statement insert_window = prepare(
          "INSERT INTO correlation_windows(seq, rule, definition, group_key, state) "
          "VALUES(?, ?, ?, ?, ?)",
          "cannot write");
      std::int64_t seq = 0;
      for (const SavedWindow& window : windows) {
        check(sqlite3_bind_int64(insert_window.get(), 1, ++seq), "cannot write");
        bind_blob(insert_window.get(), 2, window.rule, "cannot write");
        bind_blob(insert_window.get(), 3, window.definition, "cannot write");
        bind_blob(insert_window.get(), 4, window.group_key, "cannot write");
        bind_blob(insert_window.get(), 5, window.state, "cannot write");
        step(insert_window.get(), "cannot write");
      }
      exec("COMMIT", "cannot write");
    } catch (...) {
      sqlite3_exec(db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
    deleted.clear();
    for (Pair& pair : pairs) {
      if (pair.dirty) pair.stored = true;
      pair.dirty = false;
    }
  }

  // --- pairs ----------------------------------------------------------------------------------

  PairList::iterator insert(const std::string& key, std::int64_t first_us, std::int64_t last_us) {
    while (pairs.size() >= limits.max_addresses) {
      drop(pairs.begin());
      ++stats.addresses_evicted;
    }
    pairs.push_back(Pair{key, first_us, last_us, false, false});
    const auto it = std::prev(pairs.end());
    index.emplace(it->key, it);
    const std::string_view actor = actor_of(it->key);
    auto counted = actor_pairs.find(actor);
    if (counted == actor_pairs.end()) counted = actor_pairs.emplace(actor, 0).first;
    ++counted->second;
    return it;
  }

  void drop(PairList::iterator it) {
    if (it->stored) deleted.push_back(it->key);
    const auto actor = actor_pairs.find(actor_of(it->key));
    if (actor != actor_pairs.end() && --actor->second == 0) actor_pairs.erase(actor);
    index.erase(it->key);
    pairs.erase(it);
  }

  static std::string_view actor_of(std::string_view key) {
    ByteReader in(key);
    return in.bytes();
  }

  // Pairs of `actor` held besides the one of `key`, if held.
  bool actor_has_other_pairs(std::string_view actor, bool key_held) const {
    const auto found = actor_pairs.find(actor);
    const std::size_t held = found == actor_pairs.end() ? 0 : found->second;
    return held > (key_held ? 1 : 0);
  }

  bool forgotten(const Pair& pair, std::int64_t now) const {
    return longer_ago(pair.last_us, now, limits.forget_after_us);
  }

  void forget_older_than(std::int64_t now) {
    while (!pairs.empty() && forgotten(pairs.front(), now)) {
      drop(pairs.begin());
      ++stats.addresses_forgotten;
    }
  }

  bool address_is_new(std::string_view actor, std::string_view address, std::int64_t at_us) {
    // What went unseen too long is forgotten first: an actor whose every pair is forgotten is
    // seen for the first time again.
    newest = std::max(newest.value_or(at_us), at_us);
    forget_older_than(*newest);
    make_pair_key(actor, address, scratch);
    const auto found = index.find(scratch);
    bool is_new = false;
    if (found == index.end()) {
      is_new = actor_has_other_pairs(actor, false);
      const auto it = insert(scratch, at_us, at_us);
      it->dirty = true;
    } else {
      Pair& pair = *found->second;
      if (forgotten(pair, at_us)) {
        // Not swept yet (pairs read late sit behind newer ones): forgotten all the same.
        ++stats.addresses_forgotten;
        is_new = actor_has_other_pairs(actor, true);
        pair.first_us = at_us;
        pair.last_us = at_us;
      } else {
        pair.first_us = std::min(pair.first_us, at_us);
        pair.last_us = std::max(pair.last_us, at_us);
      }
      pair.dirty = true;
      pairs.splice(pairs.end(), pairs, found->second);
    }
    return is_new;
  }
};

HuntState::HuntState(HuntStateLimits limits) : store_(std::make_unique<Store>()) {
  limits.max_addresses = std::max<std::size_t>(limits.max_addresses, 1);
  store_->limits = limits;
}

HuntState::HuntState(const std::string& path, HuntStateLimits limits) : HuntState(limits) {
  store_->path = path;
  store_->open();
}

HuntState::~HuntState() = default;
HuntState::HuntState(HuntState&&) noexcept = default;
HuntState& HuntState::operator=(HuntState&&) noexcept = default;

bool HuntState::address_is_new(std::string_view actor, std::string_view address,
                               std::int64_t at_us) {
  return store_->address_is_new(actor, address, at_us);
}

const std::vector<SavedWindow>& HuntState::windows() const noexcept {
  return store_->windows;
}

void HuntState::set_windows(std::vector<SavedWindow> windows) {
  store_->windows = std::move(windows);
}

void HuntState::save() {
  store_->save();
}

HuntState::Stats HuntState::stats() const noexcept {
  Stats stats = store_->stats;
  stats.addresses_held = store_->pairs.size();
  return stats;
}

const std::string& HuntState::path() const noexcept {
  return store_->path;
}

}  // namespace pkgly_trail::hunt
