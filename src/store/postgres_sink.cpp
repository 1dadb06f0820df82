// `join --postgres`: joined audit events into the central store (docs/postgres.md).
//
// Two threads. The reading thread turns each event into COPY rows of a Batch (on_event); a full
// batch, or any batch when the input goes idle, is queued for the writer thread, which sends
// it: COPY into three temporary staging tables, then one statement inserts the events that
// are new (ON CONFLICT DO NOTHING on their key) and the access and related rows of those only,
// all in one transaction. A batch sent twice (the commit happened but its answer was lost)
// therefore adds nothing the second time, and two writers on overlapping logs never write an
// event twice. They insert in key order, so they take row locks in one order and cannot
// deadlock on each other's keys.
//
// When the server goes away the writer keeps the batch, reconnects with a doubling wait, and
// sends it again; meanwhile the queue grows up to max_buffer_bytes, and then on_event() waits:
// the input is read no further (backpressure) and nothing is dropped. A server that answers but
// takes nothing (a stalled disk) is said by the reading thread, which the writer's blocked
// call cannot do: at each batch it hands over and each time the input is idle.
#include <fmt/format.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "batch.hpp"
#include "connection.hpp"
#include "pkgly_trail/store/postgres.hpp"
#include "schema.hpp"

namespace pkgly_trail {

namespace {

using store::Batch;
using store::Connection;
using Clock = std::chrono::steady_clock;

std::string insert_sql() {
  return fmt::format(
      "WITH new AS (INSERT INTO pkgly_trail.events ({0}) SELECT {0} FROM pg_temp.stage_events "
      "ORDER BY event_key ON CONFLICT (event_key, time) DO NOTHING RETURNING id, event_key, "
      "time), "
      "access_rows AS (INSERT INTO pkgly_trail.access (event_id, event_time, {1}) "
      "SELECT new.id, new.time, {1} FROM new JOIN pg_temp.stage_access USING (event_key)), "
      "related_rows AS (INSERT INTO pkgly_trail.related (event_id, event_time, {2}) "
      "SELECT new.id, new.time, {2} FROM new JOIN pg_temp.stage_related USING (event_key)) "
      "SELECT count(*) FROM new",
      store::kEventCopyColumns, store::kAccessCopyColumns, store::kRelatedCopyColumns);
}

// The staging tables of a session: the store's columns without the ids the insert assigns.
constexpr std::string_view kStagingSql =
    "CREATE TEMP TABLE stage_events (LIKE pkgly_trail.events) ON COMMIT DELETE ROWS;"
    "ALTER TABLE stage_events DROP COLUMN id;"
    "CREATE TEMP TABLE stage_access (event_key text, LIKE pkgly_trail.access) "
    "ON COMMIT DELETE ROWS;"
    "ALTER TABLE stage_access DROP COLUMN event_id, DROP COLUMN event_time;"
    "CREATE TEMP TABLE stage_related (event_key text, LIKE pkgly_trail.related) "
    "ON COMMIT DELETE ROWS;"
    "ALTER TABLE stage_related DROP COLUMN event_id, DROP COLUMN event_time;"
    "CREATE TEMP TABLE stage_alerts (LIKE pkgly_trail.alerts) ON COMMIT DELETE ROWS;"
    "ALTER TABLE stage_alerts DROP COLUMN id, DROP COLUMN written_at;";

// A statement that waits longer than 10 min (a stalled disk) is given up; one that waits
// lock_wait_ms for a lock held elsewhere (a `db prune`, a migration) too: the batch is retried
// later, saying so, rather than waiting in silence, and a start does not stall without an end.
void limit_waits(Connection& connection, std::uint32_t lock_wait_ms) {
  connection.exec("SET statement_timeout = '10min'", "cannot set up the session with");
  connection.exec(fmt::format("SET lock_timeout = {}", lock_wait_ms),
                  "cannot set up the session with");
}

std::string seconds_text(Clock::duration duration) {
  return fmt::format("{:.1f} s", std::chrono::duration<double>(duration).count());
}

class PostgresSink final : public PostgresEventSink {
 public:
  PostgresSink(PostgresSinkOptions options, Connection connection)
      : options_(std::move(options)),
        where_(connection.where()),
        filling_(std::make_unique<Batch>(options_.batch_events)) {
    if (!options_.say) options_.say = [](std::string_view) {};
    stall_after_ = std::chrono::milliseconds(options_.stall_after_ms);
    start_session(connection);
    writer_ =
        std::thread([this, c = std::move(connection)]() mutable { write_loop(std::move(c)); });
  }

