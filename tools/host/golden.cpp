#include "host/golden.h"

#include <cstdint>
#include <cstring>

#include "ember/runtime/model.h"
#include "ember/runtime/predict.h"
#include "ember/runtime/predict_q.h"
#include "ember/runtime/self_test.h"
#include "host/model_file.h"
#include "host/model_input.h"
#include "host/quant_golden.h"

namespace ember::host {

namespace {

namespace f = format;

std::string status_text(Status s) { return std::string(status_name(s)) + ": " + status_description(s); }

// A verified copy of `bytes`, 8-aligned, and the Model over it.
struct Loaded {
  std::vector<std::uint64_t> storage;
  Model model;
};

bool load(std::string_view bytes, Loaded* out, Error* error) {
  out->storage.assign(bytes.size() / 8 + 1, 0);
  if (!bytes.empty()) std::memcpy(out->storage.data(), bytes.data(), bytes.size());
  const Status s = load_model(out->storage.data(), bytes.size(), &out->model);
  if (s != Status::ok) {
    error->message = status_text(s);
    return false;
  }
  return true;
}

struct Piece {
  std::uint32_t kind, flags;
  std::string_view payload;
};

// Re-emits a verified model with the sections of `drop` removed and `add`
// (when its kind is not 0) appended; offsets 8-aligned, CRC recomputed.
bool rewrite(const Model& m, std::uint32_t drop, const Piece& add, std::uint16_t min_minor, std::string* out,
             Error* error) {
  f::FileHeader h;
  std::memcpy(&h, m.bytes, sizeof h);
  std::vector<Piece> pieces;
  for (std::uint32_t i = 0; i < h.section_count; ++i) {
    f::SectionEntry s;
    std::memcpy(&s, m.bytes + sizeof h + i * sizeof s, sizeof s);
    if (s.kind == drop) {
      if (s.flags & f::kSectionRequired) {
        error->message = "cannot remove a required section";
        return false;
      }
      continue;
    }
    pieces.push_back(
        {s.kind, s.flags, std::string_view(reinterpret_cast<const char*>(m.bytes) + s.offset, s.size)});
  }
  if (add.kind != 0) pieces.push_back(add);
  if (pieces.size() > 64) {
    error->message = "a model file holds at most 64 sections";
    return false;
  }
  auto pad8 = [](std::string* s) { s->append((8 - s->size() % 8) % 8, '\0'); };
  std::string file(sizeof(f::FileHeader) + pieces.size() * sizeof(f::SectionEntry), '\0');
  std::vector<f::SectionEntry> table;
  for (const Piece& p : pieces) {
    pad8(&file);
    table.push_back({p.kind, p.flags, static_cast<std::uint32_t>(file.size()),
                     static_cast<std::uint32_t>(p.payload.size())});
    file.append(p.payload);
    if (file.size() > 0xFFFFFFFFu) {
      error->message = "the model file would exceed 4 GiB";
      return false;
    }
  }
  h.section_count = static_cast<std::uint32_t>(pieces.size());
  h.file_size = static_cast<std::uint32_t>(file.size());
  if (h.version_minor < min_minor) h.version_minor = min_minor;
  h.crc32 = 0;
  std::memcpy(&file[0], &h, sizeof h);
  std::memcpy(&file[sizeof h], table.data(), table.size() * sizeof(f::SectionEntry));
  h.crc32 = model_file_crc(file.data(), file.size());
  std::memcpy(&file[8], &h.crc32, 4);
  // Never hand out a file the runtime would refuse.
  Loaded check;
  if (!load(file, &check, error)) {
    error->message = "the rewritten model does not verify: " + error->message;
    return false;
  }
  *out = std::move(file);
  return true;
}

// The device's check, run here on the file just made: it must pass on the
// host that wrote it.
bool passes_self_test(const std::string& file, Error* error) {
  Loaded check;
  if (!load(file, &check, error)) return false;
  std::vector<unsigned char> test_scratch(self_test_scratch_bytes(check.model));
  SelfTestResult result;
  const Status s =
      self_test(check.model, Span<unsigned char>(test_scratch.data(), test_scratch.size()), &result);
  if (s == Status::ok) return true;
  error->message = "the golden vectors just written fail their self-test: " + status_text(s);
  return false;
}

// An integer model's golden vectors: a QGLD section (int16 rows, exact
// int32 outputs of predict_q), replacing any QGLD or GOLD it had.
bool add_quant_golden(const Model& m, const std::vector<float>& rows, std::string* out, Error* error) {
  std::string payload;
  if (!quant_golden_payload(m, rows, &payload, error)) return false;
  std::string without_gold, file;
  Loaded base;
  const auto gold = static_cast<std::uint32_t>(f::SectionKind::golden);
  const auto qgld = static_cast<std::uint32_t>(f::SectionKind::quant_golden);
  if (!rewrite(m, gold, Piece{0, 0, {}}, 0, &without_gold, error) || !load(without_gold, &base, error) ||
      !rewrite(base.model, qgld, Piece{qgld, 0, payload}, f::kVersionMinorInteger, &file, error) ||
      !passes_self_test(file, error))
    return false;
  *out = std::move(file);
  return true;
}

}  // namespace

bool add_golden_vectors(std::string_view model, const std::vector<float>& rows, std::string* out,
                        Error* error) {
  Loaded in;
  if (!load(model, &in, error)) return false;
  const Model& m = in.model;
  const std::size_t width = m.n_features;
  if (rows.empty() || rows.size() % width != 0) {
    error->message = rows.empty() ? "no rows for golden vectors"
                                  : "golden rows must hold " + std::to_string(width) + " floats each";
    return false;
  }
  const std::size_t n_rows = rows.size() / width;
  if (is_integer_model(m)) return add_quant_golden(m, rows, out, error);
  f::GoldenHeader g{};
  g.n_features = m.n_features;
  g.n_raw = static_cast<std::uint32_t>(output_size(m, Output::raw));
  g.n_proba = static_cast<std::uint32_t>(output_size(m, Output::probability));
  const std::size_t per_row = width + g.n_raw + g.n_proba + 1;
  if (n_rows > 0xFFFFFFFFu / 4 / per_row) {
    error->message = "too many golden rows for one section";
    return false;
  }
  g.n_rows = static_cast<std::uint32_t>(n_rows);

  std::string payload(reinterpret_cast<const char*>(&g), sizeof g);
  payload.append(reinterpret_cast<const char*>(rows.data()), rows.size() * sizeof(float));
  std::vector<unsigned char> scratch(scratch_bytes(m));
  std::vector<float> values;
  for (std::size_t r = 0; r < n_rows; ++r) {
    const Span<const float> row(rows.data() + r * width, width);
    for (const Output kind : {Output::raw, Output::probability, Output::label}) {
      values.assign(output_size(m, kind), 0.0f);
      if (values.empty()) continue;
      const Status s = predict(m, row, Span<unsigned char>(scratch.data(), scratch.size()), kind,
                               Span<float>(values.data(), values.size()));
      if (s != Status::ok) {
        error->message = "golden row " + std::to_string(r + 1) + ": " + status_text(s);
        return false;
      }
      payload.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float));
    }
  }
  const auto golden = static_cast<std::uint32_t>(f::SectionKind::golden);
  std::string file;
  if (!rewrite(m, golden, Piece{golden, 0, payload}, f::kVersionMinorGolden, &file, error)) return false;

  // The device's check, run here: it must pass on the host that wrote it.
  Loaded check;
  if (!load(file, &check, error)) return false;
  std::vector<unsigned char> test_scratch(self_test_scratch_bytes(check.model));
  SelfTestResult result;
  const Status s =
      self_test(check.model, Span<unsigned char>(test_scratch.data(), test_scratch.size()), &result);
  if (s != Status::ok) {
    error->message = "the golden vectors just written fail their self-test: " + status_text(s);
    return false;
  }
  *out = std::move(file);
  return true;
}

