#include <csignal>

#include "cli/interrupt.hpp"
#include "cli/options.hpp"
#include "cli/run.hpp"

int main(int argc, char** argv) {
  // A closed pipe is noticed as EPIPE by the output stream, so `| head` ends quietly.
  std::signal(SIGPIPE, SIG_IGN);
  pkgly_trail::cli::install_interrupt_handler();
  pkgly_trail::cli::Options options;
  if (auto exit_code = pkgly_trail::cli::parse_options(argc, argv, options)) return *exit_code;
  return pkgly_trail::cli::run(options);
}
