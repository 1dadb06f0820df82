// pkgly-trail-loggen: writes realistic Pkgly logs for the benchmarks (bench/run.sh).
//
//   pkgly-trail-loggen --format full-ansi-compose|json --size BYTES --seed N [--trace-ids
//   zero|real]
//
// Deterministic: the same options give the same bytes on every machine (a hand-written PRNG, no
// <random> distributions, whose output is implementation-defined). The log is a simulation of
// 4 to 8 requests in flight: each request writes its records (auth, sqlx queries, repository
// handlers, storage, upstream calls, warnings, errors) inside its `HTTP request` span, then, back
// to back, its `pkgly::access` record and, on audited routes with status 2xx/401/403 (about 60%
// of the requests), its `pkgly::audit` record. Background jobs write records outside any request.
// Writing stops once BYTES were written and the requests in flight have finished, so the output
// is BYTES plus at most a few kilobytes, and every audit event has its access record.

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string>
#include <string_view>

#include "log_format.hpp"
#include "queries.hpp"
#include "request_log.hpp"
#include "scenarios.hpp"
#include "support.hpp"

namespace loggen {
namespace {

struct Options {
  Format format = Format::kFullAnsiCompose;
  u64 size = 0;
  u64 seed = 0;
  bool real_trace_ids = false;
  u64 days = 0;  // 0: records 20-600 us apart (a busy server); else spread over about this many
};

class Generator {
 public:
  explicit Generator(const Options& options)
      : options_(options),
        rng_(options.seed),
        writer_(options.format),
        // 2025-11-20T10:15:30.200000Z
        clock_(
            (static_cast<u64>(days_from_civil(2025, 11, 20)) * 86400 + 10 * 3600 + 15 * 60 + 30) *
                1000000 +
            200000),
        timestamp_offset_(writer_.timestamp_offset()),
        requests_(rng_, writer_, options.real_trace_ids) {
    session_cleaner_.render();
    deb_refresh_.add(disp("repository_id", kDebRepository));
    deb_refresh_.render();
  }

  void run() {
    startup();
    std::size_t active = 0;
    std::uint32_t concurrency = 4 + rng_.below(5);
    u64 started = 0;
    bool stopping = false;
    for (;;) {
      if (!stopping && out_.total() >= options_.size) stopping = true;
      if (!stopping) {
        for (auto& slot : slots_) {
          if (active >= concurrency) break;
          if (slot.active) continue;
          requests_.build(slot);
          slot.active = true;
          ++active;
          if (++started % 64 == 0) concurrency = 4 + rng_.below(5);
        }
      }
      if (active == 0) break;
      if (!stopping && rng_.percent(4)) {
        background_record();
        continue;
      }
      std::uint32_t k = rng_.below(static_cast<std::uint32_t>(active));
      for (auto& slot : slots_) {
        if (!slot.active) continue;
        if (k-- != 0) continue;
        emit_next(slot);
        if (slot.done()) {
          slot.active = false;
          --active;
        }
        break;
      }
    }
    out_.flush();
  }

 private:
  static constexpr std::string_view kDebRepository = "00b3770a-1e10-4244-b9bc-b03f0bda18f5";

  // --- emission ------------------------------------------------------------------------------

  void emit(std::string_view record, bool glued) {
    const u64 gap =
        glued ? static_cast<u64>(rng_.between(15, 60)) : static_cast<u64>(rng_.between(20, 600));
    clock_.advance(glued ? gap : gap * gap_scale_);
    std::string& buf = out_.buffer();
    const std::size_t at = buf.size();
    buf.append(record);
    std::memcpy(buf.data() + at + timestamp_offset_, clock_.text(), kTimestampPlaceholder.size());
    out_.maybe_flush();
  }

  void emit_next(PendingRequest& p) {
    bool glued = false;
    for (;;) {
      const std::size_t i = p.next++;
      const std::size_t begin = i == 0 ? 0 : p.ends[i - 1];
      emit(std::string_view(p.text).substr(begin, p.ends[i] - begin), glued);
      if (!p.glued[i]) break;
      glued = true;
    }
  }

  // A record outside any request, written at once.
  void standalone(Level level, std::initializer_list<const Span*> spans, std::string_view target,
                  std::string_view message, std::initializer_list<Field> fields) {
    scratch_.clear();
    writer_.write(scratch_, level, spans.begin(), spans.size(), target, message, fields.begin(),
                  fields.size());
    emit(scratch_, false);
  }

