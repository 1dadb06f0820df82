#pragma once
// What the command line asks to read, as the read stage's plan, and the person at the terminal
// as the read stage's observer: problems on stderr, the progress line, Ctrl-C.
#include <cstdint>
#include <string_view>

#include "cli/options.hpp"
#include "cli/progress.hpp"
#include "pkgly_trail/read/read_records.hpp"

namespace pkgly_trail::cli {

// The inputs of `options` (stdin when there is none): one after the other, merged by timestamp
// with --merge, followed with --follow or --follow-dir.
ReadPlan read_plan(const Options& options, AssemblerOptions assembler);

class TerminalObserver final : public ReadObserver {
 public:
  // `matched`: the count of records or events printed so far, kept by the chain's last stage.
  TerminalObserver(const Options& options, const std::uint64_t& matched);
  void on_problem(std::string_view message) override;
  void on_progress(const ReadProgress& progress) override;
  bool should_stop() const override;
  // The progress line goes before the run's stats and warnings are written.
  void on_end() override;

 private:
  ProgressLine progress_;
  const std::uint64_t& matched_;
};

}  // namespace pkgly_trail::cli
