#pragma once
// Long output on a terminal goes through a pager, as git does: $PAGER, else `less` with
// LESS=FRX (quit at once when it fits on one screen, pass pkgly-trail's colours, leave the
// text on screen). Only pkgly-trail's own colour codes reach it: log text is escaped by the
// sinks, so `less -R` cannot be driven by a log line.
#include <sys/types.h>

#include <memory>

#include "cli/options.hpp"
#include "cli/terminal.hpp"

namespace pkgly_trail::cli {

class Pager {
 public:
  // Starts the pager and points stdout at it; nullptr when no pager should or can run.
  static std::unique_ptr<Pager> start(const Options& options, const Screen& screen);
  Pager(const Pager&) = delete;
  Pager& operator=(const Pager&) = delete;
  // Closes stdout so the pager sees the end, and waits for the reader to quit.
  ~Pager();

 private:
  explicit Pager(pid_t pid) : pid_(pid) {}
  pid_t pid_;
};

}  // namespace pkgly_trail::cli
