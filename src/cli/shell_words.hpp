#pragma once
// Words as a POSIX shell (bash, zsh) reads them: for the completion scripts, and for the
// command line a report says it was made with.
#include <string>
#include <string_view>
#include <vector>

#include "pkgly_trail/filter/filter.hpp"

namespace pkgly_trail::cli {

// `text` in single quotes ('\'' for a quote).
std::string single_quoted(std::string_view text);
// `text` as it is when a shell would read it as one word unchanged, else single_quoted.
std::string shell_word(std::string_view text);
// The filter options as a person types them (`--actor bob`, `--where 'k=v'`: one element
// each), for a report that says which events it counted.
std::vector<std::string> filter_arguments(const FilterOptions& options);

}  // namespace pkgly_trail::cli