  ~PostgresSink() override {
    // Only when finish() was not reached (an error above): the writer stops at once.
    {
      std::lock_guard lock(mutex_);
      closing_ = true;
      abandon_ = true;
    }
    changed_.notify_all();
    if (writer_.joinable()) writer_.join();
  }

  bool on_event(const JoinedEvent& event) override {
    rethrow_failure();
    if (filling_->empty()) filling_started_ = Clock::now();
    if (!filling_->add(event, options_.source_label)) ++duplicates_in_batches_;
    hand_over_when_full();
    return true;
  }

  bool on_alert(const hunt::Alert& alert) override {
    rethrow_failure();
    if (filling_->empty()) filling_started_ = Clock::now();
    filling_->add(alert, options_.source_label);
    hand_over_when_full();
    return true;
  }

  void on_idle() override {
    rethrow_failure();
    if (!filling_->empty()) {
      hand_over();
      return;
    }
    std::lock_guard lock(mutex_);
    say_if_stalled("reading goes on");
  }

  void finish() override {
    if (!filling_->empty()) hand_over();
    {
      std::unique_lock lock(mutex_);
      closing_ = true;
      changed_.notify_all();
      // The wait says what it waits for: after 1 s when the server fails, after 5 s anyway,
      // then every 30 s. Two interrupts (Ctrl-C, SIGTERM) end the program, and with it the wait.
      auto done = [&] { return queue_.empty() || failure_; };
      const Clock::time_point started = Clock::now();
      for (auto next = std::chrono::seconds(1); !changed_.wait_until(lock, started + next, done);
           next +=
           next == std::chrono::seconds(1) ? std::chrono::seconds(4) : std::chrono::seconds(30))
        if (next > std::chrono::seconds(1) || down_)
          say(fmt::format(
              "waiting for PostgreSQL at {} to take the last {} audit event(s){} (two interrupts "
              "give them up; a re-run of the same logs writes them)",
              where_, queued_events_,
              down_ ? fmt::format(", whose last try ({} ago) failed: {}",
                                  seconds_text(Clock::now() - last_problem_at_), last_problem_)
                    : ""));
    }
    writer_.join();
    rethrow_failure();
  }

  std::uint64_t written() const noexcept override { return written_; }
  std::uint64_t already_there() const noexcept override {
    return already_there_ + duplicates_in_batches_;
  }
  std::uint64_t alerts_written() const noexcept override { return alerts_written_; }
  std::uint64_t alerts_already_there() const noexcept override { return alerts_already_there_; }
  const std::string& where() const noexcept override { return where_; }

 private:
  void rethrow_failure() {
    std::lock_guard lock(mutex_);
    if (failure_) std::rethrow_exception(failure_);
  }

  // One line at a time, from either thread.
  void say(const std::string& line) {
    std::lock_guard lock(say_mutex_);
    options_.say(line);
  }

  // Under mutex_, on the reading thread: says, every stall_after_ while it lasts, that the
  // batch the writer sends has not been taken. A server that is away says so itself (its
  // retries).
  void say_if_stalled(std::string_view reading) {
    const Clock::time_point now = Clock::now();
    if (queue_.empty() || down_ || now - sending_since_ < stall_after_ ||
        now - stall_said_ < stall_after_)
      return;
    stall_said_ = now;
    stall_said_since_ = true;
    say(
        fmt::format("PostgreSQL at {} has taken no batch for {}: {}, {} audit event(s) wait in "
                    "memory",
                    where_, seconds_text(now - sending_since_), reading, queued_events_));
  }

  void hand_over_when_full() {
    if (filling_->events() + filling_->alerts() >= options_.batch_events ||
        Clock::now() - filling_started_ >= std::chrono::milliseconds(options_.max_batch_ms))
      hand_over();
  }

