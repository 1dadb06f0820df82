#include "cli/interrupt.hpp"

#include <signal.h>

namespace pkgly_trail::cli {

namespace {

// A signal handler can only talk to the program through such a flag.
volatile sig_atomic_t interrupt_count = 0;

void on_interrupt(int signal_number) {
  interrupt_count = interrupt_count + 1;
  if (interrupt_count >= 2) {
    ::signal(signal_number, SIG_DFL);
    ::raise(signal_number);
  }
}

}  // namespace

void install_interrupt_handler() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a blocked read(2) returns EINTR and the input ends
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
}

bool interrupted() noexcept {
  return interrupt_count > 0;
}

}  // namespace pkgly_trail::cli
