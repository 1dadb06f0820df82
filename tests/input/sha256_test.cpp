// The SHA-256 a report names its inputs by: FIPS 180-4's example vectors, a digest read in the
// middle of the input, and every byte of a file counted once however the reads fall (a file,
// gzip as stored, a pipe fed a byte at a time and peeked at first).
#include "input/sha256.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "input/input_test_support.hpp"

namespace pkgly_trail {
namespace {

using namespace input_testing;

std::string sha256_of(std::string_view bytes) {
  Sha256 sha;
  sha.update(bytes);
  return sha.hex();
}

}  // namespace

TEST_CASE("sha256: the FIPS 180-4 example messages", "[input]") {
  CHECK(sha256_of("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_of("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(sha256_of(std::string(1000000, 'a')) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("sha256: hex() in the middle leaves the digest running", "[input]") {
  Sha256 sha;
  sha.update(std::string_view("ab"));
  CHECK(sha.hex() == sha256_of("ab"));
  sha.update(std::string_view("c"));
  CHECK(sha.hex() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("sha256: many blocks given in uneven pieces - more than the hashing thread queues",
          "[input]") {
  // 20 MiB: twenty of the 1 MiB blocks handed to the hashing thread, more than it queues (8),
  // so the reader waits for it; the pieces never line up with the blocks.
  std::string text(20 * 1024 * 1024 + 5, '\0');
  for (std::size_t i = 0; i < text.size(); ++i) text[i] = static_cast<char>('a' + (i * 7919) % 26);
  Sha256 whole;
  whole.update(text);
  Sha256 pieces;
  std::size_t at = 0;
  std::size_t piece = 1;
  while (at < text.size()) {
    const std::size_t size = std::min(piece, text.size() - at);
    pieces.update(std::string_view(text).substr(at, size));
    at += size;
    piece = piece * 3 % 1048573 + 1;
    if (at > text.size() / 2 && at - size <= text.size() / 2) {
      Sha256 half;
      half.update(std::string_view(text).substr(0, at));
      CHECK(pieces.hex() == half.hex());  // mid-way, with blocks still queued a moment ago
    }
  }
  // Python's hashlib.sha256 of the same bytes.
  CHECK(whole.hex() == "c5d82b8c84200f893d35e394e882f75789aa1110cc9cf43761d3a75084608f19");
  CHECK(pieces.hex() == whole.hex());
}

TEST_CASE("sha256 of an input: the bytes as stored - each once", "[input]") {
  ScratchDir dir;
  const std::string text = varied_lines(3 * 1024 * 1024 + 17, 7);  // crosses the 1 MiB reads
  ReadLimits limits;
  limits.sha256 = true;

  LineCollector plain;
  const ReadOutcome file = read_named(dir.write("a.log", text), plain, limits);
  CHECK(file.ok);
  CHECK(file.sha256 == sha256_of(text));

  const std::string gzip = gzip_member(text);
  LineCollector unzipped;
  const ReadOutcome zipped = read_named(dir.write("a.log.gz", gzip), unzipped, limits);
  CHECK(unzipped.text == text);
  CHECK(zipped.sha256 == sha256_of(gzip));  // what `sha256sum a.log.gz` prints

  // A pipe: the first bytes are peeked at (gzip or text?) and then handed out again.
  LineCollector piped;
  const std::vector<std::string> bytes_one_by_one = cut_at(text.substr(0, 4096), {1, 2, 3, 4});
  const ReadOutcome pipe = read_through_pipe(bytes_one_by_one, piped, {}, limits);
  CHECK(pipe.sha256 == sha256_of(text.substr(0, 4096)));

  LineCollector unasked;
  CHECK(read_named(dir.file("a.log"), unasked).sha256.empty());
}

}  // namespace pkgly_trail
