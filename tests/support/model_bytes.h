// ModelBytes: an 8-byte aligned buffer holding a model written by
// ModelWriter, for tests, fuzz seeds and benchmarks.
//
//   auto bytes = ember::test::write_model([](ember::ModelWriter& w) { ... });
//
// The callback makes the same calls twice: once to measure, once to write.
#ifndef EMBER_TEST_MODEL_BYTES_H
#define EMBER_TEST_MODEL_BYTES_H

#include <cstdint>
#include <cstring>
#include <vector>

#include "ember/writer/model_writer.h"
#include "ember/base/status.h"

namespace ember::test {

struct ModelBytes {
  std::vector<std::uint64_t> storage;  // uint64 keeps the bytes 8-aligned
  std::size_t size = 0;
  Status status = Status::ok;

  unsigned char* data() { return reinterpret_cast<unsigned char*>(storage.data()); }
  const unsigned char* data() const { return reinterpret_cast<const unsigned char*>(storage.data()); }
  std::vector<unsigned char> vector() const { return std::vector<unsigned char>(data(), data() + size); }
};

template <class Fn>
ModelBytes write_model(Fn&& fill) {
  ModelBytes out;
  ModelWriter measure{Span<unsigned char>()};
  fill(measure);
  out.status = measure.finish(&out.size);
  if (out.status != Status::ok) return out;
  out.storage.assign((out.size + 7) / 8, 0);
  ModelWriter writer{Span<unsigned char>(out.data(), out.size)};
  fill(writer);
  out.status = writer.finish(&out.size);
  return out;
}

// A copy of `bytes` in a fresh aligned buffer, e.g. to corrupt it.
inline ModelBytes copy_of(const unsigned char* bytes, std::size_t size) {
  ModelBytes out;
  out.storage.assign((size + 7) / 8 + 1, 0);
  std::memcpy(out.data(), bytes, size);
  out.size = size;
  return out;
}

}  // namespace ember::test

#endif  // EMBER_TEST_MODEL_BYTES_H