bool golden_rows_from_table(std::string_view model, const Table& table, std::size_t n,
                            std::vector<float>* rows, Error* error) {
  if (n == 0 || n > table.rows) {
    error->message = "golden vectors need between 1 and " + std::to_string(table.rows) +
                     " rows (the rows of the data), not " + std::to_string(n);
    return false;
  }
  LoadedModel lm;
  lm.storage.assign(model.size() / 8 + 1, 0);
  std::memcpy(lm.storage.data(), model.data(), model.size());
  lm.size = model.size();
  if (!load_model_storage(&lm, error)) return false;
  // Only the first n rows are encoded.
  Table head;
  head.rows = n;
  head.target = table.target;
  for (const Column& c : table.columns) {
    Column h;
    h.name = c.name;
    h.type = c.type;
    h.labels = c.labels;
    if (c.type == ColumnType::numeric) {
      h.values.assign(c.values.begin(), c.values.begin() + static_cast<std::ptrdiff_t>(n));
    } else {
      h.codes.assign(c.codes.begin(), c.codes.begin() + static_cast<std::ptrdiff_t>(n));
    }
    head.columns.push_back(std::move(h));
  }
  ModelInput in;
  if (!model_input_from_table(head, lm, &in, error)) return false;
  // The rule predict applies: no expected output is made from an infinite
  // input or from scores that overflow.
  std::vector<float> outputs;
  if (!predict_rows("", lm, in, Output::raw, &outputs, error)) return false;
  *rows = std::move(in.rows);
  return true;
}

bool strip_section(std::string_view model, format::SectionKind kind, std::string* out, Error* error) {
  Loaded in;
  if (!load(model, &in, error)) return false;
  return rewrite(in.model, static_cast<std::uint32_t>(kind), Piece{0, 0, {}}, 0, out, error);
}

bool strip_golden_vectors(std::string_view model, std::string* out, Error* error) {
  return strip_section(model, format::SectionKind::golden, out, error);
}

bool strip_metadata(std::string_view model, std::string* out, Error* error) {
  return strip_section(model, format::SectionKind::metadata, out, error);
}

}  // namespace ember::host
