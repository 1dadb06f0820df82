#include "pkgly_trail/input/follow.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <set>
#include <utility>

#include "gzip_source.hpp"
#include "line_splitter.hpp"

#include <optional>

namespace pkgly_trail {

namespace {

constexpr std::size_t kReadSize = 1 << 20;

// A file's identity, whatever name it has now.
using FileId = std::pair<dev_t, ino_t>;

// What happens when the followed name disappears: `tail -F` waits for the name to come back
// (--follow FILE); in a followed directory the file is read to its end and let go, so a log
// that logrotate deletes does not stay open (and on disk) for ever.
enum class WhenGone { WaitForName, LetGo };

// One followed name: the file currently open under it, and how far it was read.
class FollowedFile {
 public:
  FollowedFile(std::string name, const FollowOptions& options,
               WhenGone when_gone = WhenGone::WaitForName)
      : name_(std::move(name)), options_(options), when_gone_(when_gone) {}
  FollowedFile(const FollowedFile&) = delete;
  FollowedFile& operator=(const FollowedFile&) = delete;
  ~FollowedFile() { close_file(); }

  // Reads what is new; true when anything was read.
  bool poll_once(FollowedLineHandler& handler);
  // Delivers a last line that has no '\n' yet (when following ends).
  void finish(FollowedLineHandler& handler);
  // Let go (WhenGone::LetGo): its name is gone and everything was read.
  bool done() const noexcept { return done_; }
  // Files this follower closed after they were deleted (see close_file).
  std::vector<FileId> take_deleted() { return std::exchange(deleted_, {}); }
  const std::string& name() const noexcept { return name_; }
  // The file open under the name, if any.
  std::optional<FileId> id() const noexcept {
    if (fd_ < 0) return std::nullopt;
    return FileId{device_, inode_};
  }

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
    if (fd_ < 0) return;
    // A file deleted while open gives its inode number back: a new file may get it, and must
    // not pass for one already read.
    struct stat info {};
    if (::fstat(fd_, &info) == 0 && info.st_nlink == 0) deleted_.push_back({device_, inode_});
    ::close(fd_);
    fd_ = -1;
  }
  bool read_available(FollowedLineHandler& handler);

  std::string name_;
  const FollowOptions& options_;
  WhenGone when_gone_;
  bool done_ = false;
  std::vector<FileId> deleted_;
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
  if (::stat(name_.c_str(), &now) != 0) {
    if (when_gone_ == WhenGone::WaitForName) return any;  // renamed away, new one not there yet
    any = read_available(handler) || any;  // a last write before the rename or delete
    finish(handler);
    close_file();
    done_ = true;
    return any;
  }
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

// The followed files, polled in turn until the handler says stop.
class FollowedSet {
 public:
  explicit FollowedSet(const FollowOptions& options) : options_(options) {}

  void add(std::string name, WhenGone when_gone) {
    files_.push_back(std::make_unique<FollowedFile>(std::move(name), options_, when_gone));
  }
  // Reads what is new in every file; true when anything was read.
  bool poll_all(FollowedLineHandler& handler) {
    bool any = false;
    for (auto& file : files_) {
      any = file->poll_once(handler) || any;
      for (const FileId& id : file->take_deleted()) opened_.erase(id);
      if (auto id = file->id()) opened_.insert(*id);
    }
    std::erase_if(files_, [](const auto& file) { return file->done(); });
    return any;
  }
  // Waits a moment after nothing was new; a signal (Ctrl-C) cuts the wait short.
  void pause(FollowedLineHandler& handler) const {
    handler.on_idle();
    if (handler.should_stop()) return;
    ::poll(nullptr, 0, static_cast<int>(options_.interval.count()));
  }
  void finish(FollowedLineHandler& handler) {
    for (auto& file : files_) file->finish(handler);
  }
  // A file that has been followed under some name: a rotation renamed it, it is not new.
  bool opened(FileId id) const { return opened_.count(id) > 0; }
  bool follows(std::string_view name) const {
    return std::any_of(files_.begin(), files_.end(),
                       [name](const auto& file) { return file->name() == name; });
  }

