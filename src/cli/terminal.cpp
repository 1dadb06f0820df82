#include "cli/terminal.hpp"

#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <string_view>

#include "cli/common.hpp"

namespace pkgly_trail::cli {

namespace {

std::size_t terminal_columns(int fd) {
  winsize size{};
  if (::ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  // Some terminals (and `script`) report no size; shells export COLUMNS.
  if (const char* env = std::getenv("COLUMNS")) {
    const std::string_view text(env);
    std::size_t columns = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), columns);
    if (ec == std::errc() && end == text.data() + text.size() && columns > 0) return columns;
  }
  return 80;
}

}  // namespace

bool reads_only_files(const Options& options) {
  if (options.inputs.empty()) return false;  // stdin
  for (const std::string& input : options.inputs) {
    if (input == "-") return false;
    struct stat info {};
    if (::stat(input.c_str(), &info) == 0 && S_ISFIFO(info.st_mode)) return false;
  }
  return true;
}

Screen probe_screen() {
  Screen screen;
  screen.stdout_terminal = ::isatty(STDOUT_FILENO) == 1;
  screen.stderr_terminal = ::isatty(STDERR_FILENO) == 1;
  if (screen.stdout_terminal) screen.columns = terminal_columns(STDOUT_FILENO);
  return screen;
}

Options settle_for_screen(const Options& options, const Screen& screen) {
  Options settled = options;
  settled.color =
      use_color(options.color, screen.stdout_terminal) ? ColorMode::Always : ColorMode::Never;
  settled.text_width = screen.stdout_terminal && !options.wide ? screen.columns : 0;
  settled.stdout_terminal = screen.stdout_terminal;
  // A person reading `join` at a terminal wants the events, not the DEBUG lines of every
  // query under them (docs/usage.md); files, pipes and explicit choices get what was asked.
  const bool reader = options.command == Command::Join && screen.stdout_terminal &&
                      options.output == OutputFormat::Text;
  settled.join.related_min_level =
      options.related_level.value_or(reader ? Level::Info : Level::Trace);
  settled.progress = wants_progress(options, screen);
  settled.no_progress = !settled.progress;
  return settled;
}

bool wants_progress(const Options& options, const Screen& screen) {
  if (options.no_progress) return false;
  if (options.progress) return true;
  return screen.stderr_terminal && !screen.stdout_terminal && !options.follow &&
         reads_only_files(options);
}

}  // namespace pkgly_trail::cli
