#pragma once
// The commands and options of the CLI11 App as plain values, for the generated documents
// (shell completion scripts, the man page): they walk the same App that parses argv.
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace pkgly_trail::cli {

struct OptionSpec {
  std::vector<std::string> names;  // "-o", "--output"; empty for a positional
  std::string positional;          // FILE, ID, SHELL; empty for an option
  std::string value;               // TEXT, UINT...; empty for a flag
  std::string description;
  std::string group;                 // Filters, Output...
  std::vector<std::string> choices;  // the accepted values when CLI11 knows them
  bool required = false;
};

struct CommandSpec {
  std::string name;
  std::string description;
  std::string footer;
  std::vector<OptionSpec> options;  // in definition order, help first
};

// The App's visible subcommands (hidden ones, like `man`, are left out) and their options.
std::vector<CommandSpec> describe_commands(const CLI::App& app);
// The top-level options (--help, --version).
std::vector<OptionSpec> describe_options(const CLI::App& app);

}  // namespace pkgly_trail::cli
