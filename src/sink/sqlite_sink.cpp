// `join --sqlite FILE`: each joined audit event as a row of `events`, its access record as a row
// of `access` and its related records as rows of `related` (schema in sqlite_schema.cpp).
//
// Speed: the three INSERT statements are prepared once and reused (bind, step, reset); values
// are bound without copies (SQLITE_STATIC: they live until the step); rows are written in
// batches of one transaction each, because a transaction per row would cost a journal write
// per row. Safety: journal_mode=WAL lets an investigator query the file while `join -f` keeps
// writing to it (readers and the writer do not block each other); synchronous=NORMAL skips the
// fsync of every commit, which in WAL mode can lose the last batches on a power cut but never
// corrupts the file, and a re-run of the same logs puts the lost events back without duplicating
// the others.
#include "pkgly_trail/sink/sqlite_sink.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <span>

#include "pkgly_trail/record/log_time.hpp"
#include "pkgly_trail/record/utf8.hpp"
#include "pkgly_trail/sink/event_key.hpp"
#include "pkgly_trail/sink/json_writer.hpp"
#include "pkgly_trail/sink/sqlite_handles.hpp"

namespace pkgly_trail {

namespace {

using Database = SqliteDatabase;
using Statement = SqliteStatement;

// A column filled with Record::lookup(key).
struct Column {
  std::string_view name;
  std::string_view key;
};

constexpr std::array<Column, 21> kEventColumns{{
    {"timestamp", "timestamp"},
    {"action", "action"},
    {"outcome", "outcome"},
    {"actor_username", "actor_username"},
    {"actor_id", "actor_id"},
    {"actor_authenticated", "actor_authenticated"},
    {"resource_kind", "resource_kind"},
    {"resource_id", "resource_id"},
    {"resource_name", "resource_name"},
    {"repository_id", "repository_id"},
    {"storage_id", "storage_id"},
    {"target_user_id", "target_user_id"},
    {"token_id", "token_id"},
    {"path", "path"},
    {"query", "query"},
    {"http_request_method", "http_request_method"},
    {"http_route", "http_route"},
    {"url_path", "url_path"},
    {"http_response_status_code", "http_response_status_code"},
    {"request_id", "request_id"},
    {"trace_id", "trace_id"},
}};

constexpr std::array<Column, 13> kAccessColumns{{
    {"timestamp", "timestamp"},
    {"status", "http.response.status_code"},
    {"method", "http.request.method"},
    {"route", "http.route"},
    {"url_path", "url.path"},
    {"client_address", "client.address"},
    {"user_agent", "user_agent.original"},
    {"user", "user"},
    {"repository_id", "repository_id"},
    {"duration_ms", "duration_ms"},
    {"body_size", "http.response.body.size"},
    {"request_id", "request_id"},
    {"trace_id", "trace_id"},
}};

constexpr std::array<Column, 4> kRelatedColumns{{
    {"timestamp", "timestamp"},
    {"level", "level"},
    {"target", "target"},
    {"message", "message"},
}};

// `INSERT INTO table(computed..., columns...) VALUES(?, ...) tail`: the computed values are
// bound first (parameters 1..n), then the looked-up columns.
std::string insert_sql(std::string_view table, std::span<const std::string_view> computed,
                       std::span<const Column> columns, std::string_view tail = {}) {
  std::string sql = fmt::format("INSERT INTO {}(", table);
  std::size_t count = 0;
  auto name = [&](std::string_view column) {
    if (count++ > 0) sql += ',';
    sql += column;
  };
  for (std::string_view column : computed) name(column);
  for (const Column& column : columns) name(column.name);
  sql += ") VALUES(";
  for (std::size_t i = 0; i < count; ++i) sql += i == 0 ? "?" : ",?";
  sql += ')';
  sql += tail;
  return sql;
}

constexpr std::array<std::string_view, 6> kEventComputed{
    "event_key", "time_us", "joined_by", "source_input", "source_line", "record_json"};
constexpr std::array<std::string_view, 2> kAccessComputed{"event_id", "record_json"};
constexpr std::array<std::string_view, 3> kRelatedComputed{"event_id", "seq", "record_json"};

// Binds the parameters of one row, in order, then inserts it.
class Row {
 public:
  Row(sqlite3_stmt* statement, std::string& scratch) : statement_(statement), scratch_(scratch) {}

