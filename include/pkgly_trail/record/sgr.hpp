#pragma once
// The SGR escape sequences (styles and colours) that tracing-subscriber writes in its ANSI
// formats and that pkgly-trail writes in its own coloured text: one spelling for the parsers
// that read them and the sinks that write them.
#include <string_view>

namespace pkgly_trail::sgr {

inline constexpr std::string_view kReset = "\x1b[0m";
inline constexpr std::string_view kBold = "\x1b[1m";
inline constexpr std::string_view kDim = "\x1b[2m";
inline constexpr std::string_view kBoldRed = "\x1b[1;31m";
inline constexpr std::string_view kRed = "\x1b[31m";
inline constexpr std::string_view kGreen = "\x1b[32m";
inline constexpr std::string_view kYellow = "\x1b[33m";
inline constexpr std::string_view kBlue = "\x1b[34m";
inline constexpr std::string_view kMagenta = "\x1b[35m";

}  // namespace pkgly_trail::sgr
