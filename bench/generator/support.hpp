// Small deterministic building blocks of the generator: PRNG, log clock, output buffer, ids.
#pragma once

#include <fmt/format.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

namespace loggen {

using u64 = std::uint64_t;

// xoshiro256** seeded through splitmix64.
class Rng {
 public:
  explicit Rng(u64 seed) {
    for (auto& word : s_) {
      seed += 0x9e3779b97f4a7c15ULL;
      u64 z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      word = z ^ (z >> 31);
    }
  }
  u64 next() {
    const u64 result = rotl(s_[1] * 5, 7) * 9;
    const u64 t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, n), n < 2^32 (Lemire's multiply-shift; the bias is negligible here).
  std::uint32_t below(std::uint32_t n) {
    return static_cast<std::uint32_t>(((next() >> 32) * n) >> 32);
  }
  std::int64_t between(std::int64_t lo, std::int64_t hi) {  // inclusive
    return lo + below(static_cast<std::uint32_t>(hi - lo + 1));
  }
  bool percent(std::uint32_t p) { return below(100) < p; }
  template <class T, std::size_t N>
  const T& pick(const std::array<T, N>& items) {
    return items[below(static_cast<std::uint32_t>(N))];
  }

 private:
  static u64 rotl(u64 x, int k) { return (x << k) | (x >> (64 - k)); }
  u64 s_[4];
};

// ---------------------------------------------------------------------------------------------
// Time: microseconds since the epoch, written as 2025-11-20T10:15:30.123456Z.

constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

class Clock {
 public:
  explicit Clock(u64 us) : us_(us) {}
  void advance(u64 us) { us_ += us; }
  u64 now() const { return us_; }
  // 27 bytes, not NUL-terminated.
  const char* text() {
    const u64 sec = us_ / 1000000;
    if (sec != cached_sec_) render_second(sec);
    u64 micros = us_ % 1000000;
    for (int i = 25; i >= 20; --i) {
      buf_[i] = static_cast<char>('0' + micros % 10);
      micros /= 10;
    }
    return buf_;
  }

 private:
  void render_second(u64 sec) {
    cached_sec_ = sec;
    std::int64_t z = static_cast<std::int64_t>(sec / 86400) + 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned day = doy - (153 * mp + 2) / 5 + 1;
    const unsigned month = mp < 10 ? mp + 3 : mp - 9;
    const std::int64_t year = static_cast<std::int64_t>(yoe) + era * 400 + (month <= 2);
    const u64 sod = sec % 86400;
    fmt::format_to(buf_, "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.", year, month, day, sod / 3600,
                   sod / 60 % 60, sod % 60);
    buf_[26] = 'Z';
  }

  u64 us_;
  u64 cached_sec_ = ~u64{0};
  char buf_[28] = {};
};

// ---------------------------------------------------------------------------------------------
// Output: one large buffer, written to stdout in large writes.

class Output {
 public:
  Output() { buf_.reserve(kFlushAt + (1 << 20)); }
  std::string& buffer() { return buf_; }
  u64 total() const { return flushed_ + buf_.size(); }
  void maybe_flush() {
    if (buf_.size() >= kFlushAt) flush();
  }
  void flush() {
    const char* p = buf_.data();
    std::size_t left = buf_.size();
    while (left > 0) {
      const ssize_t n = ::write(STDOUT_FILENO, p, left);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EPIPE) std::exit(0);  // `| head`: the reader has what it wanted
        fmt::print(stderr, "pkgly-trail-loggen: write error: {}\n", std::strerror(errno));
        std::exit(2);
      }
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    flushed_ += buf_.size();
    buf_.clear();
  }

 private:
  static constexpr std::size_t kFlushAt = std::size_t{4} << 20;
  std::string buf_;
  u64 flushed_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Values.
constexpr std::string_view kZeroTraceId = "00000000000000000000000000000000";

inline void append_hex(std::string& out, u64 v, int digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = digits - 1; i >= 0; --i) out += kHex[(v >> (i * 4)) & 0xF];
}

inline std::string uuid_v4(Rng& rng) {
  u64 a = rng.next();
  u64 b = rng.next();
  a = (a & ~(u64{0xF} << 12)) | (u64{0x4} << 12);  // version 4
  b = (b & ~(u64{0x3} << 62)) | (u64{0x2} << 62);  // RFC 4122 variant
  std::string s;
  s.reserve(36);
  append_hex(s, a >> 32, 8);
  s += '-';
  append_hex(s, (a >> 16) & 0xFFFF, 4);
  s += '-';
  append_hex(s, a & 0xFFFF, 4);
  s += '-';
  append_hex(s, b >> 48, 4);
  s += '-';
  append_hex(s, b & 0xFFFFFFFFFFFFULL, 12);
  return s;
}

inline std::string random_trace_id(Rng& rng) {
  std::string s;
  s.reserve(32);
  append_hex(s, rng.next(), 16);
  append_hex(s, rng.next(), 16);
  return s;
}

// application/x-www-form-urlencoded, as browsers send a search box.
inline void append_form_encoded(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '*') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
}

}  // namespace loggen