  Row& null() { return check(sqlite3_bind_null(statement_, ++index_)); }
  Row& integer(std::int64_t n) { return check(sqlite3_bind_int64(statement_, ++index_, n)); }
  // Text must be UTF-8 for SQLite's string functions: invalid bytes become U+FFFD, as in JSON
  // output. Only such a replaced copy is copied again by SQLite (TRANSIENT).
  Row& text(std::string_view text) {
    const std::string_view valid = utf8::valid_or_replaced(text, scratch_);
    // A null pointer would bind NULL; an empty string must stay ''.
    const char* data = valid.empty() ? "" : valid.data();
    const bool copied = !valid.empty() && valid.data() == scratch_.data();
    return check(sqlite3_bind_text64(statement_, ++index_, data, valid.size(),
                                     copied ? SQLITE_TRANSIENT : SQLITE_STATIC, SQLITE_UTF8));
  }
  Row& text_or_null(std::string_view value) { return value.empty() ? null() : text(value); }
  // Text that is valid UTF-8 by construction (the JSON writer's output, hex digits).
  Row& utf8(std::string_view text) {
    return check(sqlite3_bind_text64(statement_, ++index_, text.empty() ? "" : text.data(),
                                     text.size(), SQLITE_STATIC, SQLITE_UTF8));
  }
  // Numbers and booleans as SQL numbers when they fit, else as the text logged.
  Row& value(const std::optional<Value>& value) {
    if (!value || value->kind == ValueKind::Null) return null();
    switch (value->kind) {
      case ValueKind::Integer:
        if (auto n = value->as_integer()) return integer(*n);
        break;
      case ValueKind::Float: {
        double d = 0;
        const char* end = value->text.data() + value->text.size();
        auto [ptr, ec] = std::from_chars(value->text.data(), end, d);
        if (ec == std::errc() && ptr == end && std::isfinite(d))
          return check(sqlite3_bind_double(statement_, ++index_, d));
        break;
      }
      case ValueKind::Bool:
        if (value->text == "true" || value->text == "false") return integer(value->text == "true");
        break;
      default:
        break;
    }
    return text(value->text);
  }
  Row& columns(const Record& record, std::span<const Column> columns) {
    for (const Column& column : columns) value(record.lookup(column.key));
    return *this;
  }
  // Steps and resets the statement; returns SQLITE_DONE or the error code.
  int insert() {
    if (bind_error_ != SQLITE_OK) return bind_error_;
    const int rc = sqlite3_step(statement_);
    sqlite3_reset(statement_);
    return rc;
  }

 private:
  Row& check(int rc) {
    if (rc != SQLITE_OK && bind_error_ == SQLITE_OK) bind_error_ = rc;
    return *this;
  }

  sqlite3_stmt* statement_;
  std::string& scratch_;
  int index_ = 0;
  int bind_error_ = SQLITE_OK;
};

class SqliteSink final : public SqliteEventSink {
 public:
  SqliteSink(const std::string& path, SqliteSinkOptions options) : path_(path), options_(options) {
    sqlite3* db = nullptr;
    const int rc =
        sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    db_.reset(db);  // even on failure: the handle holds the message and must be closed
    if (rc != SQLITE_OK) fail("cannot open");
    if (sqlite3_db_readonly(db, "main") == 1)
      throw SqliteError(fmt::format("cannot write {}: the file is read-only", path_));
    // Another pkgly-trail writing the same file holds the lock for a batch at most.
    sqlite3_busy_timeout(db, 10000);
    create_or_check_schema();
    exec("PRAGMA journal_mode=WAL", "cannot open");
    exec("PRAGMA synchronous=NORMAL", "cannot open");
    insert_event_ = prepare(
        insert_sql("events", kEventComputed, kEventColumns, " ON CONFLICT(event_key) DO NOTHING"));
    insert_access_ = prepare(insert_sql("access", kAccessComputed, kAccessColumns));
    insert_related_ = prepare(insert_sql("related", kRelatedComputed, kRelatedColumns));
    begin_ = prepare("BEGIN IMMEDIATE");
    commit_ = prepare("COMMIT");
  }

