// ember inspect: what a model file holds and what it costs on a device.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "command.h"
#include "ember/runtime/metadata.h"
#include "ember/runtime/model_format.h"
#include "ember/runtime/predict.h"
#include "ember/runtime/predict_q.h"
#include "ember/runtime/self_test.h"
#include "host/device_footprint.h"
#include "host/json_writer.h"
#include "host/model_file.h"
#include "host/quant_golden.h"
#include "inspect_quant.h"

namespace ember::cli {

namespace {

namespace f = format;

// EMBER_RUNTIME_MAX_TREE_DEPTH on Cortex-M (include/ember/runtime/config.h).
constexpr unsigned kDeviceMaxTreeDepth = 32;

const char* task_name(f::Task t) {
  switch (t) {
    case f::Task::regression:
      return "regression";
    case f::Task::binary:
      return "binary";
    case f::Task::multiclass:
      return "multiclass";
  }
  return "unknown";
}

const char* link_name(f::Link l) {
  switch (l) {
    case f::Link::identity:
      return "identity";
    case f::Link::logistic:
      return "logistic";
    case f::Link::softmax:
      return "softmax";
  }
  return "unknown";
}

const char* step_name(std::uint16_t kind) {
  switch (static_cast<f::StepKind>(kind)) {
    case f::StepKind::impute:
      return "impute";
    case f::StepKind::one_hot:
      return "one_hot";
    case f::StepKind::ordinal:
      return "ordinal";
    case f::StepKind::affine:
      return "affine";
    case f::StepKind::discretize:
      return "discretize";
    case f::StepKind::select:
      return "select";
    case f::StepKind::project:
      return "project";
  }
  return "unknown";
}

std::string fourcc_text(std::uint32_t kind) {
  std::string s(4, ' ');
  for (int i = 0; i < 4; ++i) {
    const char c = static_cast<char>((kind >> (8 * i)) & 0xFFu);
    s[static_cast<std::size_t>(i)] = c >= 32 && c < 127 ? c : '?';
  }
  return s;
}

// Everything inspect reports, gathered once and printed as JSON or text.
struct Report {
  struct Section {
    std::string kind;
    std::uint32_t offset, size;
    bool required;
  };
  struct Step {
    std::string name;
    std::uint32_t n_in, n_out;
    std::string description;  // "" when the file does not say
  };
  std::vector<Section> sections;
  std::vector<Step> steps;
  std::vector<std::string> metadata_keys;
  std::size_t metadata_bytes = 0;
  // Golden vectors: present when golden_status is not section_not_found;
  // self_test is run only on a GOLD section that verifies.
  Status golden_status = Status::section_not_found;
  std::size_t golden_bytes = 0;
  SelfTestResult self_test;
};

const char* output_name(Output kind) {
  switch (kind) {
    case Output::raw:
      return "raw";
    case Output::probability:
      return "probability";
    case Output::label:
      return "label";
  }
  return "unknown";
}

// "self_test_mismatch at golden row 3 of 5 (probability)"; rows from 1.
std::string failure_text(const SelfTestResult& t) {
  return std::string(status_name(t.status)) + " at golden row " + std::to_string(t.first_bad_row + 1) +
         " of " + std::to_string(t.rows) + " (" + output_name(t.first_bad_output) + ")";
}

// "" when the golden vectors pass (or there are none), else why not.
std::string golden_problem(const Report& r) {
  if (r.golden_status == Status::section_not_found) return "";
  if (r.golden_status != Status::ok) {
    return std::string("corrupt golden vectors (GOLD section): ") + status_name(r.golden_status) + ": " +
           status_description(r.golden_status);
  }
  if (r.self_test.status == Status::ok) return "";
  return "self-test failed: " + failure_text(r.self_test);
}

Report gather(const host::LoadedModel& lm) {
  Report r;
  const Model& m = lm.model;
  f::FileHeader h;
  std::memcpy(&h, m.bytes, sizeof h);
  for (std::uint32_t i = 0; i < h.section_count; ++i) {
    f::SectionEntry s;
    std::memcpy(&s, m.bytes + sizeof h + i * sizeof s, sizeof s);
    r.sections.push_back({fourcc_text(s.kind), s.offset, s.size, (s.flags & f::kSectionRequired) != 0});
    if (s.kind == static_cast<std::uint32_t>(f::SectionKind::metadata)) r.metadata_bytes = s.size;
    if (s.kind == static_cast<std::uint32_t>(f::SectionKind::golden) ||
        s.kind == static_cast<std::uint32_t>(f::SectionKind::quant_golden))
      r.golden_bytes = s.size;
  }
  std::uint32_t golden_rows = 0;  // GOLD, or an integer model's QGLD
  r.golden_status = host::find_golden_rows(m, &golden_rows);
  if (r.golden_status == Status::ok) {
    std::vector<unsigned char> scratch(self_test_scratch_bytes(m));
    self_test(m, Span<unsigned char>(scratch.data(), scratch.size()), &r.self_test);
  }
  const unsigned char* p = m.steps;
  for (std::uint32_t s = 0; s < m.n_steps; ++s) {
    f::StepHeader sh;
    std::memcpy(&sh, p, sizeof sh);
    r.steps.push_back({step_name(sh.kind), sh.n_in, sh.n_out,
                       lm.step_descriptions.empty() ? std::string() : lm.step_descriptions[s]});
    p += sh.size;
  }
  MetadataCursor records = metadata_records(m);
  MetadataEntry e;
  while (metadata_next(&records, &e)) r.metadata_keys.emplace_back(e.key, e.key_size);
  return r;
}

void print_json(const std::string& path, const host::LoadedModel& lm, const Report& r) {
  const Model& m = lm.model;
  host::JsonWriter j;
  j.begin_object().key("file").value(path).key("bytes").value(static_cast<std::uint64_t>(m.file_size));
  j.key("version").value(std::to_string(f::kVersionMajor) + "." + std::to_string(m.version_minor));
  j.key("sections").begin_array();
  for (const auto& s : r.sections) {
    j.begin_object().key("kind").value(s.kind).key("offset").value(static_cast<std::uint64_t>(s.offset));
    j.key("bytes").value(static_cast<std::uint64_t>(s.size)).key("required").value(s.required).end_object();
  }
  j.end_array();
  j.key("task").value(task_name(m.task)).key("n_features").value(static_cast<std::uint64_t>(m.n_features));
  j.key("n_classes").value(static_cast<std::uint64_t>(m.n_classes));
  j.key("target").value(lm.target).key("model_type").value(lm.model_type);
  j.key("features").begin_array();
  for (std::uint32_t i = 0; i < m.n_features; ++i) {
    j.begin_object().key("name").value(lm.feature_names[i]);
    j.key("type").value(m.n_categories[i] ? "categorical" : "numeric");
    if (m.n_categories[i]) j.key("categories").value(static_cast<std::uint64_t>(m.n_categories[i]));
    if (!lm.importance_gain.empty() && m.n_steps == 0) {
      j.key("importance_gain").value(static_cast<double>(lm.importance_gain[i]));
      j.key("importance_splits").value(static_cast<std::uint64_t>(lm.importance_splits[i]));
    }
    j.end_object();
  }
  j.end_array().key("classes").begin_array();
  for (const auto& c : lm.class_labels) j.value(c);
  j.end_array().key("pipeline").begin_array();
  for (const auto& s : r.steps) {
    j.begin_object().key("step").value(s.name).key("n_in").value(static_cast<std::uint64_t>(s.n_in));
    j.key("n_out").value(static_cast<std::uint64_t>(s.n_out));
    if (!s.description.empty()) j.key("description").value(s.description);
    j.end_object();
  }
  j.end_array().key("model_inputs").begin_array();
  for (std::uint32_t i = 0; i < m.model_features; ++i) {
    j.begin_object().key("name").value(lm.model_input_names[i]);
    if (!lm.importance_gain.empty()) {
      j.key("importance_gain").value(static_cast<double>(lm.importance_gain[i]));
      j.key("importance_splits").value(static_cast<std::uint64_t>(lm.importance_splits[i]));
    }
    j.end_object();
  }
  j.end_array().key("model").begin_object();
  j.key("kind").value(model_kind_name(m));
  j.key("n_features").value(static_cast<std::uint64_t>(m.model_features));
  j.key("n_outputs").value(static_cast<std::uint64_t>(m.n_outputs)).key("link").value(link_name(m.link));
  if (m.kind == ModelKind::trees) {
    const f::TreesHeader& t = *m.trees;
    j.key("n_trees").value(static_cast<std::uint64_t>(t.n_trees));
    j.key("internal_nodes").value(static_cast<std::uint64_t>(t.total_nodes));
    j.key("leaves").value(static_cast<std::uint64_t>(t.total_leaves));
    j.key("max_depth").value(static_cast<std::uint64_t>(t.max_depth));
    j.key("leaf_width").value(static_cast<std::uint64_t>(t.leaf_width));
    j.key("aggregation").value(t.aggregation == 0 ? "sum" : "mean");
    j.key("node_word_bytes").value(static_cast<std::uint64_t>(t.word_bytes));
    j.key("bytes_per_internal_node").value(static_cast<std::uint64_t>(4 + t.word_bytes));
    j.key("bytes_per_leaf").value(static_cast<std::uint64_t>(4 * t.leaf_width));
  }
  j.end_object();
  j.key("integer");
  integer_model_json(lm, &j);
  j.key("memory").begin_object();
  j.key("flash_bytes").value(static_cast<std::uint64_t>(m.file_size));
  j.key("flash_bytes_without_metadata").value(static_cast<std::uint64_t>(m.file_size - r.metadata_bytes));
  j.key("scratch_bytes").value(static_cast<std::uint64_t>(scratch_bytes(m)));
  j.key("batch_scratch_bytes").value(static_cast<std::uint64_t>(batch_scratch_bytes(m)));
  j.key("model_view_bytes").value(static_cast<std::uint64_t>(sizeof(Model)));
  j.key("ram_bytes").value(static_cast<std::uint64_t>(scratch_bytes(m) + sizeof(Model)));
  j.key("devices").begin_array();
  for (const host::DeviceFootprint& d : host::kDeviceFootprint) {
    const unsigned stack = d.load_stack > d.predict_stack_max ? d.load_stack : d.predict_stack_max;
    j.begin_object().key("cpu").value(d.cpu);
    j.key("ram_bytes").value(static_cast<std::uint64_t>(scratch_bytes(m) + d.model_view + stack));
    j.key("scratch_bytes").value(static_cast<std::uint64_t>(scratch_bytes(m)));
    j.key("model_view_bytes").value(static_cast<std::uint64_t>(d.model_view));
    j.key("load_stack_bytes").value(static_cast<std::uint64_t>(d.load_stack));
    j.key("predict_stack_bytes").value(static_cast<std::uint64_t>(d.predict_stack));
    j.key("predict_stack_max_bytes").value(static_cast<std::uint64_t>(d.predict_stack_max));
    j.key("runtime_code_bytes").value(static_cast<std::uint64_t>(d.flash));
    j.key("fits_default_tree_depth")
        .value(m.kind != ModelKind::trees || m.trees->max_depth <= kDeviceMaxTreeDepth);
    j.end_object();
  }
  j.end_array();
  j.key("device_figures_source").value("tools/footprint: QEMU firmware images, -Os, every model kind");
  j.end_object();
  j.key("metadata_keys").begin_array();
  for (const auto& k : r.metadata_keys) j.value(k);
  j.end_array().key("golden");
  if (r.golden_status == Status::section_not_found) {
    j.null();
  } else {
    const SelfTestResult& t = r.self_test;
    j.begin_object().key("bytes").value(static_cast<std::uint64_t>(r.golden_bytes));
    j.key("rows").value(static_cast<std::uint64_t>(t.rows));
    j.key("self_test").value(status_name(r.golden_status != Status::ok ? r.golden_status : t.status));
    j.key("rows_checked").value(static_cast<std::uint64_t>(t.rows_checked));
    if (t.first_bad_row != kSelfTestNoRow) {
      j.key("first_bad_row").value(static_cast<std::uint64_t>(t.first_bad_row));
      j.key("first_bad_output").value(output_name(t.first_bad_output));
    }
    j.end_object();
  }
  j.end_object();
  std::printf("%s\n", j.str().c_str());
}

void print_text(const std::string& path, const host::LoadedModel& lm, const Report& r) {
  const Model& m = lm.model;
  std::printf("%s: ember model %u.%u, %u bytes\n", path.c_str(), f::kVersionMajor, m.version_minor,
              m.file_size);
  std::printf("\nsections\n");
  for (const auto& s : r.sections) {
    std::printf("  %s  offset %6u  %7u bytes%s\n", s.kind.c_str(), s.offset, s.size,
                s.required ? "  required" : "");
  }
  std::printf("\ntask        %s", task_name(m.task));
  if (!lm.target.empty()) std::printf(" (target: %s)", lm.target.c_str());
  std::printf("\nfeatures    %u\n", m.n_features);
  // Importance is per model input: beside the features when the model
  // reads them as they are, else in the model inputs' list below.
  const bool importance = !lm.importance_gain.empty() && m.n_steps == 0;
  if (importance) std::printf("  %-24s %-28s %10s %8s\n", "", "", "gain share", "splits");
  for (std::uint32_t i = 0; i < m.n_features; ++i) {
    const std::string kind = m.n_categories[i]
                                 ? "categorical, " + std::to_string(m.n_categories[i]) + " categories"
                                 : std::string("numeric");
    if (importance) {
      std::printf("  %-24s %-28s %10.4f %8.0f\n", lm.feature_names[i].c_str(), kind.c_str(),
                  static_cast<double>(lm.importance_gain[i]), static_cast<double>(lm.importance_splits[i]));
    } else {
      std::printf("  %-24s %s\n", lm.feature_names[i].c_str(), kind.c_str());
    }
  }
  if (m.n_classes) {
    std::printf("classes     %u:", m.n_classes);
    for (const auto& c : lm.class_labels) std::printf(" %s", c.c_str());
    std::printf("\n");
  }
  std::printf("\npipeline    %s\n", r.steps.empty() ? "(none)" : "");
  for (const auto& s : r.steps) {
    std::printf("  %-12s %4u -> %-4u %s\n", s.name.c_str(), s.n_in, s.n_out, s.description.c_str());
  }
  if (m.n_steps > 0) {
    std::printf("\nmodel inputs %u\n", m.model_features);
    const bool gain = !lm.importance_gain.empty();
    if (gain) std::printf("  %-40s %10s %8s\n", "", "gain share", "splits");
    for (std::uint32_t i = 0; i < m.model_features; ++i) {
      if (gain) {
        std::printf("  %-40s %10.4f %8.0f\n", lm.model_input_names[i].c_str(),
                    static_cast<double>(lm.importance_gain[i]), static_cast<double>(lm.importance_splits[i]));
      } else {
        std::printf("  %s\n", lm.model_input_names[i].c_str());
      }
    }
  }
  std::printf("\nmodel       %s%s%s, %u features -> %u outputs, link %s\n",
              is_integer_model(m)
                  ? (m.kind == ModelKind::quant_linear ? "integer linear" : "integer tree ensemble")
              : m.kind == ModelKind::linear ? "linear"
                                            : "tree ensemble",
              lm.model_type.empty() ? "" : " ", lm.model_type.c_str(), m.model_features, m.n_outputs,
              link_name(m.link));
  if (m.kind == ModelKind::trees) {
    const f::TreesHeader& t = *m.trees;
    std::printf("  trees %u, internal nodes %u, leaves %u, max depth %u, %s of trees\n", t.n_trees,
                t.total_nodes, t.total_leaves, t.max_depth, t.aggregation == 0 ? "sum" : "mean");
    std::printf("  %u bytes per internal node (f32 threshold + %u-byte word), %u bytes per leaf\n",
                4 + t.word_bytes, t.word_bytes, 4 * t.leaf_width);
  }
  print_integer_model(lm);
  std::printf("\nmemory\n");
  std::printf("  flash      %u bytes (%zu without metadata)\n", m.file_size, m.file_size - r.metadata_bytes);
  std::printf("  RAM        %zu bytes on this host: %zu scratch + %zu model view (batch scratch %zu)\n",
              scratch_bytes(m) + sizeof(Model), scratch_bytes(m), sizeof(Model), batch_scratch_bytes(m));
  // The device figures: measured on the firmware images by tools/footprint
  // (tools/host/device_footprint.h; the firmware tests keep it current).
  for (const host::DeviceFootprint& d : host::kDeviceFootprint) {
    const unsigned stack = d.load_stack > d.predict_stack_max ? d.load_stack : d.predict_stack_max;
    std::printf(
        "  %-10s RAM %zu bytes: %zu scratch + %u ember_model + %u stack (ember_load %u, ember_predict %u,"
        " at most %u); runtime code %u bytes\n",
        d.core, scratch_bytes(m) + d.model_view + stack, scratch_bytes(m), d.model_view, stack, d.load_stack,
        d.predict_stack, d.predict_stack_max, d.flash);
  }
  std::printf(
      "  (device figures: tools/footprint on the QEMU firmware images, -Os, every model kind compiled in;"
      " stack by stack painting and GCC -fstack-usage)\n");
  if (m.kind == ModelKind::trees && m.trees->max_depth > kDeviceMaxTreeDepth) {
    std::printf(
        "  note: trees of depth %u exceed the Cortex-M default EMBER_RUNTIME_MAX_TREE_DEPTH=%u;"
        " build the runtime with -DEMBER_RUNTIME_MAX_TREE_DEPTH=%u (4 bytes of load stack a level)\n",
        m.trees->max_depth, kDeviceMaxTreeDepth, m.trees->max_depth);
  }
  if (!r.metadata_keys.empty()) {
    std::printf("\nmetadata   ");
    for (const auto& k : r.metadata_keys) std::printf(" %s", k.c_str());
    std::printf("\n");
  }
  if (r.golden_status == Status::section_not_found) {
    std::printf(
        "\ngolden      none (add with ember train --golden N or ember export-c --golden N DATA.csv)\n");
  } else if (r.golden_status != Status::ok) {
    std::printf("\ngolden      %zu bytes, %s\n", r.golden_bytes, golden_problem(r).c_str());
  } else {
    const SelfTestResult& t = r.self_test;
    std::printf("\ngolden      %u rows, %zu bytes (strippable); self-test on this host: ", t.rows,
                r.golden_bytes);
    if (t.status == Status::ok) {
      std::printf("passed, %u of %u rows bit for bit\n", t.rows_checked, t.rows);
    } else {
      std::printf("FAILED, %s\n", failure_text(t).c_str());
    }
  }
}

int run_inspect(const ParsedArgs& args) {
  const std::string path = args.positional[0];
  host::LoadedModel lm;
  host::Error error;
  if (!host::load_model_file(path, &lm, &error)) return fail("inspect", error.to_string());
  const Report r = gather(lm);
  if (args.has("json")) {
    print_json(path, lm, r);
  } else {
    print_text(path, lm, r);
  }
  // A model whose golden vectors fail here would fail on the device too.
  const std::string problem = golden_problem(r);
  if (!problem.empty()) return fail("inspect", path + ": " + problem);
  return kExitOk;
}

}  // namespace

Command inspect_command() {
  Command command;
  command.spec.name = "inspect";
  command.spec.summary = "Show a model file: sections, features, pipeline, trees, flash and RAM.";
  command.spec.usage = "MODEL.ember [options]";
  command.spec.details =
      "The file is verified first (checksum, every offset, index and tree); a corrupt\n"
      "file is reported with the reason and exit code 1.\n"
      "Golden vectors (a GOLD section, from train --golden or export-c --golden) are\n"
      "replayed through this host's runtime with the device's self_test(); the report\n"
      "says how many rows matched bit for bit, and a mismatch or a corrupt GOLD section\n"
      "also exits with 1.";
  command.spec.min_positional = 1;
  command.spec.max_positional = 1;
  command.spec.options = {{"json", "", "print one JSON object on stdout"}};
  command.run = run_inspect;
  return command;
}

}  // namespace ember::cli
