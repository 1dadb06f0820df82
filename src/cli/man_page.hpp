#pragma once
// `pkgly-trail man` (hidden): the man page, troff, generated from the App; the build writes it
// to pkgly-trail.1.
#include <CLI/CLI.hpp>
#include <string>

namespace pkgly_trail::cli {

std::string man_page(const CLI::App& app);

}  // namespace pkgly_trail::cli
