#pragma once
// `pkgly-trail completions bash|zsh|fish`: completion scripts generated from the App.
#include <CLI/CLI.hpp>
#include <string>
#include <string_view>

namespace pkgly_trail::cli {

// The script for `shell` (bash, zsh or fish); empty for another shell.
std::string completion_script(const CLI::App& app, std::string_view shell);

}  // namespace pkgly_trail::cli
