// Model: a verified, zero-copy view of an .ember model file.
//
// load_model() checks the whole file once - magic, version, CRC-32, every
// offset, size, index and tree, every parameter finite - and then hands out
// a Model whose pointers point into the caller's bytes. Nothing is copied
// and nothing is allocated, so a model can execute in place from flash.
// After a successful load, prediction trusts the model and runs without
// checks; a file that fails gets a precise Status and is never read out of
// bounds, whatever its content.
//
// Lifetime: the bytes must stay alive and unchanged while the Model is used.
// The fields below are filled by load_model and are read-only for callers.
#ifndef EMBER_MODEL_H
#define EMBER_MODEL_H

#include <cstddef>
#include <cstdint>

#include "ember/base/status.h"
#include "ember/runtime/model_format.h"

namespace ember {

// quant_linear and quant_trees are integer models (QLIN, QTRE; 1.2): they
// run with predict_q (predict_q.h), and predict() quantizes for them.
enum class ModelKind : std::uint8_t { linear = 0, trees = 1, quant_linear = 2, quant_trees = 3 };

struct Model {
  const unsigned char* bytes = nullptr;
  std::uint32_t file_size = 0;
  std::uint16_t version_minor = 0;

  // Schema: the raw input row.
  format::Task task = format::Task::regression;
  std::uint32_t n_features = 0;                 // floats per input row
  std::uint32_t n_classes = 0;                  // 0 for regression
  const std::uint32_t* n_categories = nullptr;  // per input feature; 0 = numeric

  // Pipeline: steps stored back to back; widths checked.
  const unsigned char* steps = nullptr;
  std::uint32_t n_steps = 0;
  std::uint32_t max_width = 0;  // widest row inside the pipeline

  ModelKind kind = ModelKind::linear;
  format::Link link = format::Link::identity;
  std::uint8_t out_frac_bits = 0;    // integer models: the Q format of the raw outputs
  std::uint32_t model_features = 0;  // width the model reads (pipeline output)
  std::uint32_t n_outputs = 0;       // raw scores per row

  // Linear model.
  const float* weights = nullptr;     // [n_outputs][model_features]
  const float* intercepts = nullptr;  // [n_outputs]

  // Tree ensemble (see model_format.h for the encoding).
  const format::TreesHeader* trees = nullptr;
  const float* base_score = nullptr;
  const std::uint32_t* node_begin = nullptr;
  const std::uint32_t* leaf_begin = nullptr;
  const std::uint32_t* tree_output = nullptr;
  const float* thresholds = nullptr;
  const void* words = nullptr;
  const float* leaf_values = nullptr;
  const std::uint32_t* bitsets = nullptr;
  // The depth D of every tree when they are stored in heap layout, else 0.
  std::uint32_t uniform_depth = 0;

  // Integer model (kind quant_linear or quant_trees): the QINP inputs and
  // the QLIN or QTRE section, whose arrays predict_q locates from its header.
  const format::QuantInput* quant_inputs = nullptr;  // [n_features]
  const unsigned char* quant_model = nullptr;        // the section's first byte

  // Optional metadata section; null when absent or stripped.
  const unsigned char* metadata = nullptr;
  std::uint32_t metadata_size = 0;

  std::uint32_t scratch_bytes = 0;  // for one-row predict(); see predict.h
};

// Verifies `data[0, size)` and fills *model. `data` must be 8-byte aligned.
// `size` may exceed the file (e.g. a flash partition); only the declared
// file size is used. Errors: misaligned, truncated, bad_magic,
// unsupported_version, checksum_mismatch, bad_section,
// unknown_required_section, out_of_bounds, bad_index, bad_tree, bad_value,
// shape_mismatch, unsupported_feature. Never reads outside `data[0, size)`.
Status load_model(const void* data, std::size_t size, Model* model) noexcept;

// CRC-32 (IEEE 802.3, reflected, as zlib's crc32) of `size` bytes,
// continuing from `crc` (start with 0).
std::uint32_t crc32(const void* data, std::size_t size, std::uint32_t crc = 0) noexcept;

// The checksum a model file stores: CRC-32 of bytes [0, 8) and
// [12, file_size), i.e. everything but the checksum field. For tools that
// edit a file (e.g. strip metadata) and must re-seal it. file_size >= 12.
std::uint32_t model_file_crc(const void* bytes, std::size_t file_size) noexcept;

}  // namespace ember

#endif  // EMBER_MODEL_H
