// A record's copy (what waits in the doubt window and in the join) costs its text: red team
// round 7 found every copy holding a 64 KiB arena chunk, 500 MB for 1 MB of short records.
#include <catch2/catch.hpp>
#include <string>

#include "pkgly_trail/record/record.hpp"

namespace pkgly_trail {

namespace {

Record short_record(const std::string& message) {
  Record record;
  record.timestamp = record.arena.store("2025-11-20T10:15:30Z");
  record.target = record.arena.store("x");
  record.message = record.arena.store(message);
  record.fields.push_back(Field{record.arena.store("k"), Value::string(record.arena.store("v"))});
  return record;
}

}  // namespace

TEST_CASE("a copy of a short record holds little more than its text", "[record]") {
  const Record original = short_record("DEBUG x: y");
  const Record copy = original.clone();
  CHECK(copy.text_size() == original.text_size());
  CHECK(copy.arena.capacity() <= 64);
  CHECK(copy.message == original.message);
  CHECK(copy.message->data() != original.message->data());  // its own text
  CHECK(copy.fields[0].value.text == "v");
}

TEST_CASE("a recycled copy reuses its arena only when it fits without waste", "[record]") {
  Record copy;
  const Record big = short_record(std::string(10000, 'b'));
  copy.copy_from(big);
  CHECK(copy.arena.capacity() >= big.text_size());
  CHECK(copy.arena.capacity() < big.text_size() + 1024);
  // A much smaller record does not keep the big block.
  const Record small = short_record("small");
  copy.copy_from(small);
  CHECK(copy.arena.capacity() <= 64);
  CHECK(*copy.message == "small");
  // One of about the same size reuses it.
  const Record similar = short_record(std::string(9000, 's'));
  copy.copy_from(big);
  const std::size_t capacity = copy.arena.capacity();
  copy.copy_from(similar);
  CHECK(copy.arena.capacity() == capacity);
  CHECK(copy.message->size() == 9000);
}

}  // namespace pkgly_trail
