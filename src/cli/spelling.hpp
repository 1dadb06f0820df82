#pragma once
// "Did you mean ...?": the closest of a few known words to one a person mistyped, as git and
// cargo suggest a command or an option.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pkgly_trail::cli {

// Edits (insert, delete, replace, swap two neighbours) that turn `a` into `b`.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word`, when it is close enough to be what was meant: at most one
// edit in three characters (at least one edit allowed), or `word` is a prefix of exactly one
// candidate. Ties go to the first candidate.
std::optional<std::string> closest_word(std::string_view word,
                                        const std::vector<std::string>& candidates);

}  // namespace pkgly_trail::cli
