#include "ember/base/arena.h"

#include <new>

namespace ember {

namespace {

// Each upstream block starts with this header, which remembers the block that
// was current before it so that rewind can walk back.
struct BlockHeader {
  unsigned char* previous_block;
  std::size_t previous_capacity;
  std::size_t previous_offset;
  std::size_t block_size;  // as reported by the upstream, header included
};
constexpr std::size_t kHeaderBytes = (sizeof(BlockHeader) + alignof(std::max_align_t) - 1) /
                                     alignof(std::max_align_t) * alignof(std::max_align_t);

BlockHeader* header_of(unsigned char* block) noexcept {
  return reinterpret_cast<BlockHeader*>(block - kHeaderBytes);
}

// Padding needed to bring `address` up to a multiple of `align`.
std::size_t padding_for(const unsigned char* base, std::size_t offset, std::size_t align) noexcept {
  const auto address = reinterpret_cast<std::uintptr_t>(base) + offset;
  return static_cast<std::size_t>((align - (address & (align - 1))) & (align - 1));
}

}  // namespace

Arena::Arena(void* buffer, std::size_t capacity) noexcept
    : first_block_(static_cast<unsigned char*>(buffer)),
      first_capacity_(buffer ? capacity : 0),
      block_(first_block_),
      capacity_(first_capacity_),
      offset_(0) {}

Arena::Arena(void* buffer, std::size_t capacity, ArenaUpstream upstream) noexcept : Arena(buffer, capacity) {
  upstream_ = upstream;
  has_upstream_ = upstream.acquire != nullptr && upstream.release != nullptr;
}

Arena::~Arena() { reset(); }

Status Arena::allocate(std::size_t bytes, std::size_t align, void** out) noexcept {
  *out = nullptr;
  if (align == 0 || (align & (align - 1)) != 0) return Status::invalid_argument;
  std::size_t pad = padding_for(block_, offset_, align);
  if (block_ == nullptr || pad > capacity_ - offset_ || bytes > capacity_ - offset_ - pad) {
    EMBER_TRY(grow(bytes, align));
    pad = padding_for(block_, offset_, align);
  }
  *out = block_ + offset_ + pad;
  offset_ += pad + bytes;
  used_ += pad + bytes;
  if (used_ > high_water_) high_water_ = used_;
  return Status::ok;
}

Status Arena::grow(std::size_t bytes, std::size_t align) noexcept {
  if (!has_upstream_) return Status::out_of_memory;
  // Room for the header, the worst-case padding and the request, and at least
  // double the current block so that the number of blocks stays logarithmic.
  if (bytes > SIZE_MAX / 2 - kHeaderBytes - align) return Status::out_of_memory;
  std::size_t want = kHeaderBytes + align + bytes;
  const std::size_t doubled = capacity_ > SIZE_MAX / 4 ? SIZE_MAX / 2 : 2 * capacity_ + kHeaderBytes;
  if (want < doubled) want = doubled;
  if (want < 4096) want = 4096;
  std::size_t got = 0;
  auto* raw = static_cast<unsigned char*>(upstream_.acquire(upstream_.context, want, &got));
  if (raw == nullptr || got < want) {
    if (raw != nullptr) upstream_.release(upstream_.context, raw, got);
    return Status::out_of_memory;
  }
  unsigned char* block = raw + kHeaderBytes;
  // Constructed in place, so that header_of() later reads an object of that
  // type (not bytes reinterpreted).
  ::new (static_cast<void*>(raw)) BlockHeader{block_, capacity_, offset_, got};
  // The unused tail of the old block counts as used until we rewind past it,
  // so that used() keeps growing monotonically within a scope.
  used_ += capacity_ - offset_;
  block_ = block;
  capacity_ = got - kHeaderBytes;
  offset_ = 0;
  return Status::ok;
}

void Arena::rewind(const Marker& m) noexcept {
  while (block_ != m.block && block_ != first_block_) {
    BlockHeader* h = header_of(block_);
    unsigned char* previous = h->previous_block;
    const std::size_t previous_capacity = h->previous_capacity;
    const std::size_t previous_offset = h->previous_offset;
    upstream_.release(upstream_.context, block_ - kHeaderBytes, h->block_size);
    block_ = previous;
    capacity_ = previous_capacity;
    offset_ = previous_offset;
  }
  offset_ = m.offset;
  used_ = m.used;
}

void Arena::reset() noexcept { rewind(Marker{first_block_, 0, 0}); }

}  // namespace ember
