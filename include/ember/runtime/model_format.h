// The on-disk layout of an .ember model file (docs/FORMAT.md is the spec).
//
// Every struct here is exactly what sits in the file: fixed-width integers
// and floats, little-endian, no pointers, bitfields or bool. Sizes and
// offsets are pinned with static_assert so that the compiler cannot drift
// from the spec.
//
//   +--------------------+ 0
//   | FileHeader (32)    |  magic "EMBR", version, CRC-32, size, scratch bytes
//   +--------------------+ 32
//   | SectionEntry x n   |  kind (FourCC), flags, offset, size
//   +--------------------+ 8-aligned
//   | section payloads   |  SCHM (schema), PIPE (pipeline), LINR or TREE
//   | ...                |  (model), META (optional metadata), ...
//   +--------------------+ file_size
#ifndef EMBER_MODEL_FORMAT_H
#define EMBER_MODEL_FORMAT_H

#include <cstddef>
#include <cstdint>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "ember reads model files in place and supports little-endian targets only"
#endif

namespace ember::format {

constexpr std::uint8_t kMagic[4] = {'E', 'M', 'B', 'R'};
constexpr std::uint16_t kVersionMajor = 1;
constexpr std::uint16_t kVersionMinor = 0;
// The minor version that added the optional GOLD section (golden vectors);
// a file that carries one says at least this.
constexpr std::uint16_t kVersionMinorGolden = 1;
constexpr std::uint32_t kSectionAlignment = 8;
// Trees deeper than this are refused (bounds the verifier's stack).
constexpr std::uint32_t kMaxTreeDepth = 128;

constexpr std::uint32_t fourcc(char a, char b, char c, char d) {
  return static_cast<std::uint32_t>(static_cast<std::uint8_t>(a)) |
         static_cast<std::uint32_t>(static_cast<std::uint8_t>(b)) << 8 |
         static_cast<std::uint32_t>(static_cast<std::uint8_t>(c)) << 16 |
         static_cast<std::uint32_t>(static_cast<std::uint8_t>(d)) << 24;
}

struct FileHeader {
  std::uint8_t magic[4];        // "EMBR"
  std::uint16_t version_major;  // a reader refuses a major it does not know
  std::uint16_t version_minor;  // a reader accepts any minor of its major
  std::uint32_t crc32;          // CRC-32 (IEEE, as zlib) of the file without this field
  std::uint32_t file_size;      // bytes in the whole file
  std::uint32_t flags;          // reserved, 0
  std::uint32_t section_count;
  std::uint32_t scratch_bytes;  // scratch that predict needs (see predict.h)
  std::uint32_t reserved;       // 0
};
static_assert(sizeof(FileHeader) == 32, "FileHeader is 32 bytes");
static_assert(offsetof(FileHeader, crc32) == 8, "the CRC covers bytes [0, 8) and [12, file_size)");

enum class SectionKind : std::uint32_t {
  schema = fourcc('S', 'C', 'H', 'M'),    // required: the input features and the task
  pipeline = fourcc('P', 'I', 'P', 'E'),  // the preprocessing steps, in order
  linear = fourcc('L', 'I', 'N', 'R'),    // a linear model
  trees = fourcc('T', 'R', 'E', 'E'),     // a tree ensemble
  metadata = fourcc('M', 'E', 'T', 'A'),  // names and labels; strippable
  golden = fourcc('G', 'O', 'L', 'D'),    // golden vectors for a self-test (1.1); optional, strippable
};

constexpr std::uint32_t kSectionRequired = 1u;  // SectionEntry::flags bit 0

struct SectionEntry {
  std::uint32_t kind;    // a SectionKind (FourCC)
  std::uint32_t flags;   // kSectionRequired: a reader that lacks the kind must refuse the file
  std::uint32_t offset;  // from the start of the file; a multiple of 8
  std::uint32_t size;    // bytes of payload
};
static_assert(sizeof(SectionEntry) == 16, "SectionEntry is 16 bytes");

enum class Task : std::uint8_t { regression = 0, binary = 1, multiclass = 2 };

// SCHM: followed by std::uint32_t n_categories[n_features] (0 = numeric;
// k = categorical with codes 0..k-1 passed as floats).
struct SchemaHeader {
  std::uint32_t n_features;  // width of a raw input row
  std::uint32_t n_classes;   // 0 for regression, >= 2 otherwise
  std::uint8_t task;         // a Task
  std::uint8_t reserved[7];
};
static_assert(sizeof(SchemaHeader) == 16, "SchemaHeader is 16 bytes");

// PIPE: a PipelineHeader, then n_steps steps, each a StepHeader followed by
// its payload (see StepKind); each step's size is a multiple of 4.
struct PipelineHeader {
  std::uint32_t n_steps;
  std::uint32_t reserved;
};
static_assert(sizeof(PipelineHeader) == 8, "PipelineHeader is 8 bytes");

enum class StepKind : std::uint16_t {
  impute = 1,      // f32 fill[n_in]; u32 n_indicators; u32 columns[n_indicators]
  one_hot = 2,     // u32 n_categories[n_in] (0 = pass through)
  ordinal = 3,     // u32 n_categories[n_in]; f32 unknown_value[n_in]; f32 values[sum n_categories]
  affine = 4,      // f32 offset[n_in]; f32 scale[n_in]: out = (x - offset) * scale
  discretize = 5,  // u32 n_edges[n_in] (0 = pass through); f32 edges[sum n_edges], strictly increasing
  select = 6,      // u32 index[n_out], each < n_in
  project = 7,     // f32 weights[n_out * n_in] (row-major); f32 bias[n_out]: out = W x + b
};

constexpr std::uint16_t kOneHotUnknownIsError = 1u;  // StepHeader::flags of one_hot

struct StepHeader {
  std::uint16_t kind;   // a StepKind
  std::uint16_t flags;  // per kind
  std::uint32_t size;   // bytes of this step, header included; a multiple of 4
  std::uint32_t n_in;   // must equal the previous width
  std::uint32_t n_out;
};
static_assert(sizeof(StepHeader) == 16, "StepHeader is 16 bytes");

enum class Link : std::uint8_t { identity = 0, logistic = 1, softmax = 2 };

// LINR: followed by f32 weights[n_outputs * n_features] (row-major) and
// f32 intercepts[n_outputs].
struct LinearHeader {
  std::uint32_t n_features;
  std::uint32_t n_outputs;
  std::uint8_t link;  // a Link
  std::uint8_t reserved[7];
};
static_assert(sizeof(LinearHeader) == 16, "LinearHeader is 16 bytes");

enum class Aggregation : std::uint8_t { sum = 0, mean = 1 };

// TREE: followed by, in this order, each array padded to 4 bytes:
//   f32 base_score[n_outputs]
//   u32 node_begin[n_trees + 1]   prefix offsets into the node arrays
//   u32 leaf_begin[n_trees + 1]   prefix offsets into the leaves
//   u32 tree_output[n_trees]      output a scalar leaf adds to (leaf_width 1)
//   f32 threshold[total_nodes]    (categorical split: u32 offset into bitsets)
//   (zero padding to a multiple of 8 from the section start)
//   uW  word[total_nodes]         W = word_bytes; see the node word below
//   f32 leaf_value[total_leaves * leaf_width]
//   u32 bitsets[bitset_words]     per categorical split: u32 n_words, then words
struct TreesHeader {
  std::uint32_t n_features;
  std::uint32_t n_outputs;
  std::uint32_t n_trees;
  std::uint32_t leaf_width;  // 1 or n_outputs
  std::uint32_t total_nodes;
  std::uint32_t total_leaves;
  std::uint32_t bitset_words;
  std::uint8_t aggregation;   // an Aggregation
  std::uint8_t link;          // a Link
  std::uint8_t word_bytes;    // 2, 4 or 8
  std::uint8_t feature_bits;  // width of the feature field of a node word
  std::uint8_t skip_bits;     // width of the skip field of a node word
  std::uint8_t max_depth;     // deepest internal node + 1, at most kMaxTreeDepth
  std::uint8_t layout;        // a TreeLayout
  std::uint8_t reserved;
};

// How the internal nodes of each tree are ordered.
enum class TreeLayout : std::uint8_t {
  // Preorder: the left child (when internal) is the next node, the right
  // child `skip` nodes after it. Any tree shape.
  preorder = 0,
  // Heap order, for ensembles whose trees are all complete of depth
  // max_depth (2^D - 1 internal nodes, 2^D leaves) with numeric splits only:
  // node i's children are 2i + 1 and 2i + 2, and a walk that ends at
  // virtual node n reaches leaf n - (2^D - 1). Words have skip_bits 0 and
  // only the default_left flag. The fastest layout to walk.
  heap = 1,
};
static_assert(sizeof(TreesHeader) == 36, "TreesHeader is 36 bytes");

// A node word, from the least significant bit up:
//   right_leaf   [1]            the right child is a leaf
//   default_left [1]            where NaN goes
//   categorical  [1]            the threshold is a bitset offset; in-set goes left
//   skip         [skip_bits]    internal nodes in the left subtree (0: left child is a leaf)
//   feature      [feature_bits] the input column the split reads
// Internal nodes of a tree are stored in preorder, so the left child (when
// internal) is the next node and the right child is `skip` nodes after that.
// The flags sit lowest so that the walk extracts them without a shift.
constexpr unsigned kNodeFlagBits = 3;

// META: a MetadataHeader, then n_records records. A record is a
// MetadataRecord, its key (key_bytes, padded to 4), then its payload
// (payload_bytes, a multiple of 4): a string is its count bytes, padded;
// a string list is count x (u32 length, bytes padded to 4); an f32 list is
// count floats.
struct MetadataHeader {
  std::uint32_t n_records;
  std::uint32_t reserved;
};
static_assert(sizeof(MetadataHeader) == 8, "MetadataHeader is 8 bytes");

enum class MetadataType : std::uint32_t { string = 1, string_list = 2, f32_list = 3 };

struct MetadataRecord {
  std::uint32_t key_bytes;
  std::uint32_t type;  // a MetadataType
  std::uint32_t count;
  std::uint32_t payload_bytes;
};
static_assert(sizeof(MetadataRecord) == 16, "MetadataRecord is 16 bytes");

// GOLD (minor version 1): a GoldenHeader, then f32 rows[n_rows * n_features]
// (the raw input rows, NaN = missing), then per row its expected outputs as
// the host runtime computed them, exact float bits: f32 raw[n_raw], f32
// probability[n_proba], f32 label. Optional: load_model skips it; self_test
// (self_test.h) verifies and runs it.
struct GoldenHeader {
  std::uint32_t n_rows;       // >= 1
  std::uint32_t n_features;   // the schema's n_features
  std::uint32_t n_raw;        // the model's n_outputs
  std::uint32_t n_proba;      // n_classes, or 0 for regression
  std::uint32_t reserved[2];  // 0
};
static_assert(sizeof(GoldenHeader) == 24, "GoldenHeader is 24 bytes");

}  // namespace ember::format

#endif  // EMBER_MODEL_FORMAT_H
