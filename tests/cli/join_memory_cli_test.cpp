// End to end: `join --max-memory 96M` on a few hundred MB of the hostile shapes (audit events
// with 1 MB queries and no access record, access records with 1 MB url paths) stays near the
// budget, prints every audit event, and says what the evicted ones lack.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "support/live_trail.hpp"
#include "support/process.hpp"

namespace pkgly_trail {

namespace {

struct Measured {
  int status = -1;
  long max_rss_kib = 0;
};

// Runs the binary with stdout and stderr to files; the peak RSS is that child's own.
Measured run_measured(const std::vector<std::string>& args, const std::string& out,
                      const std::string& err) {
  testing::LiveTrail trail(args, testing::LiveSetup().no_input().out_to(out).err_to(err));
  struct rusage usage {};
  Measured measured;
  measured.status = trail.wait(&usage);
  measured.max_rss_kib = usage.ru_maxrss;
  return measured;
}

std::string at(int n) {
  char text[40];
  std::snprintf(text, sizeof text, "2025-11-20T10:%02d:%02d.%06dZ", 15 + n / 60000000,
                (n / 1000000) % 60, n % 1000000);
  return text;
}

}  // namespace

TEST_CASE("join --max-memory 96M holds a few hundred MB of hostile records within the budget",
          "[cli][join][bounds]") {
  char dir_template[] = "/tmp/pkgly-trail-memory-XXXXXX";
  const std::string dir = mkdtemp(dir_template);
  const std::string log = dir + "/hostile.log";
  const std::string megabyte(1 << 20, 'q');
  const int audits = 150, accesses = 150;
  {
    std::FILE* out = std::fopen(log.c_str(), "wb");
    REQUIRE(out != nullptr);
    int line = 0;
    for (int i = 0; i < audits; ++i)
      std::fprintf(out,
                   "%s  INFO [HTTP request] pkgly::audit: Audit event "
                   "trace_id=00000000000000000000000000000000 action=package.search "
                   "outcome=success actor_username=u%d actor_id=3 actor_authenticated=true "
                   "resource_kind= resource_id= resource_name= repository_id= storage_id= "
                   "target_user_id=0 token_id=0 path= query=%s http_request_method=GET "
                   "http_route=/api/search url_path=/api/search/%d "
                   "http_response_status_code=200\n",
                   at(++line).c_str(), i, megabyte.c_str(), i);
    for (int i = 0; i < accesses; ++i)
      std::fprintf(out,
                   "%s  INFO [HTTP request] pkgly::access: HTTP access "
                   "trace_id=00000000000000000000000000000000 http.request.method=GET "
                   "http.route=/{storage}/{repository}/{*path} url.path=/s/r/%s%d "
                   "http.response.status_code=200 duration_ms=3 "
                   "request_id=%08x-0000-4000-8000-000000000000\n",
                   at(++line).c_str(), megabyte.c_str(), i, i);
    std::fclose(out);
  }
  const Measured run = run_measured(
      {"join", "--max-memory", "96M", "--stats", "-o", "csv", "--fields", "actor_username", log},
      dir + "/out", dir + "/err");
  const std::string err = testing::read_file(dir + "/err");
  INFO(err);
  CHECK(run.status == 0);
  // Before: 1.97 GB for the audit events alone. The budget plus the reader's buffers and one
  // record being parsed.
  CHECK(run.max_rss_kib < 200 * 1024);
  CHECK(err.find("audit events        150\n") != std::string::npos);
  CHECK(err.find("  printed           150\n") != std::string::npos);
  CHECK(err.find("audits evicted      0 ") == std::string::npos);
  CHECK(err.find("requests evicted    0 ") == std::string::npos);
  CHECK(err.find("pkgly-trail: warning: --max-memory 100663296 bytes reached: ") !=
        std::string::npos);
  std::system(("rm -rf " + dir).c_str());
}

}  // namespace pkgly_trail
