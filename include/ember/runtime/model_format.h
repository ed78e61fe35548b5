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
// The minor version that added integer (quantized) models: QINP with QTRE
// or QLIN, and their golden vectors QGLD. A file with them says at least
// this; older readers refuse it (the sections are required).
constexpr std::uint16_t kVersionMinorInteger = 2;
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
  // Integer models (1.2). An integer model has SCHM, QINP and one of QTRE
  // or QLIN, and no PIPE, LINR or TREE: quantize folds the pipeline into
  // the integer model.
  quant_inputs = fourcc('Q', 'I', 'N', 'P'),  // required: the integer input row and its scales
  quant_trees = fourcc('Q', 'T', 'R', 'E'),   // an integer tree ensemble
  quant_linear = fourcc('Q', 'L', 'I', 'N'),  // an integer linear model
  quant_golden = fourcc('Q', 'G', 'L', 'D'),  // golden vectors of an integer model; optional, strippable
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

// ---------------------------------------------------------------------------
// Integer models (1.2). No float is read on the integer path; the f32
// fields below (input scales) serve the float entry point and the host.
//
// Q formats: a "Q F" int32 value v means v x 2^-F. Probabilities are Q0.16
// in 0..65535 (65535 also stands for 1.0). The Link enum is shared with the
// float models.

enum class QuantInputType : std::uint8_t { int16 = 1 };

constexpr std::uint8_t kQuantInputsNative =
    1u;  // QuantInputsHeader::flags: rows come from sensors as integers

// QINP: a QuantInputsHeader, then QuantInput[n_features]. Feature j's
// integer q means real = float(q - zero_point) x scale (one float multiply,
// exact conversion); q == missing_code means missing. Categorical features
// have zero_point 0, scale 1.0 and q the category code (0..k-1; any other
// value but missing_code is an unknown category).
struct QuantInputsHeader {
  std::uint32_t n_features;  // the schema's n_features
  std::uint8_t input_type;   // a QuantInputType
  std::uint8_t flags;        // kQuantInputsNative, else 0
  std::uint8_t reserved[2];  // 0
};
static_assert(sizeof(QuantInputsHeader) == 8, "QuantInputsHeader is 8 bytes");

struct QuantInput {
  std::int32_t zero_point;    // within the input type's range
  std::uint32_t scale_bits;   // f32 bits of scale: finite and > 0
  std::int32_t missing_code;  // within the input type's range (int16: normally INT16_MIN)
};
static_assert(sizeof(QuantInput) == 12, "QuantInput is 12 bytes");

// Node flags of QuantNode.
constexpr std::uint8_t kQNodeDefaultLeft = 1u;   // a missing value goes left
constexpr std::uint8_t kQNodeCategorical = 2u;   // split is a bitset offset; codes in the set go left
constexpr std::uint8_t kQNodeUnknownLeft = 4u;   // categorical: an unknown code goes left
constexpr std::uint8_t kQNodeLeftIsLeaf = 8u;    // left is a leaf index of the tree
constexpr std::uint8_t kQNodeRightIsLeaf = 16u;  // right is a leaf index of the tree

// One internal node. Children are indices within the tree (node_begin[t]
// or leaf_begin[t] is added): a child node's index is greater than its
// parent's, so every walk ends; node 0 is the root (a tree with no nodes
// is its leaf 0); a tree has one leaf more than nodes. A missing code goes
// by kQNodeDefaultLeft; an unknown category by kQNodeUnknownLeft; a known
// one left when its bit is set (a code past the bitset's words: right).
// Numeric split on feature f with cuts c[0..k): the row's code for f is
// the number of cuts <= q (0..k); code <= split goes left (i.e. q <
// c[split]), split < k. A row's codes are computed once per row.
struct QuantNode {
  std::uint16_t feature;  // raw input column, < n_features
  std::uint8_t flags;     // kQNode* bits; others 0
  std::uint8_t reserved;  // 0
  std::uint32_t split;    // numeric: cut index; categorical: bitset offset
  std::uint32_t left;
  std::uint32_t right;
};
static_assert(sizeof(QuantNode) == 16, "QuantNode is 16 bytes");

