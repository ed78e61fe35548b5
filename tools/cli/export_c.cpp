// ember export-c: a model file as a C header for firmware.
#include <sys/stat.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "command.h"
#include "ember/runtime/predict.h"
#include "ember/runtime/self_test.h"
#include "host/c_header.h"
#include "host/file_io.h"
#include "host/golden.h"
#include "host/json_writer.h"
#include "host/model_file.h"
#include "host/model_input.h"
#include "host/quant_golden.h"
#include "params.h"

namespace ember::cli {

namespace {

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

std::string status_text(Status s) { return std::string(status_name(s)) + ": " + status_description(s); }

int run_export_c(const ParsedArgs& args) {
  const std::string model_path = args.positional[0];
  const Usage usage{"export-c"};
  if (!args.has("output")) return usage("-o MODEL.h is required: where to write the header");
  const std::string output = args.get("output");
  host::CsvOptions csv;
  if (const int rc = csv_options_or_usage(args, "export-c", &csv)) return rc;
  std::uint32_t golden_rows = 0;
  std::string data_path;
  if (args.has("golden")) {
    if (!parse_count(args.get("golden"), &golden_rows))
      return usage("--golden takes a number of rows >= 1, got '" + args.get("golden") + "'");
    if (args.positional.size() < 2)
      return usage("--golden N needs the data to take the rows from: --golden N DATA.csv");
    data_path = args.positional[1];
  } else if (args.positional.size() > 1) {
    return usage("unexpected argument '" + args.positional[1] +
                 "'; a data file goes with --golden N DATA.csv");
  }
  const std::string name = args.has("name") ? args.get("name") : host::c_name_from_path(model_path);
  std::string why;
  if (!host::valid_c_name(name, &why)) return usage("--name: " + why);
  if (const int rc = check_output("export-c", output, {model_path, data_path})) return rc;

  host::LoadedModel lm;
  host::Error error;
  if (!host::load_model_file(model_path, &lm, &error)) return fail("export-c", error.to_string());
  std::string bytes(reinterpret_cast<const char*>(lm.storage.data()), lm.model.file_size);

  if (golden_rows == 0) {
    // Golden vectors already in the file go to the device as they are, so
    // they must pass here first.
    std::uint32_t found_rows = 0;
    const Status found = host::find_golden_rows(lm.model, &found_rows);
    if (found != Status::ok && found != Status::section_not_found)
      return fail("export-c", model_path + ": corrupt golden vectors (GOLD section): " + status_text(found));
    if (found == Status::ok) {
      std::vector<unsigned char> scratch(self_test_scratch_bytes(lm.model));
      SelfTestResult r;
      if (self_test(lm.model, Span<unsigned char>(scratch.data(), scratch.size()), &r) != Status::ok) {
        return fail(
            "export-c",
            model_path + ": its golden vectors fail the self-test on this host: " + status_name(r.status) +
                " at golden row " + std::to_string(r.first_bad_row + 1) + " of " + std::to_string(r.rows) +
                " (" + output_name(r.first_bad_output) + "); replace them with --golden N DATA.csv");
      }
    }
  } else {
    host::ModelInput in;
    if (!host::read_model_input(data_path, lm, csv, &in, &error)) return fail("export-c", error.to_string());
    if (golden_rows > in.table.rows) {
      return fail("export-c", data_path + ": --golden " + std::to_string(golden_rows) +
                                  " asks for more rows than the file has (" + std::to_string(in.table.rows) +
                                  ")");
    }
    // As train --golden makes them: refused where predict would refuse the row.
    std::vector<float> rows;
    if (!host::golden_rows_from_table(bytes, in.table, golden_rows, &rows, &error)) {
      if (error.file.empty()) error.file = data_path;
      return fail("export-c", error.to_string());
    }
    std::string with_golden;
    if (!host::add_golden_vectors(bytes, rows, &with_golden, &error))
      return fail("export-c", data_path + ": " + error.message);
    bytes = std::move(with_golden);
  }
  const bool strip = args.has("strip-metadata");
  if (strip) {
    std::string stripped;
    if (!host::strip_metadata(bytes, &stripped, &error))
      return fail("export-c", model_path + ": " + error.message);
    bytes = std::move(stripped);
  }

  // The bytes as the device will load them.
  host::LoadedModel final_model;
  final_model.storage.assign(bytes.size() / 8 + 1, 0);
  std::memcpy(final_model.storage.data(), bytes.data(), bytes.size());
  final_model.size = bytes.size();
  if (!host::load_model_storage(&final_model, &error)) return fail("export-c", error.to_string());
  const Model& m = final_model.model;
  std::uint32_t stored_rows = 0;
  host::find_golden_rows(m, &stored_rows);
  const std::string header = host::c_header(m, bytes, name, {model_path, EMBER_VERSION});
  if (!host::write_file_atomic(output, header, &error)) return fail("export-c", error.to_string());

  if (args.has("json")) {
    host::JsonWriter j;
    j.begin_object().key("output").value(output).key("name").value(name);
    j.key("bytes").value(static_cast<std::uint64_t>(m.file_size));
    j.key("version").value(std::to_string(format::kVersionMajor) + "." + std::to_string(m.version_minor));
    j.key("scratch_bytes").value(static_cast<std::uint64_t>(scratch_bytes(m)));
    j.key("batch_scratch_bytes").value(static_cast<std::uint64_t>(batch_scratch_bytes(m)));
    j.key("self_test_scratch_bytes").value(static_cast<std::uint64_t>(self_test_scratch_bytes(m)));
    j.key("golden_rows").value(static_cast<std::uint64_t>(stored_rows));
    j.key("metadata").value(m.metadata != nullptr).end_object();
    std::printf("%s\n", j.str().c_str());
  } else {
    std::printf("wrote %s: %s[%u], ember model %u.%u, scratch %zu bytes, %s%s\n", output.c_str(),
                name.c_str(), m.file_size, format::kVersionMajor, m.version_minor, scratch_bytes(m),
                stored_rows ? (std::to_string(stored_rows) + " golden rows").c_str() : "no golden vectors",
                strip ? ", metadata stripped" : "");
  }
  return kExitOk;
}

}  // namespace

Command export_c_command() {
  Command command;
  command.spec.name = "export-c";
  command.spec.summary = "Write a model file as a C header (an aligned const array) for firmware.";
  command.spec.usage = "MODEL.ember -o MODEL.h [--golden N DATA.csv] [options]";
  command.spec.details =
      "The header is C99 and C++: the model's bytes as `const unsigned char NAME[]`,\n"
      "8-byte aligned for flash (alignas(8) in C++, _Alignas(8) in C11,\n"
      "__attribute__((aligned(8))) for GCC-compatible C99 compilers: gcc, clang,\n"
      "arm-none-eabi-gcc), NAME_size, and #defines NAME_BYTES, NAME_SCRATCH_BYTES,\n"
      "NAME_BATCH_SCRATCH_BYTES, NAME_SELF_TEST_SCRATCH_BYTES, NAME_N_FEATURES,\n"
      "NAME_N_CLASSES, NAME_RAW_SIZE, NAME_PROBABILITY_SIZE, NAME_LABEL_SIZE and\n"
      "NAME_GOLDEN_ROWS (NAME upper-cased), under an include guard from NAME.\n"
      "Include it in one source file; define NAME_DECLARATION_ONLY before the others.\n"
      "\n"
      "The model is verified first; a corrupt file is an error naming the reason, and\n"
      "nothing is written. Golden vectors already in the file must pass their\n"
      "self-test on this host. --golden N DATA.csv replaces them with the first N rows\n"
      "of DATA.csv (the columns the model was trained on, matched by name) and this\n"
      "host's outputs for them, which ember_self_test() checks bit for bit on the\n"
      "device. The header is written to a temporary file and renamed.";
  command.spec.min_positional = 1;
  command.spec.max_positional = 2;
  command.spec.options = {
      {"output", "MODEL.h", "where to write the header (atomically)", false, 'o'},
      {"name", "NAME", "the array's C identifier (default: from the file name, iris for iris.ember)"},
      {"strip-metadata", "", "leave out the META section (names and labels; predictions do not change)"},
      {"golden", "N", "with DATA.csv: store its first N rows and their outputs as golden vectors"},
      {"json", "", "print a JSON summary: output, name, bytes, scratch sizes, golden rows"},
  };
  add_csv_options(&command.spec);
  command.run = run_export_c;
  return command;
}

}  // namespace ember::cli
