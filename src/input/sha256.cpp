#include "sha256.hpp"

#include <openssl/evp.h>

#include <array>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <new>
#include <thread>
#include <vector>

namespace pkgly_trail {

namespace {

// Bytes are handed to the hashing thread in blocks of this size; at most kQueuedBlocks wait,
// so the reader runs ahead of the hash by a few MiB at most, then waits for it.
constexpr std::size_t kBlockBytes = 1 << 20;
constexpr std::size_t kQueuedBlocks = 8;

struct Digest {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  Digest() {
    if (md == nullptr || EVP_DigestInit_ex(md, EVP_sha256(), nullptr) != 1) {
      EVP_MD_CTX_free(md);
      throw std::bad_alloc();
    }
  }
  Digest(const Digest&) = delete;
  Digest& operator=(const Digest&) = delete;
  ~Digest() { EVP_MD_CTX_free(md); }
};

}  // namespace

// The reading thread copies what it read into a block (a memcpy, a tenth of the hash's cost)
// and the hashing thread, started at the first block, digests the blocks in order: the hash
// costs the reader almost nothing (it was 8-10% of `report`'s reading thread, the one that
// bounds its speed, while the other core idled).
struct Sha256::Context {
  Digest digest;  // the hashing thread's, between the lock's hand-overs
  std::vector<char> filling;
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<std::vector<char>> queued;
  std::vector<std::vector<char>> spare;
  bool hashing = false;  // the thread holds a block it took from `queued`
  bool ending = false;
  std::thread worker;

  ~Context() {
    {
      std::lock_guard lock(mutex);
      ending = true;
    }
    changed.notify_all();
    if (worker.joinable()) worker.join();
  }

  void run() {
    std::unique_lock lock(mutex);
    for (;;) {
      changed.wait(lock, [this] { return ending || !queued.empty(); });
      if (queued.empty()) return;
      std::vector<char> block = std::move(queued.front());
      queued.pop_front();
      hashing = true;
      lock.unlock();
      changed.notify_all();  // room in the queue
      EVP_DigestUpdate(digest.md, block.data(), block.size());
      block.clear();
      lock.lock();
      hashing = false;
      spare.push_back(std::move(block));
      changed.notify_all();  // maybe drained
    }
  }

  // Queues the block being filled, waiting while the queue is full.
  void hand_over() {
    if (filling.empty()) return;
    std::unique_lock lock(mutex);
    if (!worker.joinable()) worker = std::thread([this] { run(); });
    changed.wait(lock, [this] { return queued.size() < kQueuedBlocks; });
    queued.push_back(std::move(filling));
    filling.clear();
    if (!spare.empty()) {
      filling = std::move(spare.back());
      spare.pop_back();
    }
    lock.unlock();
    changed.notify_all();
  }

  // Everything given so far is in the digest (the caller's thread then owns it until the next
  // hand-over).
  void drain() {
    hand_over();
    std::unique_lock lock(mutex);
    changed.wait(lock, [this] { return queued.empty() && !hashing; });
  }
};

Sha256::Sha256() : context_(std::make_unique<Context>()) {}
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;
Sha256::~Sha256() = default;

void Sha256::update(std::span<const char> bytes) {
  Context& c = *context_;
  while (!bytes.empty()) {
    if (c.filling.capacity() < kBlockBytes) c.filling.reserve(kBlockBytes);
    const std::size_t room = kBlockBytes - c.filling.size();
    const std::size_t take = std::min(room, bytes.size());
    c.filling.insert(c.filling.end(), bytes.begin(), bytes.begin() + static_cast<long>(take));
    bytes = bytes.subspan(take);
    if (c.filling.size() == kBlockBytes) c.hand_over();
  }
}

std::string Sha256::hex() const {
  Context& c = *context_;
  c.drain();
  // Finish a copy, so the running digest can take more bytes.
  Digest copy;
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (EVP_MD_CTX_copy_ex(copy.md, c.digest.md) != 1 ||
      EVP_DigestFinal_ex(copy.md, digest.data(), &size) != 1)
    throw std::bad_alloc();
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * size);
  for (unsigned int i = 0; i < size; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xF]);
  }
  return out;
}

}  // namespace pkgly_trail
