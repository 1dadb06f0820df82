// The man page the build generates (build/pkgly-trail.1, from `pkgly-trail man`): present,
// complete, and rendered without warnings.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <vector>

#include "support/process.hpp"
#include "support/skip.hpp"

namespace pkgly_trail {
namespace {

struct Rendered {
  int status = -1;
  std::string out, err;
};

Rendered render(const std::string& command) {
  char dir_template[] = "/tmp/pkgly-trail-man-XXXXXX";
  std::string dir = mkdtemp(dir_template);
  int raw = std::system((command + " >" + dir + "/out 2>" + dir + "/err").c_str());
  Rendered r{WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, testing::read_file(dir + "/out"),
             testing::read_file(dir + "/err")};
  std::system(("rm -rf " + dir).c_str());
  return r;
}

}  // namespace

TEST_CASE("the build writes pkgly-trail.1: every section and command", "[cli][man]") {
  const std::string page = testing::read_file(PKGLY_TRAIL_MAN_PAGE);
  REQUIRE(!page.empty());
  CHECK(page.find("\n.TH PKGLY\\-TRAIL 1 ") != std::string::npos);
  for (const char* section : {".SH NAME\n", ".SH SYNOPSIS\n", ".SH DESCRIPTION\n", ".SH COMMANDS\n",
                              ".SH EXIT STATUS\n", ".SH EXAMPLES\n", ".SH ENVIRONMENT\n"})
    CHECK(page.find(section) != std::string::npos);
  for (const char* command : {"audit", "records", "join", "trace", "report", "completions"})
    CHECK(page.find(std::string(".SS ") + command + "\n") != std::string::npos);
  CHECK(page.find(".SS man\n") == std::string::npos);  // the generator itself stays hidden
  for (const char* text : {"\\-\\-outcome", "\\-\\-max\\-memory", "NO_COLOR", "TZ", "PAGER",
                           "LESS=FRX", "SOURCE_DATE_EPOCH"})
    CHECK(page.find(text) != std::string::npos);
  // Not stale: the same bytes as the binary writes now.
  auto now = testing::run_trail("man");
  CHECK(now.status == 0);
  CHECK(now.out == page);
}

TEST_CASE("pkgly-trail.1 documents each command's options under that command", "[cli][man]") {
  // The interface as documented for users (README, docs/): written out here, not read from
  // the binary, so an option lost from the page or put under the wrong command fails.
  const std::vector<std::pair<std::string, std::vector<std::string>>> commands{
      {"audit",
       {"--since", "--until", "--actor", "--action", "--outcome", "--repository", "--storage",
        "--path", "--where", "--match", "--fields", "--output", "--follow", "--follow-dir",
        "--merge", "--stats", "--strict", "--raw-csv", "--utc"}},
      {"records",
       {"--level", "--target", "--where", "--match", "--since", "--until", "--output", "--fields",
        "--service", "--max-line-bytes"}},
      {"join",
       {"--window", "--max-memory", "--max-related", "--access-only", "--sqlite", "--outcome",
        "--output", "--follow", "--merge"}},
      {"trace", {"--window", "--max-memory", "--output"}},
      {"report",
       {"--by", "--bucket", "--top", "--max-groups", "--out-dir", "--output", "--since",
        "--until"}},
  };
  const std::string page = testing::read_file(PKGLY_TRAIL_MAN_PAGE);
  for (const auto& [command, options] : commands) {
    INFO(command);
    const std::size_t start = page.find(".SS " + command + "\n");
    REQUIRE(start != std::string::npos);
    std::size_t end = std::min(page.find("\n.SS ", start + 1), page.find("\n.SH ", start + 1));
    const std::string section = page.substr(start, end == std::string::npos ? end : end - start);
    for (const std::string& option : options) {
      std::string roff;  // "--since" is written \-\-since
      for (char c : option) roff += c == '-' ? std::string("\\-") : std::string(1, c);
      INFO(option);
      CHECK(section.find(roff) != std::string::npos);
    }
  }
  // An option of another command is not listed under audit.
  const std::size_t audit = page.find(".SS audit\n");
  const std::string audit_section = page.substr(audit, page.find("\n.SS ", audit + 1) - audit);
  CHECK(audit_section.find("\\-\\-sqlite") == std::string::npos);
}

TEST_CASE("pkgly-trail.1 renders without warnings", "[cli][man][may-skip]") {
  const std::string page = testing::shell_quote(PKGLY_TRAIL_MAN_PAGE);
  std::string command;
  if (testing::have_program("groff")) {
    command = "groff -man -Tutf8 -ww " + page;  // -ww: every warning
  } else if (testing::have_program("man")) {
    command = "MANWIDTH=80 man -l " + page;
  } else {
    testing::skip("neither groff nor man is installed");
  }
  Rendered r = render(command);
  INFO(command << "\n" << r.err);
  CHECK(r.status == 0);
  CHECK(r.err.empty());
  CHECK(r.out.find("PKGLY-TRAIL(1)") != std::string::npos);
  CHECK(r.out.find("Nothing matched.") != std::string::npos);  // plain text (headings are bold)
  CHECK(r.out.find("completions") != std::string::npos);
}

}  // namespace pkgly_trail

namespace pkgly_trail {

TEST_CASE("every command's help ends with examples of that command", "[cli][man]") {
  for (const std::string command : {"audit", "join", "trace", "records", "report"}) {
    const auto help = testing::run_trail(command + " --help");
    CHECK(help.status == 0);
    const std::size_t examples = help.out.find("Examples:\n");
    REQUIRE(examples != std::string::npos);
    CHECK(help.out.find("pkgly-trail " + command + " ", examples) != std::string::npos);
    CHECK(help.out.find("Exit status:", examples) != std::string::npos);
  }
}

}  // namespace pkgly_trail
