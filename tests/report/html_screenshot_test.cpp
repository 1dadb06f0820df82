// The html report as a browser draws it: headless Chromium must load the page (no script, no
// external asset needed) and write a screenshot. Skipped (shown as such by ctest) where Chromium
// is not installed; CI installs it and fails on the skip.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

#include "support/process.hpp"
#include "support/skip.hpp"
#include "support/truth.hpp"

namespace pkgly_trail {

TEST_CASE("headless chromium renders the html report", "[report][chromium][may-skip]") {
  const char* chromium = "/usr/bin/chromium";
  if (::access(chromium, X_OK) != 0) testing::skip("/usr/bin/chromium is not installed");
  auto html =
      testing::run_trail("report -o html " + testing::fixture_arg("full-ansi-compose-real.log"));
  REQUIRE(html.status == 0);
  char dir_template[] = "/tmp/pkgly-trail-chromium-XXXXXX";
  const std::string dir = mkdtemp(dir_template);
  const std::string page = dir + "/report.html", png = dir + "/report.png";
  {
    std::FILE* out = std::fopen(page.c_str(), "wb");
    REQUIRE(out != nullptr);
    std::fwrite(html.out.data(), 1, html.out.size(), out);
    std::fclose(out);
  }
  const std::string command =
      std::string("timeout 120 ") + chromium +
      " --headless --no-sandbox --disable-gpu --disable-background-networking"
      " --disable-component-update --disable-sync --no-first-run --user-data-dir=" +
      dir + "/profile --screenshot=" + png + " --window-size=1280,1600 file://" + page + " >" +
      dir + "/log 2>&1";
  const int status = std::system(command.c_str());
  INFO(testing::read_file(dir + "/log"));
  CHECK(status == 0);
  const std::string image = testing::read_file(png);
  CHECK(image.size() > 10000);
  CHECK(image.rfind("\x89PNG\r\n\x1a\n", 0) == 0);
  std::system(("rm -rf " + dir).c_str());
}

}  // namespace pkgly_trail
