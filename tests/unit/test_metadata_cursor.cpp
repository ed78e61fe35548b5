// The one-pass metadata cursors (metadata.h): the same records and strings
// as metadata_at / metadata_string, in file order, without the heap.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "ember/runtime/metadata.h"
#include "ember/runtime/model.h"
#include "ember/writer/model_writer.h"
#include "heap_guard.h"
#include "model_bytes.h"

using namespace ember;
using ember::test::write_model;
namespace f = ember::format;

namespace {

StringView sv(const std::string& s) { return {s.data(), s.size()}; }

}  // namespace

TEST_CASE("metadata cursors read every record and string once, as metadata_at and metadata_string do") {
  static const std::vector<std::string> names = {"age", "", "income with spaces", std::string("n\0l", 3),
                                                 "x"};
  static std::vector<StringView> views;
  views.clear();
  for (const auto& n : names) views.push_back(sv(n));
  const auto bytes = write_model([](ModelWriter& w) {
    static const std::uint32_t cats[] = {0};
    static const float weights[] = {1.0f}, intercept[] = {0.0f}, stats[] = {1.5f, -2.0f};
    w.schema({f::Task::regression, 0, Span<const std::uint32_t>(cats, 1)});
    w.linear({1, 1, f::Link::identity, Span<const float>(weights, 1), Span<const float>(intercept, 1)});
    w.metadata_strings({"features", 8}, Span<const StringView>(views.data(), views.size()));
    w.metadata_string({"target", 6}, {"abcde", 5});
    w.metadata_floats({"stats.0", 7}, Span<const float>(stats, 2));
    w.metadata_strings({"empty", 5}, Span<const StringView>());
  });
  REQUIRE(bytes.status == Status::ok);
  Model m;
  REQUIRE(load_model(bytes.data(), bytes.size, &m) == Status::ok);

  test::HeapGuard guard;
  MetadataCursor c = metadata_records(m);
  MetadataEntry e;
  std::uint32_t index = 0;
  std::uint32_t strings_seen = 0;
  bool matched = true;
  while (metadata_next(&c, &e)) {
    MetadataEntry at;
    matched = matched && metadata_at(m, index, &at) == Status::ok && at.key == e.key &&
              at.key_size == e.key_size && at.type == e.type && at.count == e.count &&
              at.payload == e.payload && at.payload_size == e.payload_size;
    MetadataStringCursor s = metadata_strings(e);
    const char* text = nullptr;
    std::uint32_t size = 0;
    for (std::uint32_t i = 0; metadata_next_string(&s, &text, &size); ++i) {
      const char* expected = nullptr;
      std::uint32_t expected_size = 0;
      matched = matched && metadata_string(e, i, &expected, &expected_size) == Status::ok &&
                expected == text && expected_size == size;
      ++strings_seen;
    }
    ++index;
  }
  CHECK(guard.allocations() == 0);
  CHECK(matched);
  CHECK(index == 4);
  CHECK(strings_seen == names.size() + 1);  // the list, and the target's one string
  CHECK(!metadata_next(&c, &e));            // stays at the end

  // The strings of the list, by content.
  REQUIRE(find_metadata(m, "features", 8, &e) == Status::ok);
  MetadataStringCursor s = metadata_strings(e);
  const char* text = nullptr;
  std::uint32_t size = 0;
  for (const auto& n : names) {
    REQUIRE(metadata_next_string(&s, &text, &size));
    CHECK(std::string(text, size) == n);
  }
  CHECK(!metadata_next_string(&s, &text, &size));
  // An f32 list has no strings; a string record has one.
  REQUIRE(find_metadata(m, "stats.0", 7, &e) == Status::ok);
  s = metadata_strings(e);
  CHECK(!metadata_next_string(&s, &text, &size));
  REQUIRE(find_metadata(m, "target", 6, &e) == Status::ok);
  s = metadata_strings(e);
  REQUIRE(metadata_next_string(&s, &text, &size));
  CHECK(std::string(text, size) == "abcde");
  CHECK(!metadata_next_string(&s, &text, &size));
}

TEST_CASE("a model without metadata has no records to walk") {
  const auto bytes = write_model([](ModelWriter& w) {
    static const std::uint32_t cats[] = {0};
    static const float weights[] = {1.0f}, intercept[] = {0.0f};
    w.schema({f::Task::regression, 0, Span<const std::uint32_t>(cats, 1)});
    w.linear({1, 1, f::Link::identity, Span<const float>(weights, 1), Span<const float>(intercept, 1)});
  });
  REQUIRE(bytes.status == Status::ok);
  Model m;
  REQUIRE(load_model(bytes.data(), bytes.size, &m) == Status::ok);
  MetadataCursor c = metadata_records(m);
  MetadataEntry e;
  CHECK(!metadata_next(&c, &e));
}