  // Queues the batch being filled; waits while the queue is full (backpressure).
  void hand_over() {
    std::unique_ptr<Batch> next;
    {
      std::unique_lock lock(mutex_);
      auto can_go = [&] {
        return failure_ || queue_.empty() ||
               queued_bytes_ + filling_->bytes() <= options_.max_buffer_bytes;
      };
      // Said at once only while the server is away: a server slower than the reading is no
      // news, unless it takes nothing for stall_after_.
      const bool full = down_ && !can_go();
      if (full)
        say(fmt::format(
            "{} MiB of audit events wait for PostgreSQL at {}: reading stops until it takes them",
            queued_bytes_ >> 20, where_));
      say_if_stalled("reading goes on");
      while (!changed_.wait_for(lock, stall_after_, can_go)) say_if_stalled("reading waits");
      if (failure_) std::rethrow_exception(failure_);
      if (full) say("PostgreSQL takes events again: reading goes on");
      queued_bytes_ += filling_->bytes();
      queued_events_ += filling_->events();
      if (queue_.empty()) sending_since_ = Clock::now();
      queue_.push_back(std::move(filling_));
      if (!spare_.empty()) {
        next = std::move(spare_.back());
        spare_.pop_back();
      }
    }
    changed_.notify_all();
    filling_ = next ? std::move(next) : std::make_unique<Batch>(options_.batch_events);
    filling_->clear();
  }

  // The rest of a session's set-up, after limit_waits() (open_postgres_sink() limits the first
  // session's waits before its schema checks).
  void start_session(Connection& connection) {
    // A batch counts as written when its COMMIT answers: that answer must mean the rows are
    // on disk, whatever the server's default (synchronous_commit = off loses the last ones in
    // a crash, after the writer has forgotten them).
    connection.exec("SET synchronous_commit = on", "cannot set up the session with");
    connection.exec(std::string(kStagingSql), "cannot prepare the staging tables in");
  }

