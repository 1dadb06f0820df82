#pragma once
// Small helpers for tests that write logs line by line or measure what a terminal shows.
#include <cstdio>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace pkgly_trail::testing {

// Appends lines[from, to) to `path`, one per line.
inline void append_lines(const std::string& path, const std::vector<std::string>& lines,
                         std::size_t from, std::size_t to) {
  std::FILE* out = std::fopen(path.c_str(), "a");
  for (std::size_t i = from; i < to && i < lines.size(); ++i)
    std::fprintf(out, "%s\n", lines[i].c_str());
  std::fclose(out);
}

// The lines of `text`, without their '\n'.
inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Columns a terminal gives `line`: SGR escapes take none, a UTF-8 character takes one.
inline std::size_t columns_of(std::string_view line) {
  std::size_t columns = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    if (c == 0x1b) {
      while (i < line.size() && line[i] != 'm') ++i;
      continue;
    }
    if ((c & 0xC0) != 0x80) ++columns;
  }
  return columns;
}

}  // namespace pkgly_trail::testing
