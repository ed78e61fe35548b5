// Writes the models the C test loads (the writer is C++ only).
#include "ember/writer/model_writer.h"
#include "model_bytes.h"

#include <cstring>

namespace f = ember::format;

extern "C" size_t ember_test_write_small_tree(void* buffer, size_t capacity) {
  // The same tree as test_model.cpp: x0 < 0.5 ? 10 : (x1 < 2 ? 20 : 30),
  // NaN right at the root and left at node 1.
  const auto bytes = ember::test::write_model([](ember::ModelWriter& w) {
    static const std::uint32_t cats[] = {0, 0};
    static ember::TreeNodeSpec nodes[2] = {{-1, 1, 0, 0.5f, {}, false}, {-2, -3, 1, 2.0f, {}, true}};
    static const float leaves[] = {10, 20, 30};
    static const float base[] = {0};
    static ember::TreeSpec tree{ember::Span<const ember::TreeNodeSpec>(nodes, 2),
                                ember::Span<const float>(leaves, 3), 0};
    w.schema({f::Task::regression, 0, ember::Span<const std::uint32_t>(cats, 2)});
    w.trees({2, 1, 1, f::Aggregation::sum, f::Link::identity, ember::Span<const float>(base, 1),
             ember::Span<const ember::TreeSpec>(&tree, 1)});
  });
  if (bytes.status != ember::Status::ok || bytes.size > capacity) return 0;
  std::memcpy(buffer, bytes.data(), bytes.size);
  return bytes.size;
}

// The integer regression tree of tests/support/quant_models.h.
#include "quant_models.h"

extern "C" size_t ember_test_write_quant_tree(void* buffer, size_t capacity) {
  const auto bytes = ember::test::write_quant(ember::test::QuantTreeModel{});
  if (bytes.status != ember::Status::ok || bytes.size > capacity) return 0;
  std::memcpy(buffer, bytes.data(), bytes.size);
  return bytes.size;
}
