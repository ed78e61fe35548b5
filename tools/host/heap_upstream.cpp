#include "host/heap_upstream.h"

#include <cstdlib>

namespace ember::host {

namespace {
void* acquire(void*, std::size_t min_bytes, std::size_t* size) {
  void* p = std::malloc(min_bytes);
  *size = p ? min_bytes : 0;
  return p;
}
void release(void*, void* block, std::size_t) { std::free(block); }
}  // namespace

ArenaUpstream heap_upstream() { return ArenaUpstream{acquire, release, nullptr}; }

}  // namespace ember::host
