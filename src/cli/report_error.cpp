#include "cli/report_error.hpp"

#include <fmt/format.h>

#include <cstdio>

namespace pkgly_trail::cli {

void report_error(std::string_view message) {
  std::fflush(stdout);
  fmt::print(stderr, "pkgly-trail: {}\n", message);
}

void report_note(std::string_view message) {
  report_error(message);
}

void report_warning(std::string_view message) {
  std::fflush(stdout);
  fmt::print(stderr, "pkgly-trail: warning: {}\n", message);
}

}  // namespace pkgly_trail::cli
