#include "pkgly_trail/input/follow.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "line_splitter.hpp"

namespace pkgly_trail {

namespace {

constexpr std::size_t kReadSize = 1 << 20;

// One followed name: the file currently open under it, and how far it was read.
class FollowedFile {
 public:
  FollowedFile(std::string name, const FollowOptions& options)
      : name_(std::move(name)), options_(options) {}
  FollowedFile(const FollowedFile&) = delete;
  FollowedFile& operator=(const FollowedFile&) = delete;
  ~FollowedFile() { close_file(); }

  // Reads what is new; true when anything was read.
  bool poll_once(FollowedLineHandler& handler);
  // Delivers a last line that has no '\n' yet (when following ends).
  void finish(FollowedLineHandler& handler);

 private:
  // Adapts the splitter's callbacks to the followed-file handler.
  struct Lines : LineHandler {
    FollowedLineHandler& handler;
    std::string_view input;
    Lines(FollowedLineHandler& h, std::string_view name) : handler(h), input(name) {}
    void on_line(const InputLine& line) override { handler.on_line(input, line); }
    bool should_stop() const override { return handler.should_stop(); }
  };

  bool open_file(FollowedLineHandler& handler);
  void close_file() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  bool read_available(FollowedLineHandler& handler);

  std::string name_;
  const FollowOptions& options_;
  int fd_ = -1;
  dev_t device_ = 0;
  ino_t inode_ = 0;
  off_t offset_ = 0;
  std::unique_ptr<LineSplitter> splitter_;
  bool reported_missing_ = false;
};

bool FollowedFile::open_file(FollowedLineHandler& handler) {
  int fd = ::open(name_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (!reported_missing_)
      handler.on_problem(name_, std::string("cannot open: ") + std::strerror(errno) +
                                    " (waiting for it to appear)");
    reported_missing_ = true;
    return false;
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0 || S_ISDIR(info.st_mode)) {
    ::close(fd);
    if (!reported_missing_) handler.on_problem(name_, "cannot follow: not a regular file");
    reported_missing_ = true;
    return false;
  }
  fd_ = fd;
  device_ = info.st_dev;
  inode_ = info.st_ino;
  offset_ = 0;
  splitter_ = std::make_unique<LineSplitter>(options_.limits.max_line_bytes, kReadSize);
  reported_missing_ = false;
  return true;
}

bool FollowedFile::read_available(FollowedLineHandler& handler) {
  Lines lines(handler, name_);
  bool any = false;
  for (;;) {
    std::span<char> space = splitter_->free_space();
    ssize_t got = ::read(fd_, space.data(), space.size());
    if (got < 0 && errno == EINTR) {
      if (handler.should_stop()) return any;
      continue;
    }
    if (got < 0) {
      handler.on_problem(name_, std::string("read error: ") + std::strerror(errno));
      close_file();
      return any;
    }
    if (got == 0) return any;
    any = true;
    offset_ += got;
    splitter_->commit(static_cast<std::size_t>(got), lines);
    if (handler.should_stop()) return any;
  }
}

bool FollowedFile::poll_once(FollowedLineHandler& handler) {
  if (fd_ < 0 && !open_file(handler)) return false;
  bool any = read_available(handler);
  if (fd_ < 0) return any;
  // At the end of what is there: has the name moved on to another file, or was it truncated?
  struct stat now {};
  if (::stat(name_.c_str(), &now) != 0) return any;  // renamed away, new file not there yet
  if (now.st_dev != device_ || now.st_ino != inode_) {
    // Rotated. The old file may have received a last write between our read and the rename.
    any = read_available(handler) || any;
    finish(handler);
    close_file();
    return open_file(handler) ? (read_available(handler) || any) : any;
  }
  if (now.st_size < offset_) {
    // Truncated in place (copytruncate): start again from the beginning.
    ::lseek(fd_, 0, SEEK_SET);
    offset_ = 0;
    splitter_ = std::make_unique<LineSplitter>(options_.limits.max_line_bytes, kReadSize);
    any = read_available(handler) || any;
  }
  return any;
}

void FollowedFile::finish(FollowedLineHandler& handler) {
  if (!splitter_) return;
  Lines lines(handler, name_);
  splitter_->finish(lines);
  splitter_.reset();
}

}  // namespace

void follow_files(const std::vector<std::string>& names, FollowedLineHandler& handler,
                  FollowOptions options) {
  std::vector<std::unique_ptr<FollowedFile>> files;
  for (const std::string& name : names) files.push_back(std::make_unique<FollowedFile>(name, options));
  while (!handler.should_stop()) {
    bool any = false;
    for (auto& file : files) any = file->poll_once(handler) || any;
    if (any) continue;
    handler.on_idle();
    if (handler.should_stop()) break;
    // A signal (Ctrl-C) cuts the wait short.
    ::poll(nullptr, 0, static_cast<int>(options.interval.count()));
  }
  for (auto& file : files) file->finish(handler);
}

}  // namespace pkgly_trail
