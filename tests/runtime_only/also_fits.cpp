// Links a trainer into the predict-only program: the negative case of the
// runtime-only symbol check (tests/CMakeLists.txt).
#include "ember/base/arena.h"
#include "ember/running_stats.h"

int also_fit() {
  static unsigned char buffer[1024];
  ember::Arena arena(buffer, sizeof buffer);
  ember::RunningStats stats;
  if (stats.init(arena, 1) != ember::Status::ok) return 1;
  const float x = 1.0f;
  return stats.add(ember::Span<const float>(&x, 1)) == ember::Status::ok ? 0 : 1;
}
