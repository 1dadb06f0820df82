#pragma once
// What reading tells whoever runs it, besides the records: problems with an input, how far it
// has got, and the one stop that does not come from the stage chain (Ctrl-C).
#include <cstdint>
#include <string_view>

namespace pkgly_trail {

struct ReadProgress {
  std::uint64_t bytes = 0;    // input bytes read (compressed, for gzip), all inputs together
  std::uint64_t records = 0;  // records handed to the chain
};

class ReadObserver {
 public:
  virtual ~ReadObserver() = default;
  // An input could not be opened, read or followed. `message` names the input and says why,
  // without the program's name; reading goes on with the other inputs.
  virtual void on_problem(std::string_view message) = 0;
  // Every few thousand lines (or each batch of merged records), and while an input is quiet.
  virtual void on_progress(const ReadProgress& progress) { static_cast<void>(progress); }
  // Polled between reads and while waiting: true stops reading (Ctrl-C). What was read whole
  // still goes down the chain, and the chain is finished.
  virtual bool should_stop() const { return false; }
  // Reading has ended (the chain is finished): what follows on stderr is the run's summary.
  virtual void on_end() {}
};

}  // namespace pkgly_trail
