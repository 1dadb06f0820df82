#pragma once
// Tests that read back the databases of `join --sqlite`: a scratch directory and a second
// SQLite connection, as an investigator's sqlite3 shell would open.
#include <sqlite3.h>
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

namespace pkgly_trail::testing {

// A fresh directory per test, removed at the end.
class TempDir {
 public:
  TempDir() {
    char path[] = "/tmp/pkgly-trail-sqlite-XXXXXX";
    path_ = mkdtemp(path);
  }
  ~TempDir() { std::system(("rm -rf '" + path_ + "'").c_str()); }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  // A file holding `text`; returns its path.
  std::string write(const std::string& name, const std::string& text) const {
    const std::string path = file(name);
    std::FILE* out = std::fopen(path.c_str(), "w");
    REQUIRE(out);
    std::fputs(text.c_str(), out);
    std::fclose(out);
    return path;
  }

 private:
  std::string path_;
};

// A connection of its own to an existing database.
class Query {
 public:
  explicit Query(const std::string& path) {
    sqlite3* db = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
    db_.reset(db);
    if (rc != SQLITE_OK) FAIL("cannot open " << path << ": " << sqlite3_errmsg(db));
    // A pkgly-trail still writing may hold the lock (creating the schema, committing a batch):
    // wait for it, as any reader of a live database must.
    sqlite3_busy_timeout(db, 10000);
  }
  // Every row of `sql`, each cell as text; NULL is "NULL".
  std::vector<std::vector<std::string>> rows(const std::string& sql) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db_.get(), sql.c_str(), -1, &raw, nullptr) != SQLITE_OK)
      FAIL(sql << ": " << sqlite3_errmsg(db_.get()));
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> statement(raw, sqlite3_finalize);
    std::vector<std::vector<std::string>> result;
    int rc = 0;
    while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
      std::vector<std::string>& row = result.emplace_back();
      for (int i = 0; i < sqlite3_column_count(raw); ++i) {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(raw, i));
        row.emplace_back(
            text ? std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(raw, i)))
                 : "NULL");
      }
    }
    if (rc != SQLITE_DONE) FAIL(sql << ": " << sqlite3_errmsg(db_.get()));
    return result;
  }
  // The single value of `sql`.
  std::string value(const std::string& sql) {
    auto result = rows(sql);
    REQUIRE(result.size() == 1);
    REQUIRE(result[0].size() == 1);
    return result[0][0];
  }
  // "EVENTS ACCESS RELATED": the number of rows of each table.
  std::string table_counts() {
    return value(
        "SELECT (SELECT count(*) FROM events) || ' ' || (SELECT count(*) FROM access) || ' ' || "
        "(SELECT count(*) FROM related)");
  }
  void exec(const std::string& sql) {
    if (sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
      FAIL(sql << ": " << sqlite3_errmsg(db_.get()));
  }

 private:
  struct Close {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };
  std::unique_ptr<sqlite3, Close> db_;
};

}  // namespace pkgly_trail::testing
