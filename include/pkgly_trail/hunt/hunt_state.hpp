#pragma once
// `hunt --state FILE`: what one run of `hunt` leaves to the next, in one SQLite file.
//
//  - The addresses each actor acted from, with first and last times (event time), so
//    `actor_address_new` is true only for an address a known actor was never seen with, today
//    or on an earlier run. Pairs not seen for `forget_after_us` (90 days by default, by event time)
//    are forgotten; at most `max_addresses` are kept, the least recently seen going first.
//  - The correlation windows still open at the end of a run (CorrelationEngine::save_windows),
//    so a burst that began before midnight and goes on after it is still counted as one.
//
// Everything is read at open, kept and updated in memory during the run, and written by save()
// in one transaction: a run that fails midway leaves the file as the last good run left it.
// Without a file (HuntState()), the same memory-only state serves one run and save() does
// nothing.
//
// The file: `PRAGMA application_id` kHuntStateApplicationId and `PRAGMA user_version`
// kHuntStateSchemaVersion. A new or empty file gets the schema; any other SQLite file, another
// schema version, or a file that is not SQLite at all is refused (HuntStateError), and left as
// it was.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace pkgly_trail::hunt {

// `PRAGMA application_id` of a hunt state file ("pkhs"; `join --sqlite` databases carry "pktr").
inline constexpr std::int32_t kHuntStateApplicationId = 0x706b6873;
// `PRAGMA user_version` of the files this build reads and writes.
inline constexpr int kHuntStateSchemaVersion = 1;

// The file cannot be opened, is not a hunt state file of this schema version, or a read or
// write failed. The message names the file, says what is wrong and what to do.
class HuntStateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct HuntStateLimits {
  // A pair not seen for this long (event time: the newest event the state was told of) is
  // forgotten, and an address seen again after that is new again.
  std::int64_t forget_after_us = std::int64_t{90} * 86'400 * 1'000'000;
  // The most (actor, address) pairs kept; beyond it the least recently seen pair is forgotten.
  std::size_t max_addresses = 1'000'000;
};

// A correlation window as saved: opaque to the state, written and read by CorrelationEngine.
struct SavedWindow {
  std::string rule;        // the correlation: "id:" + its id, or "title:" + its title
  std::string definition;  // the correlation's definition when saved (another one drops it)
  std::string group_key;   // bytes: the group's values
  std::string state;       // bytes: the window's content

  friend bool operator==(const SavedWindow&, const SavedWindow&) = default;
};

class HuntState {
 public:
  // Memory only: nothing is read, save() writes nothing.
  explicit HuntState(HuntStateLimits limits = {});
  // Opens FILE, creating it (and its schema) when it does not exist or is empty, and reads it.
  // Throws HuntStateError.
  explicit HuntState(const std::string& path, HuntStateLimits limits = {});
  ~HuntState();
  HuntState(HuntState&&) noexcept;
  HuntState& operator=(HuntState&&) noexcept;

  // Records that `actor` acted from `address` at `at_us` (µs since the epoch, UTC) and answers
  // whether that is a new address of a known actor (`actor_address_new`): true when the actor
  // has other addresses remembered and not this one. An actor's first address is not new (it
  // is the first sight of the actor), nor is one remembered. Remembered means recorded earlier
  // in reading order or on an earlier run, and last seen at most forget_after_us before the
  // newest event time the state was told of (an actor all of whose addresses are forgotten is
  // seen for the first time again). Actor and address are compared as bytes.
  bool address_is_new(std::string_view actor, std::string_view address, std::int64_t at_us);

  // The windows read from the file (or last set), for CorrelationEngine::restore_windows.
  const std::vector<SavedWindow>& windows() const noexcept;
  // The windows save() writes, replacing all of those in the file.
  void set_windows(std::vector<SavedWindow> windows);

  // Writes the addresses learnt (and forgets in the file those forgotten) and the windows, in
  // one transaction. Nothing without a file. Throws HuntStateError; the file then keeps what it
  // held before.
  void save();

  struct Stats {
    std::size_t addresses_held = 0;         // pairs in memory now
    std::uint64_t addresses_loaded = 0;     // pairs read from the file at open
    std::uint64_t addresses_forgotten = 0;  // pairs dropped after forget_after_us unseen
    std::uint64_t addresses_evicted = 0;    // pairs dropped to stay within max_addresses
  };
  Stats stats() const noexcept;
  // The file, or "" for a memory-only state.
  const std::string& path() const noexcept;

 private:
  struct Store;
  std::unique_ptr<Store> store_;
};

}  // namespace pkgly_trail::hunt
