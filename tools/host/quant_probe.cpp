#include "host/quant_probe.h"

#include <algorithm>
#include <cstring>

#include "ember/runtime/model_format.h"
#include "ember/runtime/predict.h"
#include "host/float_trees.h"

namespace ember::host {

namespace {

namespace f = format;
using Sources = std::vector<std::vector<std::uint32_t>>;

std::uint32_t u32_at(const unsigned char* p, std::size_t i) {
  std::uint32_t v;
  std::memcpy(&v, p + 4 * i, sizeof v);
  return v;
}

float f32_at(const unsigned char* p, std::size_t i) {
  float v;
  std::memcpy(&v, p + 4 * i, sizeof v);
  return v;
}

// The sources of one step's outputs from those of its inputs.
Sources step_sources(const f::StepHeader& h, const unsigned char* payload, const Sources& in, bool* mixes) {
  Sources out;
  switch (static_cast<f::StepKind>(h.kind)) {
    case f::StepKind::impute: {
      out = in;
      const std::uint32_t n_ind = u32_at(payload, h.n_in);
      for (std::uint32_t k = 0; k < n_ind; ++k) out.push_back(in[u32_at(payload, h.n_in + 1 + k)]);
      break;
    }
    case f::StepKind::one_hot:
      for (std::uint32_t i = 0; i < h.n_in; ++i) {
        const std::uint32_t k = u32_at(payload, i);
        for (std::uint32_t c = 0; c < std::max<std::uint32_t>(k, 1); ++c) out.push_back(in[i]);
      }
      break;
    case f::StepKind::select:
      for (std::uint32_t i = 0; i < h.n_out; ++i) out.push_back(in[u32_at(payload, i)]);
      break;
    case f::StepKind::project:
      for (std::uint32_t o = 0; o < h.n_out; ++o) {
        std::vector<std::uint32_t> s;
        for (std::uint32_t i = 0; i < h.n_in; ++i) {
          if (f32_at(payload, std::size_t{o} * h.n_in + i) != 0.0f)
            s.insert(s.end(), in[i].begin(), in[i].end());
        }
        std::sort(s.begin(), s.end());
        s.erase(std::unique(s.begin(), s.end()), s.end());
        if (s.size() > 1) *mixes = true;
        out.push_back(std::move(s));
      }
      break;
    default:  // ordinal, affine, discretize: column by column
      out = in;
      break;
  }
  return out;
}

// Whether each output column is still its raw feature's present value
// (identity), and the discretize edges met on such columns.
std::vector<char> step_identity(const f::StepHeader& h, const unsigned char* payload,
                                const std::vector<char>& in, const Sources& sources, ColumnSources* r) {
  std::vector<char> out;
  const auto kind = static_cast<f::StepKind>(h.kind);
  std::uint32_t edge = 0;
  for (std::uint32_t i = 0; i < h.n_in && kind != f::StepKind::select && kind != f::StepKind::project; ++i) {
    const std::uint32_t k = kind == f::StepKind::impute ? 0 : u32_at(payload, i);
    bool same = in[i] != 0;
    if (kind == f::StepKind::affine)
      same = same && f32_at(payload, i) == 0.0f && f32_at(payload, h.n_in + i) == 1.0f;
    if ((kind == f::StepKind::one_hot || kind == f::StepKind::ordinal) && k > 0) same = false;
    if (kind == f::StepKind::discretize && k > 0) {
      auto& e = r->raw_edges[sources[i][0]];
      for (std::uint32_t b = 0; b < k && same; ++b) e.push_back(f32_at(payload, h.n_in + edge + b));
      std::sort(e.begin(), e.end());
      e.erase(std::unique(e.begin(), e.end()), e.end());
      same = false;
    }
    if (kind == f::StepKind::discretize) edge += k;
    const std::uint32_t copies = kind == f::StepKind::one_hot ? std::max<std::uint32_t>(k, 1) : 1;
    for (std::uint32_t c = 0; c < copies; ++c) out.push_back(same);
  }
  if (kind == f::StepKind::impute) out.resize(h.n_out, 0);
  if (kind == f::StepKind::select)
    for (std::uint32_t i = 0; i < h.n_out; ++i) out.push_back(in[u32_at(payload, i)]);
  if (kind == f::StepKind::project) out.assign(h.n_out, 0);
  return out;
}

}  // namespace

ColumnSources column_sources(const Model& m) {
  ColumnSources r;
  std::vector<char> identity;
  for (std::uint32_t j = 0; j < m.n_features; ++j) {
    r.of_column.push_back({j});
    identity.push_back(m.n_categories[j] == 0);
  }
  r.raw_edges.resize(m.n_features);
  const unsigned char* p = m.steps;
  for (std::uint32_t s = 0; s < m.n_steps; ++s) {
    f::StepHeader h;
    std::memcpy(&h, p, sizeof h);
    identity = step_identity(h, p + sizeof h, identity, r.of_column, &r);
    bool mixes = false;
    r.of_column = step_sources(h, p + sizeof h, r.of_column, &mixes);
    if (mixes && r.mixing_project < 0) r.mixing_project = static_cast<int>(s);
    p += h.size;
  }
  return r;
}

std::vector<char> features_read(const Model& m) {
  const ColumnSources src = column_sources(m);
  std::vector<char> read_columns(m.model_features, 0), read(m.n_features, 0);
  if (m.kind == ModelKind::trees) {
    for (const FloatTree& t : decode_float_trees(m))
      for (const FloatNode& n : t.nodes) read_columns[n.column] = 1;
  } else if (m.kind == ModelKind::linear) {
    for (std::size_t i = 0; i < std::size_t{m.n_outputs} * m.model_features; ++i)
      if (m.weights[i] != 0.0f) read_columns[i % m.model_features] = 1;
  }
  for (std::uint32_t c = 0; c < m.model_features; ++c)
    for (std::uint32_t j : src.of_column[c]) read[j] = read[j] || read_columns[c];
  return read;
}

PipelineProbe::PipelineProbe(const Model& m) : m_(m), width_(m.model_features), scratch_(scratch_bytes(m)) {}

Status PipelineProbe::transform(const float* row, float* out) {
  return ember::transform(m_, Span<const float>(row, m_.n_features),
                          Span<unsigned char>(scratch_.data(), scratch_.size()), Span<float>(out, width_));
}

void PipelineProbe::linear_scores(const float* x, double* scores) const {
  for (std::uint32_t o = 0; o < m_.n_outputs; ++o) {
    double s = static_cast<double>(m_.intercepts[o]);
    const float* w = m_.weights + std::size_t{o} * width_;
    for (std::size_t c = 0; c < width_; ++c) s += static_cast<double>(w[c]) * static_cast<double>(x[c]);
    scores[o] = s;
  }
}

}  // namespace ember::host
