#include "pkgly_trail/input/follow.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>
#include <set>
#include <utility>

#include "gzip_source.hpp"
#include "input_stream.hpp"
#include "line_splitter.hpp"

namespace pkgly_trail {

namespace {

// The first bytes of a followed file, kept to recognise the same content later: after a
// truncate-and-rewrite the file starts differently; a copy (logrotate copytruncate) starts the
// same. Log lines start with a timestamp, so a few KiB tell contents apart.
constexpr std::size_t kHeadBytes = 4096;

// The first bytes (up to kHeadBytes) a file holds now, wherever it is read.
std::string head_of(int fd) {
  std::string head(kHeadBytes, '\0');
  std::size_t size = 0;
  while (size < head.size()) {
    const ssize_t got =
        ::pread(fd, head.data() + size, head.size() - size, static_cast<off_t>(size));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    size += static_cast<std::size_t>(got);
  }
  head.resize(size);
  return head;
}

// Two beginnings agree as far as both go (one of them may be a copy still being written); two
// empty ones tell nothing.
bool starts_alike(std::string_view a, std::string_view b) {
  const std::size_t common = std::min(a.size(), b.size());
  return common > 0 && a.substr(0, common) == b.substr(0, common);
}

// A file's identity, whatever name it has now.
using FileId = std::pair<dev_t, ino_t>;

// What happens when the followed name disappears: `tail -F` waits for the name to come back
// (--follow FILE); in a followed directory the file is read to its end and let go, so a log
// that logrotate deletes does not stay open (and on disk) for ever.
enum class WhenGone { WaitForName, LetGo };

// One followed name: the file currently open under it, and how far it was read.
class FollowedFile {
 public:
  // `copy_from`: the file is a copy of content already read up to that offset (see
  // FollowedSet::copy_of); it is read from there on.
  FollowedFile(std::string name, const FollowOptions& options,
               WhenGone when_gone = WhenGone::WaitForName, std::optional<off_t> copy_from = {})
      : name_(std::move(name)), options_(options), when_gone_(when_gone), copy_from_(copy_from) {}
  FollowedFile(const FollowedFile&) = delete;
  FollowedFile& operator=(const FollowedFile&) = delete;
  ~FollowedFile() { close_file(); }

  // Reads what is new; true when anything was read.
  bool poll_once(LineHandler& handler);
  // Delivers a last line that has no '\n' yet (when following ends).
  void finish(LineHandler& handler);
  // Let go (WhenGone::LetGo): its name is gone and everything was read.
  bool done() const noexcept { return done_; }
  // Files this follower closed after they were deleted (see close_file).
  std::vector<FileId> take_deleted() { return std::exchange(deleted_, {}); }
  const std::string& name() const noexcept { return name_; }
  // The file open under the name, if any.
  std::optional<FileId> id() const noexcept {
    if (!stream_) return std::nullopt;
    return FileId{device_, inode_};
  }

  // What was read of a content: its first bytes, and the offset up to which its lines were
  // delivered (an unfinished line is not).
  struct ReadContent {
    std::string_view head;
    off_t delivered = 0;
  };
  // The content open now and, after a truncation, the one before it (a copy made just before
  // the truncation is of that one).
  // The first bytes the open file holds now (up to kHeadBytes), whether they were read yet or
  // not: empty when nothing is open.
  std::string head_on_disk() const { return stream_ ? head_of(fd()) : std::string(); }
  // Polled at least once: what it holds was there before a file that appears after that.
  bool polled() const noexcept { return polled_; }
  std::array<ReadContent, 2> contents() const noexcept {
    const off_t pending = splitter_ ? static_cast<off_t>(splitter_->pending_bytes()) : 0;
    return {ReadContent{head_, offset_ - pending},
            ReadContent{previous_head_, previous_delivered_}};
  }

 private:
  bool open_file(LineHandler& handler);
  void close_file() {
    if (!stream_) return;
    // A file deleted while open gives its inode number back: a new file may get it, and must
    // not pass for one already read.
    struct stat info {};
    if (::fstat(fd(), &info) == 0 && info.st_nlink == 0) deleted_.push_back({device_, inode_});
    stream_.reset();
  }
  // For fstat, pread and lseek; the bytes are read through the stream.
  int fd() const noexcept { return stream_->descriptor(); }
  bool read_available(LineHandler& handler);
  bool text_or_wait(LineHandler& handler);
  void read_compressed(LineHandler& handler);
  bool replaced_in_place();
  void start_over();

