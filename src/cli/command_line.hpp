#pragma once
// The command line as one CLI11 App: parse_options parses with it, and the shell completion
// scripts and the man page are generated from it, so the three always agree.
#include <CLI/CLI.hpp>
#include <string>

#include "cli/options.hpp"

namespace pkgly_trail::cli {

// CLI11 2.1 fills plain strings; parse_options converts these after parsing.
struct OptionText {
  std::string outcome, since, until, around, context, level, window, memory;
};

// Every subcommand and option of pkgly-trail, bound to `options` and to `text`.
class CommandLine {
 public:
  explicit CommandLine(Options& options);
  CommandLine(const CommandLine&) = delete;
  CommandLine& operator=(const CommandLine&) = delete;

  CLI::App& app() noexcept { return app_; }
  const CLI::App& app() const noexcept { return app_; }
  const OptionText& text() const noexcept { return text_; }
  // The subcommand NAME (audit, join...), which must exist.
  CLI::App& command(const std::string& name) { return *app_.get_subcommand(name); }

 private:
  OptionText text_;
  CLI::App app_;
};

}  // namespace pkgly_trail::cli