  ~SqliteSink() override {
    // Only after a failure: a batch that could not be committed is not left half written.
    if (db_ && sqlite3_get_autocommit(db_.get()) == 0)
      sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
  }

  bool on_event(const JoinedEvent& event) override {
    if (sqlite3_get_autocommit(db_.get()) != 0) {
      step(begin_.get(), "cannot write");
      batch_events_ = 0;
      batch_started_ = std::chrono::steady_clock::now();
    }
    const Record& audit = event.audit;
    json_.clear();
    append_record_json(json_, audit);
    const std::optional<std::int64_t> time_us =
        audit.timestamp.empty() ? std::nullopt : parse_log_time(audit.timestamp);
    Row row(insert_event_.get(), scratch_);
    row.utf8(event_key());
    if (time_us) {
      row.integer(*time_us);
    } else {
      row.null();
    }
    row.text_or_null(to_string(event.joined_by))
        .text(audit.source.input)
        .integer(static_cast<std::int64_t>(audit.source.line))
        .utf8(std::string_view(json_.data(), json_.size()))
        .columns(audit, kEventColumns);
    check(row.insert(), "cannot write");
    // Nothing inserted: the event_key is already there, from an earlier run or an earlier copy
    // of the same log in this one; its access and related rows are there too.
    if (sqlite3_changes(db_.get()) == 0) {
      ++already_there_;
    } else {
      ++written_;
      write_request(sqlite3_last_insert_rowid(db_.get()), event);
    }
    if (++batch_events_ >= options_.batch_events ||
        std::chrono::steady_clock::now() - batch_started_ >=
            std::chrono::milliseconds(options_.max_batch_ms))
      commit();
    return true;
  }

  void on_idle() override { commit(); }

  void finish() override {
    commit();
    // SQLite's advice for a connection about to close: refresh the statistics the query
    // planner uses, when the tables changed enough to matter. Cheap, and only a hint.
    sqlite3_exec(db_.get(), "PRAGMA optimize", nullptr, nullptr, nullptr);
  }

  std::uint64_t written() const noexcept override { return written_; }
  std::uint64_t already_there() const noexcept override { return already_there_; }