  std::string name_;
  const FollowOptions& options_;
  WhenGone when_gone_;
  std::optional<off_t> copy_from_;
  bool done_ = false;
  bool polled_ = false;
  bool format_known_ = false;  // the first bytes were looked at: text (gzip is let go)
  std::vector<FileId> deleted_;
  std::optional<InputStream> stream_;  // the file open under the name
  dev_t device_ = 0;
  ino_t inode_ = 0;
  off_t offset_ = 0;
  std::unique_ptr<LineSplitter> splitter_;
  bool reported_missing_ = false;
  std::string head_;  // the first bytes of the content read (up to kHeadBytes)
  std::string previous_head_;
  off_t previous_delivered_ = 0;
  std::string head_now_;  // reused to read the head again
};

bool FollowedFile::open_file(LineHandler& handler) {
  const int opened = ::open(name_.c_str(), O_RDONLY | O_CLOEXEC);
  if (opened < 0) {
    if (!reported_missing_)
      handler.on_problem(name_, std::string("cannot open: ") + std::strerror(errno) +
                                    " (waiting for it to appear)");
    reported_missing_ = true;
    return false;
  }
  struct stat info {};
  if (::fstat(opened, &info) != 0 || S_ISDIR(info.st_mode)) {
    ::close(opened);
    if (!reported_missing_) handler.on_problem(name_, "cannot follow: not a regular file");
    reported_missing_ = true;
    return false;
  }
  stream_.emplace(InputStream::adopt(opened));
  device_ = info.st_dev;
  inode_ = info.st_ino;
  offset_ = 0;
  head_.clear();
  format_known_ = false;
  if (copy_from_) {
    // A copy of text already read: go on from where its lines were delivered.
    offset_ = *copy_from_;
    ::lseek(fd(), offset_, SEEK_SET);
    format_known_ = true;
  }
  splitter_ = std::make_unique<LineSplitter>(name_, options_.limits.max_line_bytes);
  reported_missing_ = false;
  return true;
}

// A followed file that holds gzip (`-f pkgly.log.2.gz`) is read once, decompressed, and let
// go: logrotate writes a compressed log once and never appends, so there is nothing to follow,
// and its bytes read as text would be garbage. Decided on the first two bytes, as for files
// read without -f; false while there are fewer than two and the first may be gzip's.
bool FollowedFile::text_or_wait(LineHandler& handler) {
  if (format_known_) return true;
  char magic[2] = {};
  const ssize_t got = ::pread(fd(), magic, sizeof magic, 0);
  if (got <= 0 || (got == 1 && static_cast<unsigned char>(magic[0]) == 0x1f)) return false;
  format_known_ = true;
  if (got == 2 && starts_with_gzip_magic(magic)) {
    read_compressed(handler);
    return false;
  }
  return true;
}

void FollowedFile::read_compressed(LineHandler& handler) {
  handler.on_problem(name_,
                     "gzip-compressed: read once, decompressed, and not followed (a compressed "
                     "log does not grow)");
  try {
    const auto reader = LineReader::open(name_, options_.limits);
    if (!reader->read_lines(handler)) {
      std::string_view error = reader->error();
      if (error.starts_with(name_ + ": ")) error.remove_prefix(name_.size() + 2);
      handler.on_problem(name_, error);
    }
  } catch (const InputError& error) {
    handler.on_problem(name_, error.what());
  }
  close_file();
  splitter_.reset();
  done_ = true;
}

bool FollowedFile::read_available(LineHandler& handler) {
  if (!text_or_wait(handler)) return false;
  bool any = false;
  for (;;) {
    const std::span<char> space = splitter_->free_space();
    const ReadResult got = stream_->read_some(space, handler);
    if (got.status == ReadStatus::Error) {
      handler.on_problem(name_, "read error: " + stream_->error());
      close_file();
      return any;
    }
    // The end of what is there for now (a followed file grows), or Ctrl-C during the read.
    if (got.status != ReadStatus::Data) return any;
    any = true;
    if (head_.size() == static_cast<std::size_t>(offset_) && head_.size() < kHeadBytes)
      head_.append(space.data(), std::min(got.size, kHeadBytes - head_.size()));
    offset_ += static_cast<off_t>(got.size);
    splitter_->commit(got.size, handler);
    if (handler.should_stop()) return any;
  }
}

// The content was replaced in place: the file is shorter than what was read (truncated), or
// starts with other bytes than those read (truncated and rewritten larger between two checks,
// which its size alone cannot show). A rewrite that begins with the very same bytes is not
// seen.
bool FollowedFile::replaced_in_place() {
  struct stat info {};
  if (::fstat(fd(), &info) == 0 && info.st_size < offset_) return true;
  if (head_.empty()) return false;
  head_now_.resize(head_.size());
  const ssize_t got = ::pread(fd(), head_now_.data(), head_now_.size(), 0);
  return got != static_cast<ssize_t>(head_.size()) || head_now_ != head_;
}

// Truncated in place (copytruncate, `> file`): read again from the start. The unfinished line
// of the old content is dropped: its end was cut away (a copy has it whole).
void FollowedFile::start_over() {
  const ReadContent now = contents()[0];
  previous_delivered_ = now.delivered;
  previous_head_ = std::move(head_);
  head_.clear();
  ::lseek(fd(), 0, SEEK_SET);
  offset_ = 0;
  splitter_ = std::make_unique<LineSplitter>(name_, options_.limits.max_line_bytes);
}

bool FollowedFile::poll_once(LineHandler& handler) {
  polled_ = true;
  if (!stream_ && !open_file(handler)) return false;
  // Before reading on: bytes past the old offset of a rewritten file are the middle of its
  // new content. A copy is never truncated by logrotate, and may be shorter than where it is
  // read from while it is being written.
  if (!copy_from_ && offset_ > 0 && replaced_in_place()) start_over();
  bool any = read_available(handler);
  if (done_ || !stream_) return any;
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
  if (!copy_from_ && replaced_in_place()) {
    start_over();
    any = read_available(handler) || any;
  }
  return any;
}

void FollowedFile::finish(LineHandler& handler) {
  if (!splitter_) return;
  splitter_->finish(handler);
  splitter_.reset();
}

// What FollowedSet::copy_of found.
struct CopyCheck {
  enum Verdict { NotACopy, Undecided, Copy } verdict = NotACopy;
  off_t delivered = 0;  // of a Copy: where the lines of what it copied were delivered up to
};

// The followed files, polled in turn until the handler says stop.
class FollowedSet {
 public:
  explicit FollowedSet(const FollowOptions& options) : options_(options) {}