// QTRE: a QuantTreesHeader, then, each array padded to 4 bytes:
//   i32 base_score[n_outputs]          Q out_frac_bits
//   u32 cut_begin[n_features + 1]      feature f's cuts are [cut_begin[f], cut_begin[f+1])
//   i32 cuts[total_cuts]               per feature strictly increasing, at most 65533
//                                      (codes stay below the reserved ones); none for
//                                      categorical features
//   u32 node_begin[n_trees + 1]
//   u32 leaf_begin[n_trees + 1]
//   u32 tree_output[n_trees]           output a scalar leaf adds to (leaf_width 1)
//   QuantNode nodes[total_nodes]
//   i32 leaf_value[total_leaves * leaf_width]   Q out_frac_bits
//   u32 bitsets[bitset_words]          per categorical split: u32 n_words, then words
// Score: base_score + the sum of each tree's leaf, summed exactly (in
// int64) and saturated to int32 once, so the order of the trees does not
// matter (a forest's mean is folded into its leaves).
struct QuantTreesHeader {
  std::uint32_t n_features;  // the schema's n_features
  std::uint32_t n_outputs;
  std::uint32_t n_trees;     // >= 1
  std::uint32_t leaf_width;  // 1 or n_outputs
  std::uint32_t total_nodes;
  std::uint32_t total_leaves;
  std::uint32_t total_cuts;
  std::uint32_t bitset_words;
  std::uint8_t link;           // a Link
  std::uint8_t out_frac_bits;  // 0..30; 16 when the link is not identity or the leaves are probabilities
  std::uint8_t reserved[2];    // 0
  std::uint32_t link_error;    // max |probability error| of the link, in units of 2^-32
                               // (link_error_q32 in predict_q.h); 0 with identity
};
static_assert(sizeof(QuantTreesHeader) == 40, "QuantTreesHeader is 40 bytes");

// QLIN term kinds, one per raw input feature.
enum class QuantTerm : std::uint8_t {
  none = 0,      // the feature does not reach the score
  linear = 1,    // weight x (q - zero_point); missing: table entry
  bins = 2,      // numeric, piecewise constant: table[code] for code = cuts <= q (0..k); missing: [k + 1]
  category = 3,  // categorical: table[code] (0..K-1); unknown: [K]; missing: [K + 1]
};

// QLIN: a QuantLinearHeader, then, each array padded to 4 bytes:
//   u8  term[n_features]               a QuantTerm
//   u32 cut_begin[n_features + 1]      bins terms' cuts, as QTRE's
//   i32 cuts[total_cuts]
//   u32 table_begin[n_features + 1]    per feature its entries x n_outputs (output fastest):
//                                      linear 1 (missing), bins k + 2, category K + 2, none 0
//   i32 table[total_table]             accumulator units; INT32_MIN: the model cannot take
//                                      this case, only in a missing slot (predict_q:
//                                      bad_value) or a category's unknown slot
//                                      (unknown_category)
//   i32 bias[n_outputs]                accumulator units
//   i32 multiplier[n_outputs]          [2^14, 2^15)
//   u32 shift[n_outputs]               0..62
//   i8 or i16 weight[n_outputs * n_features]   row-major; weight_bits 8 or 16; 0 but on
//                                      linear terms
// acc_o = bias_o + sum weight_oj (q_j - zero_point_j) + sum of table
// entries, in int64 (the loader checks that |acc| < 2^47 for every input,
// so acc x multiplier cannot overflow); raw_o = round(acc_o x
// multiplier_o / 2^shift_o) with halves away from zero, saturated to
// int32, in Q out_frac_bits.
struct QuantLinearHeader {
  std::uint32_t n_features;  // the schema's n_features
  std::uint32_t n_outputs;
  std::uint32_t total_cuts;
  std::uint32_t total_table;
  std::uint8_t link;           // a Link
  std::uint8_t out_frac_bits;  // 0..30; 16 with a link
  std::uint8_t weight_bits;    // 8 or 16
  std::uint8_t reserved;       // 0
  std::uint32_t link_error;    // as QuantTreesHeader::link_error
};
static_assert(sizeof(QuantLinearHeader) == 24, "QuantLinearHeader is 24 bytes");

// QGLD (1.2; optional, strippable): a GoldenHeader (the same fields), then
// i16 rows[n_rows * n_features] padded with zeros to 4, then per row its
// expected integer outputs: i32 raw[n_raw], i32 probability[n_proba], i32
// label (ModelWriter::quant_golden; self_test compares them exactly).

}  // namespace ember::format

#endif  // EMBER_MODEL_FORMAT_H
