#pragma once
// -f/--follow: read files as they grow, like `tail -F`. A file that is renamed away or removed
// (logrotate, Pkgly's rolling logger starting a new file) is read to its end, then the name is
// opened again; a file cut to a smaller size, or whose first bytes changed (truncated and
// rewritten larger between two checks), is read again from its start. No line is read twice or
// lost across a rotation. A gzip file is read once, decompressed, and not followed (with a
// message): logrotate writes compressed logs whole, they never grow.
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "pkgly_trail/input/line_reader.hpp"

namespace pkgly_trail {

struct FollowOptions {
  std::chrono::milliseconds interval{200};  // how often a quiet file is checked
  ReadLimits limits;
};

// Follows every file of `names` until handler.should_stop(). Each line names its file
// (InputLine::input, as given); line numbers start again at 1 in a new file of that name.
// handler.on_idle() when nothing is new in any file for an interval; problems (a file missing,
// unreadable, compressed) go to handler.on_problem. Files that do not exist yet are waited for.
void follow_files(const std::vector<std::string>& names, LineHandler& handler,
                  FollowOptions options = {});

// --follow-dir DIR --prefix NAME: a rolling logger's directory (Pkgly writes NAME.<date>).
struct FollowedDirectory {
  std::string dir;
  std::string prefix;  // file names must start with it; empty = every file
};

// Follows every regular file of the directory whose name starts with the prefix: the ones
// there at start are read from their beginning, oldest first, and a file created later is
// picked up within one interval. Compressed files (.gz, .xz, .bz2, .zst, or gzip content) are
// skipped: logrotate's archives of lines already read; the ones there at start are reported
// once. A file renamed within the directory is not read twice; a file removed is read to its
// end and closed. A new file that starts with the same bytes as a followed file (logrotate's
// copytruncate copy: a new inode, the same content) waits until that file is truncated, then is
// read only from where the truncated content was read to. An unreadable directory is one
// on_problem and an immediate return.
void follow_directory(const FollowedDirectory& where, LineHandler& handler,
                      FollowOptions options = {});

}  // namespace pkgly_trail