  void add(std::string name, WhenGone when_gone, std::optional<off_t> copy_from = {}) {
    files_.push_back(
        std::make_unique<FollowedFile>(std::move(name), options_, when_gone, copy_from));
  }

  // Is the file at `path` (new in a followed directory) a copy of a followed file, as
  // logrotate's copytruncate makes before it truncates the original? A copy has a new inode,
  // so it is recognised by content: it starts with the same first bytes (up to kHeadBytes) as
  // the content a followed file had before its last truncation. Then it is read from where
  // that content's lines were delivered: the lines written after the last read come from the
  // copy, none twice. A copy of a followed file's current content waits until that file is
  // truncated (until then the lines are the original's), and so does a copy of lines the
  // original holds but were not read yet; so does a new file that is empty, or shorter than
  // such a head and equal to its start (a copy in progress).
  CopyCheck copy_of(const std::string& path) const {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return {};
    const std::string candidate = head_of(fd);
    ::close(fd);
    if (candidate.empty()) return {CopyCheck::Undecided};
    CopyCheck check;
    for (const auto& file : files_) {
      const auto contents = file->contents();
      for (std::size_t which = 0; which < contents.size(); ++which) {
        const FollowedFile::ReadContent& content = contents[which];
        if (!starts_alike(candidate, content.head)) continue;
        // A copy of what the original holds now: the original is still read, and the lines
        // not read yet are in both. The original supplies them until it is truncated; then
        // the copy matches its previous content and supplies only what the truncation took.
        if (candidate.size() >= content.head.size() && which == 1)
          return {CopyCheck::Copy, content.delivered};
        check.verdict = CopyCheck::Undecided;
      }
      // A copy of lines the original holds but were not read yet (copytruncate copied them
      // before the follower looked): the same wait, or both files would supply them. Not
      // among the files found together at start: which of those is the copy is not known.
      if (check.verdict == CopyCheck::NotACopy && file->polled() &&
          starts_alike(candidate, file->head_on_disk()))
        check.verdict = CopyCheck::Undecided;
    }
    return check;
  }
  // Reads what is new in every file; true when anything was read.
  bool poll_all(LineHandler& handler) {
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
  void pause(LineHandler& handler) const {
    handler.on_idle();
    if (handler.should_stop()) return;
    ::poll(nullptr, 0, static_cast<int>(options_.interval.count()));
  }
  void finish(LineHandler& handler) {
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

void follow_files(const std::vector<std::string>& names, LineHandler& handler,
                  FollowOptions options) {
  FollowedSet files(options);
  for (const std::string& name : names) files.add(name, WhenGone::WaitForName);
  while (!handler.should_stop()) {
    if (files.poll_all(handler)) continue;
    files.pause(handler);
  }
  files.finish(handler);
}

void follow_directory(const FollowedDirectory& where, LineHandler& handler, FollowOptions options) {
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
      const auto copy = files.copy_of(entry.path);
      if (copy.verdict == CopyCheck::Undecided) continue;  // looked at again next scan
      files.add(
          std::move(entry.path), WhenGone::LetGo,
          copy.verdict == CopyCheck::Copy ? std::optional<off_t>(copy.delivered) : std::nullopt);
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
