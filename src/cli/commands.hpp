#pragma once
#include "cli/options.hpp"
#include "pkgly_trail/filter/filter.hpp"

namespace pkgly_trail::cli {

int run_join(const Options& options, const Filter& filter);
int run_trace(const Options& options);
int run_report(const Options& options, const Filter& filter);
int run_hunt(const Options& options, const Filter& filter);
int run_db(const Options& options);

}  // namespace pkgly_trail::cli
