// CRC-32 (IEEE 802.3 polynomial, reflected; the one zlib and PNG use).
#include <cstddef>
#include <cstdint>

#include "ember/runtime/model.h"

namespace ember {

namespace {
struct Table {
  std::uint32_t entry[256];
  constexpr Table() : entry() {
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      entry[i] = c;
    }
  }
};
// Computed at compile time, so it lives in flash on a device.
constexpr Table kTable;
}  // namespace

std::uint32_t crc32(const void* data, std::size_t size, std::uint32_t crc) noexcept {
  const auto* p = static_cast<const unsigned char*>(data);
  crc = ~crc;
  for (std::size_t i = 0; i < size; ++i) crc = kTable.entry[(crc ^ p[i]) & 0xFFu] ^ (crc >> 8);
  return ~crc;
}

std::uint32_t model_file_crc(const void* bytes, std::size_t file_size) noexcept {
  const auto* p = static_cast<const unsigned char*>(bytes);
  return crc32(p + 12, file_size - 12, crc32(p, 8));
}

}  // namespace ember
