#pragma once
// Ctrl-C: the first one ends the input early so that what is pending (joined events waiting for
// their window) is still printed; a second one ends the program at once.
namespace pkgly_trail::cli {

void install_interrupt_handler();
bool interrupted() noexcept;

}  // namespace pkgly_trail::cli
