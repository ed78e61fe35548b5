// The host's growth policy for an Arena: blocks from the C heap.
//
//   ember::Arena arena(nullptr, 0, ember::host::heap_upstream());
//
// Blocks are freed when the arena rewinds past them or is destroyed.
#ifndef EMBER_HOST_HEAP_UPSTREAM_H
#define EMBER_HOST_HEAP_UPSTREAM_H

#include "ember/base/arena.h"

namespace ember::host {

// An upstream whose blocks come from std::malloc (aligned to max_align_t).
ArenaUpstream heap_upstream();

}  // namespace ember::host

#endif  // EMBER_HOST_HEAP_UPSTREAM_H
