#include "cli/shell_words.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace pkgly_trail::cli {

std::string single_quoted(std::string_view text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string shell_word(std::string_view text) {
  const bool plain = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("-_.:/=@+,%", c);
  });
  return plain ? std::string(text) : single_quoted(text);
}

std::vector<std::string> filter_arguments(const FilterOptions& options) {
  std::vector<std::string> out;
  auto one = [&out](std::string_view option, std::string_view value) {
    out.push_back(fmt::format("{} {}", option, shell_word(value)));
  };
  auto each = [&one](std::string_view option, const std::vector<std::string>& values) {
    for (const std::string& value : values) one(option, value);
  };
  each("--target", options.target_prefixes);
  if (options.min_level) one("--level", to_string(*options.min_level));
  each("--action", options.actions);
  each("--not-action", options.not_actions);
  if (options.outcome) one("--outcome", *options.outcome);
  each("--actor", options.actors);
  each("--not-actor", options.not_actors);
  each("--repository", options.repositories);
  each("--storage", options.storages);
  each("--path", options.paths);
  if (options.since) one("--since", *options.since);
  if (options.until) one("--until", *options.until);
  if (options.around) one("--around", *options.around);
  if (options.context) one("--context", *options.context);
  each("--where", options.where);
  each("--match", options.match);
  return out;
}

}  // namespace pkgly_trail::cli
