// CRC-32 (IEEE 802.3 polynomial, reflected; the one zlib and PNG use).
#include <cstddef>
#include <cstdint>

#include "ember/runtime/config.h"
#include "ember/runtime/model.h"

namespace ember {

namespace {
#if EMBER_RUNTIME_FAST
// A byte at a time from a 256-entry table (1 KB).
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
#else
// Four bits at a time from a 16-entry table (64 bytes): the same CRC with a
// sixteenth of the table, for flash-constrained builds.
constexpr std::uint32_t kNibble[16] = {
    0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu, 0x76DC4190u, 0x6B6B51F4u, 0x4DB26158u, 0x5005713Cu,
    0xEDB88320u, 0xF00F9344u, 0xD6D6A3E8u, 0xCB61B38Cu, 0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u, 0xBDBDF21Cu};
#endif
}  // namespace

std::uint32_t crc32(const void* data, std::size_t size, std::uint32_t crc) noexcept {
  const auto* p = static_cast<const unsigned char*>(data);
  crc = ~crc;
#if EMBER_RUNTIME_FAST
  for (std::size_t i = 0; i < size; ++i) crc = kTable.entry[(crc ^ p[i]) & 0xFFu] ^ (crc >> 8);
#else
  for (std::size_t i = 0; i < size; ++i) {
    crc ^= p[i];
    crc = kNibble[crc & 15u] ^ (crc >> 4);
    crc = kNibble[crc & 15u] ^ (crc >> 4);
  }
#endif
  return ~crc;
}

std::uint32_t model_file_crc(const void* bytes, std::size_t file_size) noexcept {
  const auto* p = static_cast<const unsigned char*>(bytes);
  return crc32(p + 12, file_size - 12, crc32(p, 8));
}

}  // namespace ember
