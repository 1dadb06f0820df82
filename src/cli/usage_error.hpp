#pragma once
// What a person sees when the command line is wrong: the error in the program's voice, the
// command or option they probably meant (`adit` -> audit, `--acton` -> --action), and where
// to read the rest.
#include <CLI/CLI.hpp>

namespace pkgly_trail::cli {

// Prints the message for `error` (not --help or --version) to stderr.
void print_usage_error(const CLI::App& app, const CLI::ParseError& error, int argc, char** argv);

}  // namespace pkgly_trail::cli