  void standalone_sqlx(std::initializer_list<const Span*> spans, const Query& q,
                       std::int64_t affected, std::int64_t returned) {
    const SqlTiming t(rng_);
    standalone(Level::kDebug, spans, "sqlx::query", {},
               {str("summary", q.summary), str("db.statement", q.statement),
                integer("rows_affected", affected), integer("rows_returned", returned),
                disp("elapsed", t.elapsed), number("elapsed_secs", t.secs)});
  }

  void startup() {
    standalone_sqlx({}, kStorages, 0, 2);
    standalone(Level::kInfo, {}, "pkgly::app::site", "Loaded 2 storages", {});
    standalone_sqlx({}, kActiveRepositories, 0, 8);
    standalone(Level::kInfo, {}, "pkgly::app::site", "Loaded 8 repositories", {});
    standalone(Level::kDebug, {}, "pkgly::app::authentication::session",
               "Starting Session Cleaner with interval: 3600s", {});
    standalone(Level::kInfo, {}, "pkgly::app::site", "Session cleaner started", {});
    standalone(Level::kInfo, {}, "pkgly::app::site", "Background scheduler started", {});
    standalone(Level::kDebug, {}, "pkgly::app::web", "Starting non-TLS server", {});
    standalone(Level::kDebug, {}, "pkgly::app::web", "listening on 0.0.0.0:6742", {});
  }

  // Background jobs: session cleaner, token expiry, the Debian proxy refresh (which calls its
  // upstream outside any HTTP request).
  void background_record() {
    if (deb_step_ > 0) {
      deb_record();
      return;
    }
    switch (rng_.below(6)) {
      case 0:
        standalone(Level::kInfo, {&session_cleaner_}, "pkgly::app::authentication::session",
                   "Cleaning sessions", {});
        break;
      case 1: {
        const std::string msg = fmt::format("Cleaned {} sessions", rng_.below(40));
        standalone(Level::kInfo, {&session_cleaner_}, "pkgly::app::authentication::session", msg,
                   {});
        break;
      }
      case 2:
        standalone_sqlx({}, kExpiredSessions, rng_.below(30), 0);
        break;
      case 3:
        standalone_sqlx({}, kExpiredTokens, rng_.below(4), 0);
        break;
      case 4: {
        const std::string msg = fmt::format("Cleaned {} expired auth tokens", rng_.below(5));
        standalone(Level::kInfo, {}, "pkgly::app::authentication::session", msg, {});
        break;
      }
      default:
        deb_step_ = 1;
        deb_trace_ = options_.real_trace_ids ? random_trace_id(rng_) : std::string(kZeroTraceId);
        deb_record();
    }
  }

  void deb_record() {
    static constexpr std::array<std::string_view, 4> kDebFiles{
        "http://debian-mirror.example.net/debian/dists/bookworm/InRelease",
        "http://debian-mirror.example.net/debian/dists/bookworm/main/binary-amd64/Packages.xz",
        "http://debian-mirror.example.net/debian/dists/bookworm-updates/InRelease",
        "http://debian-mirror.example.net/debian/dists/bookworm-updates/main/binary-amd64/"
        "Packages.xz"};
    constexpr std::string_view kTarget = "pkgly::repository::deb::scheduler";
    if (deb_step_ == 1) {
      standalone(Level::kInfo, {&deb_refresh_}, kTarget, "Deb proxy scheduled refresh started",
                 {disp("repository_id", kDebRepository), integer("dists", 2)});
      ++deb_step_;
      return;
    }
    if (deb_step_ <= 5) {
      const std::string_view url = kDebFiles[static_cast<std::size_t>(deb_step_ - 2)];
      if (rng_.percent(8)) {
        const std::string error =
            fmt::format("error sending request for url ({}): operation timed out", url);
        standalone(Level::kWarn, {&deb_refresh_}, "pkgly::upstream_access", "Upstream HTTP failed",
                   {disp("trace_id", deb_trace_), disp("http.request.method", "GET"),
                    disp("url.full", url), integer("duration_ms", rng_.between(300, 30000)),
                    disp("error", error)});
        standalone(Level::kWarn, {&deb_refresh_}, kTarget, "Deb proxy scheduled refresh failed",
                   {disp("repository_id", kDebRepository), disp("error", error)});
        deb_step_ = 0;
        return;
      }
      standalone(Level::kInfo, {&deb_refresh_}, "pkgly::upstream_access", "Upstream HTTP access",
                 {disp("trace_id", deb_trace_), disp("http.request.method", "GET"),
                  disp("url.full", url), integer("http.response.status_code", 200),
                  integer("duration_ms", rng_.between(80, 900))});
      ++deb_step_;
      return;
    }
    standalone(Level::kInfo, {&deb_refresh_}, kTarget, "Deb proxy scheduled refresh finished",
               {disp("repository_id", kDebRepository), integer("files", rng_.between(4, 60)),
                integer("duration_ms", rng_.between(300, 4000))});
    deb_step_ = 0;
  }

