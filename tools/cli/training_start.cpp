#include "training_start.h"

#include "command.h"
#include "tracking.h"

namespace ember::cli {

int start_training(const ParsedArgs& args, const std::string& command, const char* output_help,
                   std::initializer_list<std::string> inputs, TrainingStart* out) {
  const Usage usage{command};
  out->path = args.positional[0];
  std::string error;
  if (const int rc = csv_options_or_usage(args, command, &out->csv)) return rc;
  if (!args.has("target")) return usage("--target COL is required: the column to predict");
  if (output_help != nullptr) {
    if (!args.has("output")) return usage(std::string("-o ") + output_help);
    if (const int rc = check_output(command, args.get("output"), inputs)) return rc;
  }
  if (!model_spec_from_args(args, {}, &out->spec, &error)) return usage(error);
  out->run = start_run(args, command, out->path);
  return kExitOk;
}

bool read_training_run(const ParsedArgs& args, const std::string& command, TrainingStart* start,
                       const std::vector<const ModelSpec*>& specs, TrainingData* data, int* rc) {
  host::Error error;
  bool bad_usage = false;
  if (!read_training_data(args, start->path, start->csv, start->spec, data, &error, &bad_usage)) {
    *rc = bad_usage ? usage_error(command, error.message) : fail(command, error.to_string());
    return false;
  }
  print_training_warnings(command, *data, specs);
  start->run.params.emplace_back("task", task_name(data->classification));
  return true;
}

}  // namespace ember::cli
