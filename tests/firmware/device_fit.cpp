#include "device_fit.h"

#include <cstddef>
#include <cstring>
#include <new>

#include "device_data.h"
#include "ember/base/arena.h"
#include "ember/base/matrix_view.h"
#include "ember/base/span.h"
#include "ember/binning.h"
#include "ember/decision_tree.h"
#include "ember/logistic_regression.h"
#include "ember/rng.h"
#include "ember/runtime/model.h"
#include "ember/runtime/model_format.h"
#include "ember/runtime/predict.h"
#include "ember/running_stats.h"
#include "ember/sgd.h"
#include "ember/writer/model_writer.h"

namespace ember::device_fit {

namespace {

namespace data = ember::device_data;
namespace f = ember::format;

constexpr std::size_t kN = data::kRows;
constexpr std::size_t kD = data::kFeatures;
constexpr std::uint32_t kD32 = static_cast<std::uint32_t>(kD);

// Every feature is numeric; the scaler file's linear part is all zeros.
constexpr std::uint32_t kNumeric[kD] = {};
constexpr float kZeroWeights[kD] = {};
constexpr float kZero[2] = {};

// Aligned as malloc's blocks, so that the arena's padding, and with it the
// bytes reported, do not depend on where the linker put the buffer.
constexpr std::size_t kAlign = alignof(std::max_align_t);
alignas(kAlign) unsigned char g_buffer[kArenaBytes];
alignas(Arena) unsigned char g_arena_storage[sizeof(Arena)];
Arena* g_arena = nullptr;
FitResult g_results[kTrainers];
std::size_t g_peak = 0;
// The scaler's parameters (kept in the arena) and its loaded file, which
// standardises the rows of the logistic and SGD fits.
Span<float> g_offset, g_scale;
Model g_scaler;
bool g_have_scaler = false;

Span<const float> raw_row(std::size_t i) { return Span<const float>(data::kX + i * kD, kD); }

MatrixView<const float> raw_rows() { return MatrixView<const float>{data::kX, kN, kD, kD}; }

constexpr std::size_t round8(std::size_t n) { return (n + 7) / 8 * 8; }

std::uint32_t u32(std::size_t n) { return static_cast<std::uint32_t>(n); }

SchemaSpec binary_schema() {
  return SchemaSpec{f::Task::binary, data::kClasses, Span<const std::uint32_t>(kNumeric, kD)};
}

// Records the operation being run, so that a failure names it.
#define STEP(result, name, expr)             \
  do {                                       \
    (result)->step = (name);                 \
    const ::ember::Status step_s_ = (expr);  \
    if (step_s_ != ::ember::Status::ok) {    \
      (result)->status = step_s_;            \
      return step_s_;                        \
    }                                        \
  } while (0)

// ---- the four jobs: fit(work arena) then write(writer), the latter twice --

struct ScalerJob {
  Status fit(Arena& work, FitResult* r) {
    RunningStats stats;
    STEP(r, "RunningStats::init", stats.init(work, kD));
    for (std::size_t i = 0; i < kN; ++i) STEP(r, "RunningStats::add", stats.add(raw_row(i)));
    STEP(r, "RunningStats::scaler", stats.scaler(g_offset, g_scale));
    r->iterations = u32(kN);
    return Status::ok;
  }
  Status write(ModelWriter& w) const {
    EMBER_TRY(w.schema(SchemaSpec{f::Task::regression, 0, Span<const std::uint32_t>(kNumeric, kD)}));
    EMBER_TRY(w.affine(g_offset, g_scale));
    return w.linear(LinearSpec{kD32, 1, f::Link::identity, Span<const float>(kZeroWeights, kD),
                               Span<const float>(kZero, 1)});
  }
};

// The scaler file's pipeline on raw row i, into out (kD floats).
Status standardise(std::size_t i, Span<unsigned char> scratch, Span<float> out) {
  return transform(g_scaler, raw_row(i), scratch, out);
}

Status scaler_scratch(Arena& work, Span<unsigned char>* out) {
  return work.allocate_array(scratch_bytes(g_scaler), out);
}

// The affine step and a logistic linear model, for logistic and sgd.
Status write_logistic_file(ModelWriter& w, Span<const float> coef, Span<const float> intercept) {
  EMBER_TRY(w.schema(binary_schema()));
  EMBER_TRY(w.affine(g_offset, g_scale));
  return w.linear(LinearSpec{kD32, 1, f::Link::logistic, coef, intercept});
}

struct LogisticJob {
  Span<float> coef, intercept;
  Status fit(Arena& work, FitResult* r) {
    STEP(r, "the scaler's file (fit the scaler first)", g_have_scaler ? Status::ok : Status::invalid_argument);
    Span<float> x;
    Span<std::int32_t> y;
    Span<unsigned char> scratch;
    STEP(r, "allocate rows", work.allocate_array(kN * kD, &x));
    STEP(r, "allocate labels", work.allocate_array(kN, &y));
    STEP(r, "allocate transform scratch", scaler_scratch(work, &scratch));
    for (std::size_t i = 0; i < kN; ++i) {
      STEP(r, "transform", standardise(i, scratch, x.subspan(i * kD, kD)));
      y[i] = data::kY[i];
    }
    STEP(r, "allocate coefficients", work.allocate_array(kD, &coef));
    STEP(r, "allocate intercept", work.allocate_array(1, &intercept));
    LogisticRegressionOptions o;
    o.penalty = Penalty::l2;
    o.c = kLogisticC;
    FitReport report;
    STEP(r, "fit_logistic_regression",
         fit_logistic_regression(MatrixView<const float>{x.data(), kN, kD, kD}, y, data::kClasses, {}, {}, o,
                                 work, coef, intercept, &report));
    r->iterations = report.iterations;
    r->converged = report.converged;
    return Status::ok;
  }
  Status write(ModelWriter& w) const { return write_logistic_file(w, coef, intercept); }
};

struct SgdJob {
  Span<float> coef, intercept;
  Status fit(Arena& work, FitResult* r) {
    STEP(r, "the scaler's file (fit the scaler first)", g_have_scaler ? Status::ok : Status::invalid_argument);
    SgdModel model;
    SgdOptions o;
    o.loss = SgdLoss::log;
    o.alpha = 1.0 / (kLogisticC * static_cast<double>(kN));
    o.average = true;
    STEP(r, "SgdModel::init", model.init(work, kD, data::kClasses, o));
    Span<std::uint32_t> order;
    Span<float> row;
    Span<unsigned char> scratch;
    STEP(r, "allocate order", work.allocate_array(kN, &order));
    STEP(r, "allocate row", work.allocate_array(kD, &row));
    STEP(r, "allocate transform scratch", scaler_scratch(work, &scratch));
    for (std::size_t i = 0; i < kN; ++i) order[i] = u32(i);
    Rng rng(kSgdShuffleSeed);
    for (std::uint32_t epoch = 0; epoch < kSgdEpochs; ++epoch) {
      rng.shuffle(order);
      for (std::size_t k = 0; k < kN; ++k) {
        const std::size_t i = order[k];
        STEP(r, "transform", standardise(i, scratch, row));
        STEP(r, "SgdModel::partial_fit", model.partial_fit(row, static_cast<float>(data::kY[i])));
      }
    }
    STEP(r, "allocate coefficients", work.allocate_array(kD, &coef));
    STEP(r, "allocate intercept", work.allocate_array(1, &intercept));
    STEP(r, "SgdModel::coefficients", model.coefficients(coef, intercept));
    r->iterations = static_cast<std::uint32_t>(model.steps());
    return Status::ok;
  }
  Status write(ModelWriter& w) const { return write_logistic_file(w, coef, intercept); }
};

struct TreeJob {
  FittedTree tree;
  TreeSpec spec;
  Status fit(Arena& work, FitResult* r) {
    BinOptions bins;  // 255 bins, every row: one bin per distinct value here
    const std::size_t binning_bound = binning_arena_bytes(kN, kD, bins);
    // The tree itself goes into an arena of its own (fit_decision_tree
    // gives all its scratch back and keeps only the tree): at most
    // 2^depth - 1 nodes and 2^depth leaves of kClasses values, with
    // alignment padding.
    const std::size_t leaves = std::size_t{1} << kTreeMaxDepth;
    const std::size_t tree_bound =
        (leaves - 1) * sizeof(TreeNodeSpec) + leaves * data::kClasses * sizeof(float) + 2 * alignof(TreeNodeSpec);
    r->binning_bound = u32(binning_bound);
    BinnedData binned;
    const std::size_t before = work.used();
    STEP(r, "bin_data", bin_data(raw_rows(), Span<const std::uint32_t>(kNumeric, kD), bins, work, &binned));
    r->binning_used = u32(work.used() - before);
    Span<float> target;
    STEP(r, "allocate target", work.allocate_array(kN, &target));
    for (std::size_t i = 0; i < kN; ++i) target[i] = static_cast<float>(data::kY[i]);
    void* block = nullptr;
    STEP(r, "allocate tree", work.allocate(tree_bound, alignof(TreeNodeSpec), &block));
    Arena result(block, tree_bound);
    TreeOptions o;
    o.criterion = Criterion::gini;
    o.max_depth = kTreeMaxDepth;
    STEP(r, "fit_decision_tree",
         fit_decision_tree(binned, target, data::kClasses, {}, o, work, result, &tree));
    spec = tree.spec();
    r->iterations = u32(tree.nodes.size());
    return Status::ok;
  }
  Status write(ModelWriter& w) const {
    EMBER_TRY(w.schema(binary_schema()));
    return w.trees(TreeEnsembleSpec{kD32, data::kClasses, tree.leaf_width, f::Aggregation::mean,
                                    f::Link::identity, Span<const float>(kZero, data::kClasses),
                                    Span<const TreeSpec>(&spec, 1)});
  }
};

// Predictions of the loaded file: the probed rows, and the training rows it
// labels right.
Status evaluate(Trainer t, const Model& m, FitResult* r) {
  Arena& top = *g_arena;
  const Arena::Marker start = top.mark();
  Span<unsigned char> scratch;
  Status s = top.allocate_array(scratch_bytes(m), &scratch);
  if (top.used() > g_peak) g_peak = top.used();
  const bool scaler = t == Trainer::scaler;
  r->prediction_width = scaler ? kD32 : data::kClasses;
  for (std::size_t k = 0; k < kPredictRows && s == Status::ok; ++k) {
    const Span<float> out(r->predictions + k * kPredictWidth, r->prediction_width);
    r->step = scaler ? "transform" : "predict probability";
    s = scaler ? transform(m, raw_row(predict_row(k)), scratch, out)
               : predict(m, raw_row(predict_row(k)), scratch, Output::probability, out);
  }
  if (!scaler) {
    r->step = "predict label";
    for (std::size_t i = 0; i < kN && s == Status::ok; ++i) {
      float label = -1.0f;
      s = predict(m, raw_row(i), scratch, Output::label, Span<float>(&label, 1));
      if (label == static_cast<float>(data::kY[i])) ++r->correct;
    }
  }
  top.rewind(start);
  if (s != Status::ok) r->status = s;
  return s;
}

// One fit in a child arena over the free part of the top arena, its file
// written at the top of that, then moved down to where the fit began.
template <class Job>
Status run(Trainer t, Job& job) {
  FitResult* r = &g_results[static_cast<std::size_t>(t)];
  *r = FitResult{};
  Arena& top = *g_arena;
  const Arena::Marker start = top.mark();
  const std::size_t start_used = top.used();
  void* block = nullptr;
  const std::size_t pad = (kAlign - start_used % kAlign) % kAlign;
  const std::size_t free = top.remaining() < pad ? 0 : (top.remaining() - pad) / kAlign * kAlign;
  STEP(r, "take the free arena", top.allocate(free, kAlign, &block));
  std::size_t size = 0;
  const unsigned char* written = nullptr;
  {
    Arena work(block, free);
    Status s = job.fit(work, r);
    r->arena_bytes = u32(work.high_water());
    // The scaler's offset and scale were taken before its fit, for good.
    if (t == Trainer::scaler) r->arena_bytes += u32(g_offset.size_bytes() + g_scale.size_bytes());
    if (s == Status::ok) {
      r->step = "ModelWriter (measure)";
      ModelWriter measure{Span<unsigned char>()};
      s = job.write(measure);
      if (s == Status::ok) s = measure.finish(&size);
    }
    void* file = nullptr;
    if (s == Status::ok) {
      r->file_buffer = u32(size);
      r->step = "allocate the file";
      s = work.allocate(size, f::kSectionAlignment, &file);
    }
    if (s == Status::ok) {
      r->step = "ModelWriter";
      ModelWriter writer{Span<unsigned char>(static_cast<unsigned char*>(file), size)};
      s = job.write(writer);
      if (s == Status::ok) s = writer.finish(&size);
      written = static_cast<const unsigned char*>(file);
    }
    const std::size_t peak = start_used + work.high_water();
    if (peak > g_peak) g_peak = peak;
    top.rewind(start);
    if (s != Status::ok) {
      r->status = s;
      return s;
    }
  }
  // The work arena's memory is free again: keep the file at its start.
  void* keep = nullptr;
  STEP(r, "keep the file", top.allocate(round8(size), f::kSectionAlignment, &keep));
  std::memmove(keep, written, size);
  r->bytes = static_cast<const unsigned char*>(keep);
  r->size = u32(size);
  Model m;
  STEP(r, "load_model", load_model(r->bytes, r->size, &m));
  EMBER_TRY(evaluate(t, m, r));
  if (t == Trainer::scaler) {
    g_scaler = m;
    g_have_scaler = true;
  }
  r->step = "";
  r->done = true;
  return Status::ok;
}

// ---- describe_offset ------------------------------------------------------

struct Text {
  char* out;
  std::size_t capacity;
  std::size_t n = 0;
  void put(const char* s) {
    for (; *s != '\0'; ++s) {
      if (n + 1 < capacity) out[n++] = *s;
    }
    if (capacity > 0) out[n] = '\0';
  }
  void put_u(std::size_t v) {
    char digits[24];
    std::size_t k = 0;
    do {
      digits[k++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0);
    char s[2] = {0, 0};
    while (k > 0) {
      s[0] = digits[--k];
      put(s);
    }
  }
  void index(const char* name, std::size_t i) {
    put(name);
    put("[");
    put_u(i);
    put("]");
  }
};

std::uint32_t read_u32(const unsigned char* bytes, std::size_t size, std::size_t at) {
  std::uint32_t v = 0;
  if (at <= size && size - at >= 4) std::memcpy(&v, bytes + at, 4);
  return v;
}

// Names the field at `rel` among consecutive fields of `widths` bytes each;
// false when rel is past them all (rel then counts on from their end).
struct Field {
  const char* name;
  std::size_t bytes;
};
bool name_field(Text* t, const Field* fields, std::size_t n, std::size_t* rel) {
  for (std::size_t i = 0; i < n; ++i) {
    if (*rel < fields[i].bytes) {
      t->put(fields[i].name);
      return true;
    }
    *rel -= fields[i].bytes;
  }
  return false;
}
// An array of `count` elements of `width` bytes.
bool name_array(Text* t, const char* name, std::size_t count, std::size_t width, std::size_t* rel) {
  if (*rel < count * width) {
    t->index(name, *rel / width);
    return true;
  }
  *rel -= count * width;
  return false;
}

void describe_section(Text* t, const unsigned char* bytes, std::size_t size, std::uint32_t kind,
                      std::size_t start, std::size_t rel) {
  const std::size_t at = start;  // the section's payload starts here
  auto u = [&](std::size_t field) { return read_u32(bytes, size, at + field); };
  if (kind == static_cast<std::uint32_t>(f::SectionKind::schema)) {
    t->put("SCHM ");
    static const Field header[] = {{"n_features", 4}, {"n_classes", 4}, {"task", 1}, {"reserved", 7}};
    if (name_field(t, header, 4, &rel) || name_array(t, "n_categories", u(0), 4, &rel)) return;
  } else if (kind == static_cast<std::uint32_t>(f::SectionKind::linear)) {
    t->put("LINR ");
    static const Field header[] = {{"n_features", 4}, {"n_outputs", 4}, {"link", 1}, {"reserved", 7}};
    const std::size_t n_features = u(0), n_outputs = u(4);
    if (name_field(t, header, 4, &rel) || name_array(t, "weights", n_features * n_outputs, 4, &rel) ||
        name_array(t, "intercepts", n_outputs, 4, &rel))
      return;
  } else if (kind == static_cast<std::uint32_t>(f::SectionKind::pipeline)) {
    t->put("PIPE ");
    static const Field header[] = {{"n_steps", 4}, {"reserved", 4}};
    if (name_field(t, header, 2, &rel)) return;
    const std::uint32_t n_steps = u(0);
    std::size_t step_at = 8;
    for (std::uint32_t k = 0; k < n_steps && step_at < size - at; ++k) {
      const std::uint32_t kind_flags = u(step_at), step_size = u(step_at + 4), n_in = u(step_at + 8);
      if (step_size < 16) break;
      if (rel < step_size) {
        t->index("step", k);
        const auto step_kind = static_cast<f::StepKind>(kind_flags & 0xffffu);
        t->put(step_kind == f::StepKind::affine ? " affine " : " ");
        static const Field step_header[] = {{"kind", 2}, {"flags", 2}, {"size", 4}, {"n_in", 4}, {"n_out", 4}};
        if (name_field(t, step_header, 5, &rel)) return;
        if (step_kind == f::StepKind::affine &&
            (name_array(t, "offset", n_in, 4, &rel) || name_array(t, "scale", n_in, 4, &rel)))
          return;
        t->put("payload +");
        t->put_u(rel);
        return;
      }
      rel -= step_size;
      step_at += step_size;
    }
  } else if (kind == static_cast<std::uint32_t>(f::SectionKind::trees)) {
    t->put("TREE ");
    static const Field header[] = {{"n_features", 4},  {"n_outputs", 4},    {"n_trees", 4},    {"leaf_width", 4},
                                   {"total_nodes", 4}, {"total_leaves", 4}, {"bitset_words", 4},
                                   {"aggregation", 1}, {"link", 1},         {"word_bytes", 1}, {"feature_bits", 1},
                                   {"skip_bits", 1},   {"max_depth", 1},    {"layout", 1},     {"reserved", 1}};
    const std::size_t n_outputs = u(4), n_trees = u(8), leaf_width = u(12), nodes = u(16), n_leaves = u(20);
    const std::size_t word_bytes =
        at + sizeof(f::TreesHeader) <= size ? bytes[at + offsetof(f::TreesHeader, word_bytes)] : 1;
    const std::size_t section_rel = rel;
    if (name_field(t, header, 15, &rel) || name_array(t, "base_score", n_outputs, 4, &rel) ||
        name_array(t, "node_begin", n_trees + 1, 4, &rel) || name_array(t, "leaf_begin", n_trees + 1, 4, &rel) ||
        name_array(t, "tree_output", n_trees, 4, &rel) || name_array(t, "threshold", nodes, 4, &rel))
      return;
    // Zero padding to a multiple of 8 from the section start.
    const std::size_t words_start = (section_rel - rel + 7) / 8 * 8;
    const std::size_t pad8 = words_start - (section_rel - rel);
    if (rel < pad8) {
      t->put("padding");
      return;
    }
    rel -= pad8;
    if (name_array(t, "word", nodes, word_bytes == 0 ? 1 : word_bytes, &rel)) return;
    const std::size_t pad4 = (4 - (words_start + nodes * word_bytes) % 4) % 4;
    if (rel < pad4) {
      t->put("padding");
      return;
    }
    rel -= pad4;
    if (name_array(t, "leaf_value", n_leaves * leaf_width, 4, &rel)) return;
    t->put("bitsets +");
    t->put_u(rel);
    return;
  } else {
    char fourcc[5] = {static_cast<char>(kind & 0xff), static_cast<char>((kind >> 8) & 0xff),
                      static_cast<char>((kind >> 16) & 0xff), static_cast<char>((kind >> 24) & 0xff), 0};
    t->put(fourcc);
    t->put(" ");
  }
  t->put("+");
  t->put_u(rel);
}

}  // namespace

const char* trainer_name(Trainer t) noexcept {
  switch (t) {
    case Trainer::scaler:
      return "scaler";
    case Trainer::logistic:
      return "logistic";
    case Trainer::sgd:
      return "sgd";
    case Trainer::tree:
      return "tree";
  }
  return "?";
}

void reset() noexcept {
  if (g_arena == nullptr) g_arena = new (g_arena_storage) Arena(g_buffer, sizeof g_buffer);
  g_arena->reset();
  for (FitResult& r : g_results) r = FitResult{};
  g_have_scaler = false;
  g_scaler = Model{};
  g_peak = 0;
  // The scaler's parameters live as long as its file: first in the arena.
  // (Two small arrays of a few floats cannot fail to fit any arena worth
  // the name; if they do, the scaler's fit reports it.)
  if (g_arena->allocate_array(kD, &g_offset) != Status::ok ||
      g_arena->allocate_array(kD, &g_scale) != Status::ok) {
    g_offset = g_scale = Span<float>();
  }
  g_peak = g_arena->used();
}

Status fit(Trainer t) noexcept {
  if (g_arena == nullptr) reset();
  switch (t) {
    case Trainer::scaler: {
      ScalerJob job;
      if (g_offset.size() != kD) {
        FitResult& r = g_results[0];
        r = FitResult{};
        r.step = "allocate offset and scale";
        return r.status = Status::out_of_memory;
      }
      return run(t, job);
    }
    case Trainer::logistic: {
      LogisticJob job;
      return run(t, job);
    }
    case Trainer::sgd: {
      SgdJob job;
      return run(t, job);
    }
    case Trainer::tree: {
      TreeJob job;
      return run(t, job);
    }
  }
  return Status::invalid_argument;
}

Status fit_all() noexcept {
  reset();
  for (std::size_t k = 0; k < kTrainers; ++k) EMBER_TRY(fit(static_cast<Trainer>(k)));
  return Status::ok;
}

const FitResult& result(Trainer t) noexcept { return g_results[static_cast<std::size_t>(t)]; }

std::size_t data_rows() noexcept { return kN; }
std::size_t predict_row(std::size_t r) noexcept { return r * kN / kPredictRows; }

std::size_t arena_capacity() noexcept { return sizeof g_buffer; }
std::size_t arena_used() noexcept { return g_arena == nullptr ? 0 : g_arena->used(); }
std::size_t arena_peak() noexcept { return g_peak; }

const char* describe_offset(const unsigned char* bytes, std::size_t size, std::size_t offset, char* out,
                            std::size_t capacity) noexcept {
  Text t{out, capacity};
  t.put("");
  if (offset >= size) {
    t.put("past the end");
    return out;
  }
  if (offset < sizeof(f::FileHeader)) {
    static const Field header[] = {{"magic", 4}, {"version_major", 2}, {"version_minor", 2},
                                   {"crc32", 4}, {"file_size", 4},     {"flags", 4},
                                   {"section_count", 4}, {"scratch_bytes", 4}, {"reserved", 4}};
    std::size_t rel = offset;
    t.put("header ");
    name_field(&t, header, 9, &rel);
    return out;
  }
  const std::uint32_t count = read_u32(bytes, size, offsetof(f::FileHeader, section_count));
  const std::size_t table_end = sizeof(f::FileHeader) + std::size_t{count} * sizeof(f::SectionEntry);
  if (count > 64 || table_end > size) {
    t.put("(bad section table) +");
    t.put_u(offset);
    return out;
  }
  if (offset < table_end) {
    std::size_t rel = offset - sizeof(f::FileHeader);
    t.index("section", rel / sizeof(f::SectionEntry));
    static const Field entry[] = {{" kind", 4}, {" flags", 4}, {" offset", 4}, {" size", 4}};
    rel %= sizeof(f::SectionEntry);
    name_field(&t, entry, 4, &rel);
    return out;
  }
  for (std::uint32_t k = 0; k < count; ++k) {
    const std::size_t e = sizeof(f::FileHeader) + std::size_t{k} * sizeof(f::SectionEntry);
    const std::uint32_t kind = read_u32(bytes, size, e), start = read_u32(bytes, size, e + 8),
                        length = read_u32(bytes, size, e + 12);
    if (offset >= start && offset - start < length && start <= size && length <= size - start) {
      describe_section(&t, bytes, start + length, kind, start, offset - start);
      return out;
    }
  }
  t.put("padding between sections");
  return out;
}

}  // namespace ember::device_fit