  const Options options_;
  Rng rng_;
  RecordWriter writer_;
  Clock clock_;
  // --days: the gaps between records stretched so that the log spans about that many days (a
  // record is about 1450 bytes, and the unstretched gaps average 310 us).
  u64 gap_scale_ =
      options_.days == 0
          ? 1
          : std::max<u64>(1, options_.days * 86400 * 1000000 / (options_.size / 1450 + 1) / 310);
  std::size_t timestamp_offset_;
  Output out_;
  std::string scratch_;
  RequestFactory requests_;
  std::array<PendingRequest, 8> slots_;  // the requests in flight
  Span session_cleaner_{"Session Cleaner"};
  Span deb_refresh_{"deb_proxy_refresh"};
  int deb_step_ = 0;
  std::string deb_trace_;
};

// ---------------------------------------------------------------------------------------------

constexpr std::string_view kUsage =
    "usage: pkgly-trail-loggen --format full-ansi-compose|json --size BYTES --seed N "
    "[--trace-ids zero|real] > FILE\n"
    "  --size     at least this many bytes (suffix K, M, G: powers of 1024); the requests in\n"
    "             flight are finished, so the output is a few KB longer\n"
    "  --seed     the same seed and options give the same bytes\n"
    "  --trace-ids zero (Pkgly's default, no OpenTelemetry) or real (random W3C id per request)\n"
    "  --days     spread the records over about this many days (a month of traffic for a\n"
    "             report); without it they are 20-600 us apart, as on a busy server\n";

bool parse_u64(std::string_view s, u64& out) {
  if (s.empty()) return false;
  u64 v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    if (v > (~u64{0} - 9) / 10) return false;
    v = v * 10 + static_cast<u64>(c - '0');
  }
  out = v;
  return true;
}

bool parse_size(std::string_view s, u64& out) {
  u64 multiplier = 1;
  if (!s.empty()) {
    switch (s.back()) {
      case 'K':
      case 'k':
        multiplier = u64{1} << 10;
        break;
      case 'M':
      case 'm':
        multiplier = u64{1} << 20;
        break;
      case 'G':
      case 'g':
        multiplier = u64{1} << 30;
        break;
      default:
        break;
    }
    if (multiplier != 1) s.remove_suffix(1);
  }
  u64 v = 0;
  if (!parse_u64(s, v)) return false;
  out = v * multiplier;
  return true;
}

int usage_error(std::string_view message) {
  fmt::print(stderr, "pkgly-trail-loggen: {}\n{}", message, kUsage);
  return 2;
}

int run(int argc, char** argv) {
  Options options;
  bool have_format = false, have_size = false, have_seed = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      fmt::print("{}", kUsage);
      return 0;
    }
    if (i + 1 >= argc) return usage_error(fmt::format("{} needs a value", arg));
    const std::string_view value = argv[++i];
    if (arg == "--format") {
      if (value == "full-ansi-compose")
        options.format = Format::kFullAnsiCompose;
      else if (value == "json")
        options.format = Format::kJson;
      else
        return usage_error(fmt::format("unknown format '{}'", value));
      have_format = true;
    } else if (arg == "--size") {
      if (!parse_size(value, options.size)) return usage_error(fmt::format("bad size '{}'", value));
      have_size = true;
    } else if (arg == "--seed") {
      if (!parse_u64(value, options.seed)) return usage_error(fmt::format("bad seed '{}'", value));
      have_seed = true;
    } else if (arg == "--days") {
      if (!parse_u64(value, options.days) || options.days > 3650)
        return usage_error(fmt::format("--days is a number of days up to 3650, not '{}'", value));
    } else if (arg == "--trace-ids") {
      if (value != "zero" && value != "real")
        return usage_error(fmt::format("--trace-ids is zero or real, not '{}'", value));
      options.real_trace_ids = value == "real";
    } else {
      return usage_error(fmt::format("unknown option '{}'", arg));
    }
  }
  if (!have_format || !have_size || !have_seed)
    return usage_error("--format, --size and --seed are required");
  Generator(options).run();
  return 0;
}

}  // namespace
}  // namespace loggen

int main(int argc, char** argv) {
  return loggen::run(argc, argv);
}