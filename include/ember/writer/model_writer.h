// ModelWriter: turns a schema, pipeline steps, a model and metadata into the
// bytes of an .ember file (docs/FORMAT.md).
//
// Call in this order: schema(), then any steps, then linear() or trees(),
// then any metadata_*(), then finish(). A writer over an empty span only
// measures: finish() then reports the buffer size that writing needs (the
// file plus at most 128 bytes of working room), and a second writer over a
// buffer of that size (8-byte aligned) writes the file and reports its size. The same
// input always gives the same bytes. The writer uses no heap; it keeps a
// fixed table of at most kMaxSections sections.
//
// Errors: invalid_argument (calls out of order, inconsistent sizes),
// out_of_memory (buffer too small), bad_value (non-finite parameters),
// bad_index, bad_tree (a malformed tree spec), shape_mismatch.
#ifndef EMBER_MODEL_WRITER_H
#define EMBER_MODEL_WRITER_H

#include <cstddef>
#include <cstdint>

#include "ember/base/span.h"
#include "ember/base/status.h"
#include "ember/runtime/model_format.h"

namespace ember {

struct SchemaSpec {
  format::Task task = format::Task::regression;
  std::uint32_t n_classes = 0;             // 0 for regression
  Span<const std::uint32_t> n_categories;  // one per input feature; 0 = numeric
};

// A tree as trainers build it. Node 0 is the root. A child is a node index
// (>= 0) or a leaf, written -(leaf + 1). A tree with no nodes is one leaf.
// Every node must be reached exactly once (checked), and there must be one
// leaf more than nodes (checked); uniqueness of leaf references is not
// checked (that needs memory the writer does not have): a leaf referenced
// twice is written twice.
struct TreeNodeSpec {
  std::int32_t left = -1;
  std::int32_t right = -1;
  std::uint32_t feature = 0;
  float threshold = 0.0f;                // numeric split: x < threshold goes left
  Span<const std::uint32_t> categories;  // non-empty: categorical split, these codes go left
  bool default_left = false;             // where NaN goes
};

struct TreeSpec {
  Span<const TreeNodeSpec> nodes;
  Span<const float> leaf_values;  // leaf_width values per leaf, by leaf number
  std::uint32_t output = 0;       // with leaf_width 1: the output this tree adds to
};

struct TreeEnsembleSpec {
  std::uint32_t n_features = 0;
  std::uint32_t n_outputs = 1;
  std::uint32_t leaf_width = 1;  // 1 or n_outputs
  format::Aggregation aggregation = format::Aggregation::sum;
  format::Link link = format::Link::identity;
  Span<const float> base_score;  // n_outputs values
  Span<const TreeSpec> trees;
};

struct LinearSpec {
  std::uint32_t n_features = 0;
  std::uint32_t n_outputs = 1;
  format::Link link = format::Link::identity;
  Span<const float> weights;     // n_outputs x n_features, row-major
  Span<const float> intercepts;  // n_outputs
};

// Integer models (model_format.h, "Integer models"; 1.2). Call
// quant_inputs() right after schema(), then quant_trees() or
// quant_linear(), then optionally quant_golden(); no pipeline step and no
// float model go with them. The file is written with version_minor
// kVersionMinorInteger. When writing (not measuring), each section is
// verified once written with the loader's own checks, so a spec the
// loader would refuse fails here with the loader's Status; a measuring
// writer checks the shapes only.
struct QuantInputsSpec {
  bool native = false;                    // kQuantInputsNative: rows come as integers from sensors
  Span<const format::QuantInput> inputs;  // one per schema feature
};

// One integer tree: nodes as stored (children within the tree, leaf flags
// set), leaf_width values per leaf.
struct QuantTreeSpec {
  Span<const format::QuantNode> nodes;
  Span<const std::int32_t> leaf_values;
  std::uint32_t output = 0;  // with leaf_width 1: the output this tree adds to
};

struct QuantTreesSpec {
  std::uint32_t n_outputs = 1;
  std::uint32_t leaf_width = 1;
  format::Link link = format::Link::identity;
  std::uint8_t out_frac_bits = 0;
  std::uint32_t link_error = 0;         // units of 2^-32
  Span<const std::int32_t> base_score;  // n_outputs
  Span<const std::uint32_t> cut_begin;  // n_features + 1
  Span<const std::int32_t> cuts;
  Span<const QuantTreeSpec> trees;
  Span<const std::uint32_t> bitsets;  // as stored: per split u32 n_words, then words
};

struct QuantLinearSpec {
  std::uint32_t n_outputs = 1;
  format::Link link = format::Link::identity;
  std::uint8_t out_frac_bits = 0;
  std::uint8_t weight_bits = 16;        // 8 or 16
  std::uint32_t link_error = 0;         // units of 2^-32
  Span<const std::uint8_t> terms;       // a QuantTerm per schema feature
  Span<const std::uint32_t> cut_begin;  // n_features + 1
  Span<const std::int32_t> cuts;
  Span<const std::uint32_t> table_begin;  // n_features + 1
  Span<const std::int32_t> table;
  Span<const std::int32_t> bias;        // n_outputs
  Span<const std::int32_t> multiplier;  // n_outputs
  Span<const std::uint32_t> shift;      // n_outputs
  Span<const std::int16_t> weights;     // n_outputs x n_features; within int8 when weight_bits is 8
};

// A string for metadata: bytes, not necessarily NUL-terminated.
struct StringView {
  const char* data = nullptr;
  std::size_t size = 0;
};

class ModelWriter {
 public:
  static constexpr std::uint32_t kMaxSections = 8;

