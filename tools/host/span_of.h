// A read-only Span over a std::vector's elements, as the core's fitters
// take them: the host keeps its data in vectors, the core sees only
// pointer and length (no heap types cross into it).
#ifndef EMBER_HOST_SPAN_OF_H
#define EMBER_HOST_SPAN_OF_H

#include <vector>

#include "ember/base/span.h"

namespace ember::host {

// Valid while `v` lives and is not resized.
template <class T>
Span<const T> span_of(const std::vector<T>& v) {
  return Span<const T>(v.data(), v.size());
}

}  // namespace ember::host

#endif  // EMBER_HOST_SPAN_OF_H
