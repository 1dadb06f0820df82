#include "gzip_source.hpp"

#include <algorithm>
#include <limits>
#include <utility>

namespace pkgly_trail {
namespace {

constexpr std::size_t kCompressedChunk = 1 << 20;

}  // namespace

GzipSource::GzipSource(InputStream& input)
    : input_(input), compressed_(std::make_unique_for_overwrite<char[]>(kCompressedChunk)) {
  // 16 + MAX_WBITS: gzip header and trailer, not a raw zlib stream.
  if (inflateInit2(&zlib_, 16 + MAX_WBITS) != Z_OK) {
    failed_ = true;
    error_ = "cannot start gzip decompression (out of memory)";
    return;
  }
  zlib_ready_ = true;
  zlib_.next_in = reinterpret_cast<Bytef*>(compressed_.get());
  zlib_.avail_in = 0;
}

GzipSource::~GzipSource() {
  if (zlib_ready_) inflateEnd(&zlib_);
}

ReadResult GzipSource::fail(std::string what, std::size_t produced) {
  failed_ = true;
  error_ = std::move(what);
  if (produced > 0) return {ReadStatus::Data, produced};
  return {ReadStatus::Error, 0};
}

ReadResult GzipSource::read_some(std::span<char> out, LineHandler& handler) {
  if (failed_) return {ReadStatus::Error, 0};
  zlib_.next_out = reinterpret_cast<Bytef*>(out.data());
  zlib_.avail_out =
      static_cast<uInt>(std::min<std::size_t>(out.size(), std::numeric_limits<uInt>::max()));
  const auto produced = [&] { return out.size() - zlib_.avail_out; };
  while (zlib_.avail_out > 0) {
    if (zlib_.avail_in == 0) {
      // Hand over what is decoded before a read that may wait on a slow pipe.
      if (produced() > 0) break;
      const ReadResult more = input_.read_some({compressed_.get(), kCompressedChunk}, handler);
      if (more.status == ReadStatus::Error) return fail("read error: " + input_.error(), 0);
      if (more.status == ReadStatus::Stopped) return more;
      if (more.status == ReadStatus::End) {
        if (between_members_) return {ReadStatus::End, 0};
        return fail("truncated gzip stream", 0);
      }
      zlib_.next_in = reinterpret_cast<Bytef*>(compressed_.get());
      zlib_.avail_in = static_cast<uInt>(more.size);
    }
    if (between_members_) {
      if (static_cast<unsigned char>(*zlib_.next_in) != 0x1f) {
        return fail("unexpected data after the end of the gzip stream", produced());
      }
      inflateReset(&zlib_);
      between_members_ = false;
    }
    const int status = inflate(&zlib_, Z_NO_FLUSH);
    if (status == Z_STREAM_END) {
      between_members_ = true;
    } else if (status != Z_OK && (status != Z_BUF_ERROR || zlib_.avail_in > 0)) {
      // Z_BUF_ERROR with no input left only asks for more; everything else is damage.
      const char* detail = zlib_.msg != nullptr ? zlib_.msg : "invalid data";
      return fail(std::string("corrupt gzip stream (") + detail + ")", produced());
    }
  }
  return {ReadStatus::Data, produced()};
}

}  // namespace pkgly_trail
