#pragma once
// What the terminal around pkgly-trail allows, settled once at start: a pager may take over
// stdout afterwards, and colours, line width and the progress line must still follow what the
// user is looking at.
#include <cstddef>

#include "cli/options.hpp"

namespace pkgly_trail::cli {

struct Screen {
  bool stdout_terminal = false;
  bool stderr_terminal = false;
  std::size_t columns = 0;  // width of the terminal stdout writes to; 0 when not a terminal
};

Screen probe_screen();

// Options with every `auto` decided for this screen: --color auto becomes always or never, and
// text lines get the terminal width unless --wide.
Options settle_for_screen(const Options& options, const Screen& screen);

// Every input is a file, not stdin or a named pipe: a stream may be live and never end.
bool reads_only_files(const Options& options);

// The progress line: forced by --progress/--no-progress, else only when stderr is a terminal
// and stdout is not (a person waits for a file or a pipe to fill) and the inputs are files.
bool wants_progress(const Options& options, const Screen& screen);

}  // namespace pkgly_trail::cli
