// The writer of `join --postgres` against a real server (a throwaway cluster): while the server
// is down the events wait in the bounded buffer, and once it is full on_event() waits
// (backpressure) instead of dropping; when the server is back everything is written once.
#include <fmt/format.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "pkgly_trail/store/postgres.hpp"
#include "support/postgres_cluster.hpp"

namespace pkgly_trail {
namespace {

using testing::PostgresCluster;

// An audit event of its own second (so of its own key), with an access record.
struct Event {
  Record audit, access;
  explicit Event(int n) {
    timestamp = fmt::format("2025-11-20T10:{:02}:{:02}.000000Z", n / 60, n % 60);
    line = std::to_string(n);
    audit.timestamp = timestamp;
    audit.target = kAuditTarget;
    audit.message = "Audit event";
    audit.fields = {{"action", Value::string("auth.login")},
                    {"outcome", Value::string("success")},
                    {"actor_username", Value::string("bob")},
                    {"actor_id", Value::integer(line)}};
    audit.source = {"test.log", static_cast<std::uint64_t>(n)};
    access.timestamp = timestamp;
    access.target = kAccessTarget;
    access.fields = {{"client.address", Value::string("203.0.113.9")},
                     {"http.response.status_code", Value::integer("200")}};
  }
  JoinedEvent joined() const { return JoinedEvent{audit, &access, {}, JoinKey::RequestId}; }
  std::string timestamp, line;
};

TEST_CASE(
    "the postgres writer holds events while the server is down and stops the input when "
    "its buffer is full",
    "[store][postgres][may-skip]") {
  testing::require_postgres();
  PostgresCluster cluster;
  PostgresSinkOptions options;
  options.conninfo = cluster.create_database("down");
  options.source_label = "test";
  options.batch_events = 1;      // each event a batch
  options.max_buffer_bytes = 1;  // one batch waiting fills the buffer
  options.first_retry_ms = 20;
  options.max_retry_ms = 200;
  std::mutex said_mutex;
  std::string said;
  options.say = [&](std::string_view line) {
    std::lock_guard lock(said_mutex);
    said += std::string(line) + "\n";
  };
  std::unique_ptr<PostgresEventSink> sink = open_postgres_sink(options);
  std::vector<std::unique_ptr<Event>> events;
  for (int n = 0; n < 4; ++n) events.push_back(std::make_unique<Event>(n));
  REQUIRE(sink->on_event(events[0]->joined()));
  sink->on_idle();
  // Written within a few seconds while the server is up.
  auto stored = [&]() -> std::uint64_t {
    try {
      return std::stoull(cluster.query("down", "SELECT count(*) FROM pkgly_trail.events"));
    } catch (const std::runtime_error&) {
      return 0;
    }
  };
  for (int i = 0; i < 100 && stored() < 1; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  REQUIRE(stored() == 1);
  cluster.stop();
  // The next batch fails and waits in the buffer; the one after it finds the buffer full.
  std::atomic<int> handed{0};
  std::thread reader([&] {
    for (int n = 1; n < 4; ++n) {
      sink->on_event(events[n]->joined());
      ++handed;
      // Time for the writer to find the server gone, so the full buffer is said to be full.
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
    sink->finish();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(2000));
  CHECK(handed.load() < 3);  // the reading waits: nothing dropped, nothing read on
  {
    std::lock_guard lock(said_mutex);
    CHECK(said.find("retrying") != std::string::npos);
  }
  cluster.start();
  reader.join();
  CHECK(handed.load() == 3);
  CHECK(stored() == 4);
  CHECK(sink->written() == 4);
  CHECK(sink->already_there() == 0);
  CHECK(cluster.query("down", "SELECT count(DISTINCT event_key) FROM pkgly_trail.events") == "4");
  CHECK(cluster.query("down", "SELECT count(*) FROM pkgly_trail.access") == "4");
  std::lock_guard lock(said_mutex);
  INFO(said);
  CHECK(said.find("takes batches again after") != std::string::npos);
  CHECK(said.find("reading stops until it takes them") != std::string::npos);
}

TEST_CASE("the postgres writer gives up on a failure retrying cannot mend",
          "[store][postgres][may-skip]") {
  testing::require_postgres();
  PostgresCluster cluster;
  PostgresSinkOptions options;
  options.conninfo = cluster.create_database("broken");
  options.batch_events = 1;
  std::unique_ptr<PostgresEventSink> sink = open_postgres_sink(options);
  // Someone drops a column the writer needs: no retry mends that.
  cluster.query("broken", "ALTER TABLE pkgly_trail.events DROP COLUMN actor_id");
  Event event(1);
  bool thrown = false;
  try {
    for (int i = 0; i < 100 && !thrown; ++i) {
      sink->on_event(event.joined());
      sink->on_idle();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    sink->finish();
  } catch (const PostgresError& e) {
    thrown = true;
    CHECK_FALSE(e.transient());
    CHECK(std::string(e.what()).find("actor_id") != std::string::npos);
  }
  CHECK(thrown);
}

// Another session holds the events table (as `db prune` or a migration would) for `seconds`,
// from a thread; returns once the lock is held.
std::thread hold_events_table(PostgresCluster& cluster, const std::string& dbname, double seconds) {
  std::thread holder([&cluster, dbname, seconds] {
    cluster.query(dbname, fmt::format("BEGIN; LOCK TABLE pkgly_trail.events IN ACCESS EXCLUSIVE "
                                      "MODE; SELECT pg_sleep({}); COMMIT;",
                                      seconds));
  });
  for (int i = 0; i < 200; ++i) {
    if (cluster.query(dbname,
                      "SELECT count(*) FROM pg_locks WHERE granted AND mode = "
                      "'AccessExclusiveLock' AND relation = 'pkgly_trail.events'::regclass") == "1")
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return holder;
}

// What the writer says, from either thread.
struct Said {
  std::mutex mutex;
  std::string text;
  std::function<void(std::string_view)> sink() {
    return [this](std::string_view line) {
      std::lock_guard lock(mutex);
      text += std::string(line) + "\n";
    };
  }
  bool has(std::string_view part) {
    std::lock_guard lock(mutex);
    return text.find(part) != std::string::npos;
  }
};

TEST_CASE("the postgres writer says a server that takes nothing while reading goes on",
          "[store][postgres][may-skip]") {
  testing::require_postgres();
  PostgresCluster cluster;
  PostgresSinkOptions options;
  options.conninfo = cluster.create_database("stalled");
  options.stall_after_ms = 300;
  options.lock_wait_ms = 60000;  // the batch waits for the lock, it is not retried
  Said said;
  options.say = said.sink();
  std::unique_ptr<PostgresEventSink> sink = open_postgres_sink(options);
  std::thread holder = hold_events_table(cluster, "stalled", 3);
  std::vector<std::unique_ptr<Event>> events;
  for (int n = 0; n < 5; ++n) events.push_back(std::make_unique<Event>(n));
  REQUIRE(sink->on_event(events[0]->joined()));
  sink->on_idle();
  // The buffer has room: the reading goes on, and the idle input hears of the stall.
  const auto started = std::chrono::steady_clock::now();
  for (int n = 1; n < 5; ++n) {
    REQUIRE(sink->on_event(events[n]->joined()));
    sink->on_idle();
  }
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(1));
  for (int i = 0; i < 40 && !said.has("has taken no batch for"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    sink->on_idle();
  }
  {
    std::lock_guard lock(said.mutex);
    INFO(said.text);
    CHECK(said.text.find("has taken no batch for") != std::string::npos);
    CHECK(said.text.find("reading goes on, ") != std::string::npos);
  }
  holder.join();
  sink->finish();
  CHECK(said.has("takes batches again after"));
  CHECK(sink->written() == 5);
  CHECK(cluster.query("stalled", "SELECT count(*) FROM pkgly_trail.events") == "5");
}

TEST_CASE("the postgres writer retries a batch that waited too long for a lock",
          "[store][postgres][may-skip]") {
  testing::require_postgres();
  PostgresCluster cluster;
  PostgresSinkOptions options;
  options.conninfo = cluster.create_database("locked");
  options.lock_wait_ms = 300;
  options.first_retry_ms = 100;
  options.max_retry_ms = 400;
  // Short waits between tries that each take the lock wait: the stall is said all the same.
  options.stall_after_ms = 800;
  Said said;
  options.say = said.sink();
  std::unique_ptr<PostgresEventSink> sink = open_postgres_sink(options);
  std::thread holder = hold_events_table(cluster, "locked", 3);
  Event event(1);
  REQUIRE(sink->on_event(event.joined()));
  sink->on_idle();
  holder.join();
  sink->finish();
  std::lock_guard lock(said.mutex);
  INFO(said.text);
  CHECK(said.text.find("lock timeout") != std::string::npos);
  CHECK(said.text.find("has taken no batch for") != std::string::npos);
  CHECK(said.text.find("takes batches again after") != std::string::npos);
  CHECK(sink->written() == 1);
  CHECK(cluster.query("locked", "SELECT count(*) FROM pkgly_trail.events") == "1");
}

}  // namespace
}  // namespace pkgly_trail
