#pragma once
#include "cli/options.hpp"

namespace pkgly_trail::cli {

// Runs the command; returns the exit status (0 found, 1 nothing found, 2 trouble).
int run(const Options& options);

}  // namespace pkgly_trail::cli