  // The writer thread: sends the queued batches in order until closing and empty.
  void write_loop(Connection connection) {
    // Ctrl-C and SIGTERM are for the reading thread, whose read(2) they must interrupt.
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, nullptr);
    std::optional<Connection> session(std::move(connection));
    for (;;) {
      Batch* batch = nullptr;
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return !queue_.empty() || closing_; });
        if (queue_.empty() || abandon_) return;
        batch = queue_.front().get();
      }
      if (!send_with_retries(*batch, session)) return;
      bool stall_was_said = false;
      Clock::duration stalled;
      {
        std::lock_guard lock(mutex_);
        queued_bytes_ -= batch->bytes();
        queued_events_ -= batch->events();
        spare_.push_back(std::move(queue_.front()));
        queue_.pop_front();
        stalled = Clock::now() - sending_since_;
        sending_since_ = Clock::now();
        std::swap(stall_was_said, stall_said_since_);
      }
      changed_.notify_all();
      if (stall_was_said)
        say(fmt::format("PostgreSQL at {} takes batches again after {}: writing on", where_,
                        seconds_text(stalled)));
    }
  }

  // false: given up (a failure retrying cannot mend, recorded for the reading thread, or the
  // sink is being destroyed).
  bool send_with_retries(Batch& batch, std::optional<Connection>& session) {
    auto wait = std::chrono::milliseconds(options_.first_retry_ms);
    Clock::time_point said_at;
    for (;;) {
      try {
        if (!session) {
          session.emplace(options_.conninfo, true);
          limit_waits(*session, options_.lock_wait_ms);
          store::check_schema(*session, false);
          start_session(*session);
        }
        send(batch, *session);
        if (down_) {
          down_ = false;
          std::lock_guard lock(mutex_);
          stall_said_since_ = true;  // said once the batch is off the queue (write_loop)
        }
        return true;
      } catch (const PostgresError& e) {
        if (!e.transient()) {
          std::lock_guard lock(mutex_);
          failure_ = std::current_exception();
          changed_.notify_all();
          return false;
        }
        session.reset();
        const Clock::time_point now = Clock::now();
        Clock::duration stalled;
        std::size_t waiting = 0;
        {
          std::lock_guard lock(mutex_);
          last_problem_ = e.reason();
          last_problem_at_ = now;
          stalled = now - sending_since_;
          waiting = queued_events_;
        }
        // Said at the first failure, then when the wait grows long or 30 s have passed (a
        // statement given up after a lock wait fails every 30 s however short the wait).
        if (!down_) {
          down_ = true;
          said_at = now;
          say(fmt::format("{}; {} audit event(s) wait in memory, retrying", e.what(), waiting));
        } else if (wait >= std::chrono::seconds(8) || now - said_at >= stall_after_) {
          said_at = now;
          say(
              fmt::format("PostgreSQL at {} has taken no batch for {} ({}); {} audit event(s) "
                          "wait in memory, next try in {}",
                          where_, seconds_text(stalled), e.reason(), waiting, seconds_text(wait)));
        }
        std::unique_lock lock(mutex_);
        if (changed_.wait_for(lock, wait, [&] { return abandon_; })) return false;
        wait = std::min(wait * 2, std::chrono::milliseconds(options_.max_retry_ms));
      }
    }
  }

  void send(Batch& batch, Connection& session) {
    const std::int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
    for (std::int64_t month : batch.months()) {
      if (known_months_.count(month) > 0 || !store::month_gets_partition(month, now)) continue;
      store::add_month(session, month);
      known_months_.insert(month);
    }
    session.exec("BEGIN", "cannot write to");
    try {
      const std::uint64_t events = batch.events() > 0 ? send_events(batch, session) : 0;
      std::uint64_t alerts = 0;
      if (batch.alerts() > 0) {
        session.copy_in(
            fmt::format("COPY pg_temp.stage_alerts ({}) FROM STDIN", store::kAlertCopyColumns),
            batch.alert_rows, "cannot write to");
        alerts = std::stoull(session.scalar(insert_alerts_, {}, "cannot write to"));
      }
      session.exec("COMMIT", "cannot write to");
      written_ += events;
      already_there_ += batch.events() - events;
      alerts_written_ += alerts;
      alerts_already_there_ += batch.alerts() - alerts;
    } catch (...) {
      if (PQstatus(session.get()) == CONNECTION_OK)
        store::Result(PQexec(session.get(), "ROLLBACK"));
      throw;
    }
  }

  // The events of the batch and their rows, inside its transaction; returns how many were new.
  std::uint64_t send_events(Batch& batch, Connection& session) {
    session.copy_in(
        fmt::format("COPY pg_temp.stage_events ({}) FROM STDIN", store::kEventCopyColumns),
        batch.events_rows, "cannot write to");
    if (!batch.access_rows.empty())
      session.copy_in(fmt::format("COPY pg_temp.stage_access (event_key, {}) FROM STDIN",
                                  store::kAccessCopyColumns),
                      batch.access_rows, "cannot write to");
    if (!batch.related_rows.empty())
      session.copy_in(fmt::format("COPY pg_temp.stage_related (event_key, {}) FROM STDIN",
                                  store::kRelatedCopyColumns),
                      batch.related_rows, "cannot write to");
    const std::string inserted = session.scalar(insert_, {}, "cannot write to");
    return inserted.empty() ? 0 : std::stoull(inserted);
  }

  PostgresSinkOptions options_;
  std::string where_;
  const std::string insert_ = insert_sql();
  const std::string insert_alerts_ = fmt::format(
      "WITH new AS (INSERT INTO pkgly_trail.alerts ({0}) SELECT {0} FROM pg_temp.stage_alerts "
      "ORDER BY alert_key ON CONFLICT (alert_key) DO NOTHING RETURNING 1) SELECT count(*) FROM new",
      store::kAlertCopyColumns);
  std::unique_ptr<Batch> filling_;  // the reading thread's
  Clock::time_point filling_started_;
  std::uint64_t duplicates_in_batches_ = 0;
  Clock::duration stall_after_;
  Clock::time_point stall_said_;  // the reading thread's, under mutex_
  std::mutex say_mutex_;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::unique_ptr<Batch>> queue_;
  std::vector<std::unique_ptr<Batch>> spare_;
  std::size_t queued_bytes_ = 0;
  std::size_t queued_events_ = 0;
  bool closing_ = false;
  bool abandon_ = false;
  std::exception_ptr failure_;
  Clock::time_point sending_since_;  // since when the first batch queued is the first
  std::string last_problem_;         // why the writer's last try failed
  Clock::time_point last_problem_at_;
  bool stall_said_since_ = false;  // a stall of the first batch was said, or a failure

  // The writer thread's; read by the reading thread after join() only (or as statistics).
  std::atomic<bool> down_ = false;
  std::atomic<std::uint64_t> written_ = 0;
  std::atomic<std::uint64_t> already_there_ = 0;
  std::atomic<std::uint64_t> alerts_written_ = 0;
  std::atomic<std::uint64_t> alerts_already_there_ = 0;
  std::set<std::int64_t> known_months_;
  std::thread writer_;
};

}  // namespace

std::unique_ptr<PostgresEventSink> open_postgres_sink(PostgresSinkOptions options) {
  Connection connection(options.conninfo, false);
  limit_waits(connection, options.lock_wait_ms);
  store::check_server(connection);
  store::check_schema(connection, true);
  return std::make_unique<PostgresSink>(std::move(options), std::move(connection));
}

}  // namespace pkgly_trail
