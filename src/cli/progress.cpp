#include "cli/progress.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <iterator>

namespace pkgly_trail::cli {

namespace {

// 1 MB = 10^6 bytes, as the benchmark and --stats count.
void append_size(fmt::memory_buffer& out, std::uint64_t bytes) {
  const double value = static_cast<double>(bytes);
  if (bytes >= 1'000'000'000) {
    fmt::format_to(std::back_inserter(out), "{:.2f} GB", value / 1e9);
  } else if (bytes >= 1'000'000) {
    fmt::format_to(std::back_inserter(out), "{:.1f} MB", value / 1e6);
  } else {
    fmt::format_to(std::back_inserter(out), "{:.0f} kB", value / 1e3);
  }
}

// 1234567 -> 1,234,567: counts people read at a glance.
void append_count(fmt::memory_buffer& out, std::uint64_t count) {
  const std::string digits = fmt::format("{}", count);
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
}

void append_duration(fmt::memory_buffer& out, double seconds) {
  const auto whole = static_cast<std::uint64_t>(seconds + 0.5);
  if (whole >= 3600) {
    fmt::format_to(std::back_inserter(out), "{}:{:02}:{:02}", whole / 3600, whole / 60 % 60,
                   whole % 60);
  } else {
    fmt::format_to(std::back_inserter(out), "{}:{:02}", whole / 60, whole % 60);
  }
}

void write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t written = ::write(fd, data, size);
    if (written <= 0) return;  // stderr gone: nothing to tell anyone
    data += written;
    size -= static_cast<std::size_t>(written);
  }
}

}  // namespace

ProgressLine::ProgressLine(bool enabled, std::uint64_t total_bytes, int fd)
    : enabled_(enabled),
      total_bytes_(total_bytes),
      fd_(fd),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

ProgressLine::~ProgressLine() {
  erase();
}

void ProgressLine::update(const ProgressCounts& counts) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  // The first draw also waits one interval: a run that ends at once shows no line at all.
  if (now - last_draw_ < kInterval) return;
  draw(counts, now);
}

void ProgressLine::erase() {
  if (!shown_) return;
  constexpr std::string_view kErase = "\r\x1b[K";
  write_all(fd_, kErase.data(), kErase.size());
  shown_ = false;
}

std::string ProgressLine::describe(const ProgressCounts& counts, std::uint64_t total_bytes,
                                   double seconds) {
  fmt::memory_buffer out;
  // Nothing read yet from stdin: the line starts with the records.
  const bool bytes_known = counts.bytes > 0 || total_bytes > 0;
  const double rate = seconds > 0 ? static_cast<double>(counts.bytes) / seconds : 0;
  if (bytes_known) {
    append_size(out, counts.bytes);
    if (total_bytes > 0) {
      out.append(std::string_view(" of "));
      append_size(out, total_bytes);
      const double done = static_cast<double>(counts.bytes) / static_cast<double>(total_bytes);
      fmt::format_to(std::back_inserter(out), " ({:.0f}%)", 100.0 * (done > 1 ? 1 : done));
    }
    out.append(std::string_view(", "));
    append_size(out, static_cast<std::uint64_t>(rate));
    out.append(std::string_view("/s, "));
  }
  append_count(out, counts.records);
  out.append(std::string_view(" records, "));
  append_count(out, counts.matches);
  out.append(std::string_view(counts.matches == 1 ? " match" : " matches"));
  if (total_bytes > counts.bytes && rate > 0) {
    out.append(std::string_view(", ETA "));
    append_duration(out, static_cast<double>(total_bytes - counts.bytes) / rate);
  }
  return fmt::to_string(out);
}

void ProgressLine::draw(const ProgressCounts& counts, std::chrono::steady_clock::time_point now) {
  last_draw_ = now;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  line_.clear();
  line_.append(std::string_view("\rpkgly-trail: "));
  const std::string text = describe(counts, total_bytes_, seconds);
  line_.append(text);
  line_.append(std::string_view("\x1b[K"));
  write_all(fd_, line_.data(), line_.size());
  shown_ = true;
}

std::uint64_t total_input_bytes(const std::vector<std::string>& inputs) {
  if (inputs.empty()) return 0;
  std::uint64_t total = 0;
  for (const std::string& input : inputs) {
    struct stat info {};
    if (input == "-" || ::stat(input.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) return 0;
    total += static_cast<std::uint64_t>(info.st_size);
  }
  return total;
}

}  // namespace pkgly_trail::cli