 private:
  [[noreturn]] void fail(std::string_view doing) const {
    throw SqliteError(fmt::format("{} {}: {}", doing, path_, sqlite3_errmsg(db_.get())));
  }
  void check(int rc, std::string_view doing) const {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) fail(doing);
  }
  void exec(const char* sql, std::string_view doing) {
    check(sqlite3_exec(db_.get(), sql, nullptr, nullptr, nullptr), doing);
  }
  void step(sqlite3_stmt* statement, std::string_view doing) {
    const int rc = sqlite3_step(statement);
    sqlite3_reset(statement);
    check(rc, doing);
  }
  Statement prepare(const std::string& sql) {
    sqlite3_stmt* statement = nullptr;
    const int rc = sqlite3_prepare_v3(db_.get(), sql.c_str(), static_cast<int>(sql.size() + 1),
                                      SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
    Statement owned(statement);
    check(rc, "cannot use");
    return owned;
  }
  std::int64_t query_integer(const char* sql) {
    Statement statement = prepare(sql);
    const int rc = sqlite3_step(statement.get());
    check(rc, "cannot use");
    return rc == SQLITE_ROW ? sqlite3_column_int64(statement.get(), 0) : 0;
  }

  // A new or empty file gets the schema; a file that is a pkgly-trail database of this schema
  // version is used as it is; anything else is refused, so no one's other database is touched.
  // Checked inside the transaction that would create the schema, so two runs starting at once
  // on a new file cannot both create it.
  void create_or_check_schema() {
    // Rows are records of about a kilobyte written in bulk: 16 KiB pages (SQLite's default is
    // 4 KiB) take a quarter of the I/O calls and 15% less space; measured on generated logs,
    // the whole run took 20% less time. Only a new, empty file takes it; others keep theirs.
    exec("PRAGMA page_size=16384", "cannot use");
    exec("BEGIN IMMEDIATE", "cannot use");  // "file is not a database" shows here
    const std::int64_t application_id = query_integer("PRAGMA application_id");
    const std::int64_t version = query_integer("PRAGMA user_version");
    const std::int64_t objects = query_integer("SELECT count(*) FROM sqlite_master");
    if (application_id == kSqliteApplicationId && version == kSqliteSchemaVersion) {
      exec("COMMIT", "cannot use");
      return;
    }
    if (application_id == kSqliteApplicationId)
      throw SqliteError(
          fmt::format("cannot use {}: it is a pkgly-trail database of schema version {}, and this "
                      "pkgly-trail writes version {}; write to a new file",
                      path_, version, kSqliteSchemaVersion));
    if (application_id != 0 || version != 0 || objects != 0)
      throw SqliteError(fmt::format(
          "cannot use {}: it is a SQLite database that pkgly-trail did not create (it holds {} "
          "tables and indexes); write to a new file",
          path_, objects));
    exec(std::string(sqlite_schema_sql()).c_str(), "cannot create the tables in");
    exec(fmt::format("PRAGMA application_id={}", kSqliteApplicationId).c_str(), "cannot use");
    exec(fmt::format("PRAGMA user_version={}", kSqliteSchemaVersion).c_str(), "cannot use");
    exec("COMMIT", "cannot create the tables in");
  }

  // json_ holds the audit record as `audit -o json` writes it (event_key.hpp says why the key
  // is its hash).
  std::string_view event_key() {
    key_ = event_key_of(std::string_view(json_.data(), json_.size()));
    return to_string_view(key_);
  }

  void write_request(std::int64_t event_id, const JoinedEvent& event) {
    if (event.access) {
      json_.clear();
      append_record_json(json_, *event.access);
      Row row(insert_access_.get(), scratch_);
      row.integer(event_id)
          .utf8(std::string_view(json_.data(), json_.size()))
          .columns(*event.access, kAccessColumns);
      check(row.insert(), "cannot write");
    }
    std::int64_t seq = 0;
    for (const Record& related : event.related) {
      json_.clear();
      append_record_json(json_, related);
      Row row(insert_related_.get(), scratch_);
      row.integer(event_id)
          .integer(++seq)
          .utf8(std::string_view(json_.data(), json_.size()))
          .columns(related, kRelatedColumns);
      check(row.insert(), "cannot write");
    }
  }

  void commit() {
    if (sqlite3_get_autocommit(db_.get()) == 0) step(commit_.get(), "cannot write");
  }

  std::string path_;
  SqliteSinkOptions options_;
  Database db_;  // declared before the statements, so it is closed after them
  Statement insert_event_, insert_access_, insert_related_, begin_, commit_;
  std::uint32_t batch_events_ = 0;
  std::chrono::steady_clock::time_point batch_started_;
  std::uint64_t written_ = 0;
  std::uint64_t already_there_ = 0;
  // Reused for every row, so a row costs no allocation once they have grown.
  fmt::memory_buffer json_;
  std::string scratch_;
  EventKey key_{};
};

}  // namespace

std::unique_ptr<SqliteEventSink> open_sqlite_sink(const std::string& path,
                                                  SqliteSinkOptions options) {
  return std::make_unique<SqliteSink>(path, options);
}

}  // namespace pkgly_trail