 private:
  const FollowOptions& options_;
  std::vector<std::unique_ptr<FollowedFile>> files_;
  std::set<FileId> opened_;
};

// By name (logrotate writes name.gz from its first byte on, and an empty new file has no magic
// yet) or by content.
bool is_compressed_file(const std::string& path) {
  for (std::string_view suffix : {".gz", ".xz", ".bz2", ".zst"})
    if (std::string_view(path).ends_with(suffix)) return true;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char magic[2] = {};
  const bool gzip = ::read(fd, magic, 2) == 2 && starts_with_gzip_magic(magic);
  ::close(fd);
  return gzip;
}

struct DirectoryEntry {
  std::string path;
  FileId id;
  timespec modified;
};

// The regular files of `dir` whose names start with `prefix`, oldest first.
std::vector<DirectoryEntry> matching_files(const std::string& dir, const std::string& prefix) {
  std::vector<DirectoryEntry> found;
  DIR* listing = ::opendir(dir.c_str());
  if (listing == nullptr) return found;
  while (const dirent* entry = ::readdir(listing)) {
    const std::string_view name(entry->d_name);
    if (!name.starts_with(prefix) || name == "." || name == "..") continue;
    std::string path = dir;
    if (path.empty() || path.back() != '/') path.push_back('/');
    path.append(name);
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) continue;
    found.push_back({std::move(path), {info.st_dev, info.st_ino}, info.st_mtim});
  }
  ::closedir(listing);
  std::sort(found.begin(), found.end(), [](const DirectoryEntry& a, const DirectoryEntry& b) {
    if (a.modified.tv_sec != b.modified.tv_sec) return a.modified.tv_sec < b.modified.tv_sec;
    if (a.modified.tv_nsec != b.modified.tv_nsec) return a.modified.tv_nsec < b.modified.tv_nsec;
    return a.path < b.path;
  });
  return found;
}

}  // namespace

void follow_files(const std::vector<std::string>& names, FollowedLineHandler& handler,
                  FollowOptions options) {
  FollowedSet files(options);
  for (const std::string& name : names) files.add(name, WhenGone::WaitForName);
  while (!handler.should_stop()) {
    if (files.poll_all(handler)) continue;
    files.pause(handler);
  }
  files.finish(handler);
}

void follow_directory(const FollowedDirectory& where, FollowedLineHandler& handler,
                      FollowOptions options) {
  struct stat info {};
  if (::stat(where.dir.c_str(), &info) != 0) {
    handler.on_problem(where.dir, std::string("cannot open: ") + std::strerror(errno));
    return;
  }
  if (!S_ISDIR(info.st_mode)) {
    handler.on_problem(where.dir, "not a directory");
    return;
  }
  FollowedSet files(options);
  std::set<FileId> compressed;  // skipped for good
  std::size_t compressed_at_start = 0;
  bool starting = true;
  while (!handler.should_stop()) {
    for (DirectoryEntry& entry : matching_files(where.dir, where.prefix)) {
      // A renamed file (logrotate's pkgly.log -> pkgly.log.1) was read under its old name; a
      // compressed one is an archive of lines already read (or, at start, older history).
      if (files.follows(entry.path) || files.opened(entry.id) || compressed.count(entry.id))
        continue;
      if (is_compressed_file(entry.path)) {
        compressed.insert(entry.id);
        if (starting) ++compressed_at_start;
        continue;
      }
      files.add(std::move(entry.path), WhenGone::LetGo);
    }
    if (starting && compressed_at_start > 0)
      handler.on_problem(where.dir, std::to_string(compressed_at_start) +
                                        " compressed file(s) not followed: read them without "
                                        "--follow-dir (gzip is read transparently)");
    starting = false;
    if (files.poll_all(handler)) continue;
    files.pause(handler);
  }
  files.finish(handler);
}

}  // namespace pkgly_trail
