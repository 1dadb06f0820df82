#pragma once
// SHA-256 of the bytes an input gave, as `sha256sum` prints it, for a report that names what it
// read. OpenSSL's libcrypto (Debian's libssl-dev) computes it with the CPU's SHA extensions
// where there are some: about 1 GB/s here, five times coreutils' portable sha256sum. It runs on
// a thread of its own, fed copies of the bytes (see sha256.cpp), so the reader does not wait
// for it.
#include <cstddef>
#include <memory>
#include <span>
#include <string>

namespace pkgly_trail {

class Sha256 {
 public:
  Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;
  ~Sha256();

  void update(std::span<const char> bytes);
  // The digest of every byte given so far, in lower-case hex; update() may go on afterwards.
  // Waits for the hashing thread to catch up.
  std::string hex() const;

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

}  // namespace pkgly_trail