  // Writes into `out` (8-byte aligned), or only measures when it is empty.
  explicit ModelWriter(Span<unsigned char> out) noexcept;

  Status schema(const SchemaSpec& spec) noexcept;

  // Pipeline steps (model_format.h, StepKind), applied in the order written.
  Status impute(Span<const float> fill, Span<const std::uint32_t> indicator_columns) noexcept;
  Status one_hot(Span<const std::uint32_t> n_categories, bool unknown_is_error) noexcept;
  Status ordinal(Span<const std::uint32_t> n_categories, Span<const float> unknown_value,
                 Span<const float> values) noexcept;
  Status affine(Span<const float> offset, Span<const float> scale) noexcept;
  Status discretize(Span<const std::uint32_t> n_edges, Span<const float> edges) noexcept;
  Status select(std::uint32_t n_in, Span<const std::uint32_t> index) noexcept;
  Status project(std::uint32_t n_in, std::uint32_t n_out, Span<const float> weights,
                 Span<const float> bias) noexcept;

  Status linear(const LinearSpec& spec) noexcept;
  Status trees(const TreeEnsembleSpec& spec) noexcept;
  Status quant_inputs(const QuantInputsSpec& spec) noexcept;
  Status quant_trees(const QuantTreesSpec& spec) noexcept;
  Status quant_linear(const QuantLinearSpec& spec) noexcept;
  // QGLD (optional, after the integer model and before any metadata):
  // n_rows integer rows (n_rows x n_features) and, per row, the int32
  // outputs predict_q gave: raw[n_outputs], probability[n_classes] (none for
  // regression), label. self_test() compares them exactly.
  Status quant_golden(std::uint32_t n_rows, Span<const std::int16_t> rows,
                      Span<const std::int32_t> expected) noexcept;

  Status metadata_string(StringView key, StringView value) noexcept;
  Status metadata_strings(StringView key, Span<const StringView> values) noexcept;
  Status metadata_floats(StringView key, Span<const float> values) noexcept;

  // Completes the file: section table, sizes, scratch figure and CRC.
  // *size receives the file size, or when measuring the buffer size needed.
  Status finish(std::size_t* size) noexcept;

 private:
  enum class Stage : std::uint8_t { start, steps, model, metadata, done };
  Status begin_section(format::SectionKind kind, bool required) noexcept;
  void end_section() noexcept;
  Status begin_step(format::StepKind kind, std::uint16_t flags, std::uint32_t n_in,
                    std::uint32_t n_out) noexcept;
  void end_step() noexcept;
  Status put(const void* data, std::size_t bytes) noexcept;
  Status put_u32(std::uint32_t v) noexcept { return put(&v, 4); }
  Status pad(std::size_t alignment) noexcept;
  Status put_floats(Span<const float> v, bool finite) noexcept;
  Status put_u32s(Span<const std::uint32_t> v) noexcept { return put(v.data(), v.size_bytes()); }
  Status check_width(std::uint32_t n_in) const noexcept;
  Status metadata_record(StringView key, format::MetadataType type, std::uint32_t count,
                         std::size_t payload_bytes) noexcept;
  Status fail(Status s) noexcept;
  Status verify_quant(format::SectionKind kind) noexcept;

  Span<unsigned char> out_;
  bool measuring_;
  Status status_ = Status::ok;
  Stage stage_ = Stage::start;
  std::size_t pos_;  // next byte to write
  format::SectionEntry sections_[kMaxSections] = {};
  std::uint32_t n_sections_ = 0;
  std::size_t section_start_ = 0;
  std::size_t step_start_ = 0;
  std::size_t pipeline_start_ = 0;
  std::size_t metadata_start_ = 0;
  std::uint32_t n_steps_ = 0;
  std::uint32_t n_records_ = 0;
  // What the scratch figure needs, mirrored from the loader's view.
  format::Task task_ = format::Task::regression;
  std::uint32_t n_classes_ = 0;
  std::uint32_t width_ = 0;
  std::uint32_t max_width_ = 0;
  std::uint32_t n_outputs_ = 0;
  // Integer models: 0 before quant_inputs(), then ModelKind::quant_linear or
  // quant_trees once the model is written (1 while only QINP is).
  std::uint8_t quant_kind_ = 0;
};

}  // namespace ember

#endif  // EMBER_MODEL_WRITER_H
