// host/golden.h: adding golden vectors to a model file and stripping
// sections. Expected outputs come from the tree in the comment.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "ember/runtime/metadata.h"
#include "ember/runtime/model.h"
#include "ember/runtime/predict.h"
#include "ember/runtime/self_test.h"
#include "ember/writer/model_writer.h"
#include "host/golden.h"
#include "model_bytes.h"

using namespace ember;
namespace f = ember::format;

namespace {

StringView sv(const char* s) { return {s, std::strlen(s)}; }

// Regression: x0 < 0.5 ? 10 : (x1 < 2 ? 20 : 30); NaN right at the root,
// left at node 1; with metadata (feature names).
std::string small_tree_file() {
  const auto bytes = test::write_model([](ModelWriter& w) {
    static const std::uint32_t cats[] = {0, 0};
    static const TreeNodeSpec nodes[2] = {{-1, 1, 0, 0.5f, {}, false}, {-2, -3, 1, 2.0f, {}, true}};
    static const float leaves[] = {10, 20, 30};
    static const float base[] = {0};
    static const TreeSpec tree{Span<const TreeNodeSpec>(nodes, 2), Span<const float>(leaves, 3), 0};
    static const StringView names[] = {sv("a"), sv("b")};
    w.schema({f::Task::regression, 0, Span<const std::uint32_t>(cats, 2)});
    w.trees({2, 1, 1, f::Aggregation::sum, f::Link::identity, Span<const float>(base, 1),
             Span<const TreeSpec>(&tree, 1)});
    w.metadata_strings(sv("features"), Span<const StringView>(names, 2));
  });
  REQUIRE(bytes.status == Status::ok);
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size);
}

struct View {
  std::vector<std::uint64_t> storage;
  Model model;
  Status status = Status::ok;
};

void load(const std::string& file, View* v) {
  v->storage.assign(file.size() / 8 + 1, 0);
  std::memcpy(v->storage.data(), file.data(), file.size());
  v->status = load_model(v->storage.data(), file.size(), &v->model);
}

std::uint16_t minor_of(const std::string& file) {
  std::uint16_t minor = 0;
  std::memcpy(&minor, file.data() + 6, 2);
  return minor;
}

}  // namespace

TEST_CASE("add_golden_vectors stores the rows and this host's outputs, bit for bit") {
  const std::string base = small_tree_file();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> rows = {0.4f, 9.0f, 0.7f, 2.0f, nan, 0.0f};
  std::string file;
  host::Error error;
  REQUIRE(host::add_golden_vectors(base, rows, &file, &error));
  CHECK(minor_of(base) == 0);
  CHECK(minor_of(file) == f::kVersionMinorGolden);
  View v;
  load(file, &v);
  REQUIRE(v.status == Status::ok);
  GoldenVectors g;
  REQUIRE(golden_vectors(v.model, &g) == Status::ok);
  CHECK(g.n_rows == 3);
  CHECK(std::memcmp(g.rows, rows.data(), rows.size() * sizeof(float)) == 0);  // NaN kept as bits
  // raw, label per row: 10, 10; 30, 30; NaN goes right, 0 < 2: 20, 20.
  const float expected[] = {10, 10, 30, 30, 20, 20};
  CHECK(std::memcmp(g.expected, expected, sizeof expected) == 0);
  // Metadata survives, and the file's earlier sections are unchanged: the
  // new file is the old one (from byte 12) with a table entry more and the
  // GOLD payload at the end.
  CHECK(metadata_count(v.model) == 1);
  CHECK(file.size() > base.size());

  SUBCASE("adding again replaces the section") {
    std::string again;
    REQUIRE(host::add_golden_vectors(file, {1.0f, 1.0f}, &again, &error));
    View w;
    load(again, &w);
    REQUIRE(w.status == Status::ok);
    REQUIRE(golden_vectors(w.model, &g) == Status::ok);  // a second GOLD would be bad_section
    CHECK(g.n_rows == 1);
    CHECK(g.expected[0] == 20.0f);
  }
  SUBCASE("stripping it gives back the original sections") {
    std::string stripped;
    REQUIRE(host::strip_golden_vectors(file, &stripped, &error));
    View w;
    load(stripped, &w);
    REQUIRE(w.status == Status::ok);
    CHECK(golden_vectors(w.model, &g) == Status::section_not_found);
    REQUIRE(stripped.size() == base.size());
    // Same bytes but the version minor (stays 1) and so the CRC.
    CHECK(stripped.compare(0, 6, base, 0, 6) == 0);
    CHECK(stripped.compare(12, std::string::npos, base, 12, std::string::npos) == 0);
  }
}

TEST_CASE("strip_metadata drops META; predictions do not change") {
  std::string with_gold, stripped;
  host::Error error;
  REQUIRE(host::add_golden_vectors(small_tree_file(), {0.4f, 9.0f}, &with_gold, &error));
  REQUIRE(host::strip_metadata(with_gold, &stripped, &error));
  View v;
  load(stripped, &v);
  REQUIRE(v.status == Status::ok);
  CHECK(v.model.metadata == nullptr);
  CHECK(metadata_count(v.model) == 0);
  std::vector<unsigned char> scratch(self_test_scratch_bytes(v.model));
  CHECK(self_test(v.model, Span<unsigned char>(scratch.data(), scratch.size()), nullptr) == Status::ok);
  CHECK(stripped.size() < with_gold.size());
}

TEST_CASE("golden vectors and stripping refuse bad input with the reason") {
  std::string out = "untouched";
  host::Error error;
  CHECK_FALSE(
      host::add_golden_vectors("not a model at all, just some text bytes", {1.0f, 2.0f}, &out, &error));
  CHECK(error.message.rfind("bad_magic", 0) == 0);
  std::string corrupt = small_tree_file();
  corrupt[corrupt.size() - 3] ^= 0x20;
  CHECK_FALSE(host::strip_metadata(corrupt, &out, &error));
  CHECK(error.message.rfind("checksum_mismatch", 0) == 0);
  CHECK_FALSE(host::add_golden_vectors(small_tree_file(), {}, &out, &error));
  CHECK(error.message == "no rows for golden vectors");
  CHECK_FALSE(host::add_golden_vectors(small_tree_file(), {1.0f, 2.0f, 3.0f}, &out, &error));
  CHECK(error.message == "golden rows must hold 2 floats each");
  CHECK_FALSE(host::strip_section(small_tree_file(), f::SectionKind::schema, &out, &error));
  CHECK(error.message == "cannot remove a required section");
  CHECK(out == "untouched");
}
