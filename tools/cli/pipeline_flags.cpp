#include "pipeline_flags.h"

#include <vector>

#include "host/suggest.h"
#include "params.h"

namespace ember::cli {

namespace {

// "NAME:K=V,K=V" as the name and the pairs.
void split_spec(const std::string& text, std::string* name, std::vector<std::string>* pairs) {
  const auto colon = text.find(':');
  *name = text.substr(0, colon);
  pairs->clear();
  if (colon != std::string::npos) *pairs = split_list(text.substr(colon + 1));
}

bool unknown_name(const std::string& option, const std::string& name, const std::vector<std::string>& names,
                  std::string* error) {
  *error = "--" + option + " must be " + host::quoted_list(names, " or ") + ", got '" + name + "'";
  const auto close = host::close_matches(name, names);
  if (!close.empty()) *error += "; did you mean " + host::quoted_list(close) + "?";
  return false;
}

// The value of --OPTION split, with its keys applied by `specs`.
bool apply_spec(const std::string& option, const std::string& name, const std::vector<std::string>& pairs,
                const std::vector<ParamSpec>& specs, std::string* error) {
  return apply_key_values(pairs, specs, "--" + option + " " + name + ":", "--" + option + " " + name, error);
}

bool impute_flag(const std::string& text, host::PipelineOptions* o, std::string* error) {
  std::string name;
  std::vector<std::string> pairs;
  split_spec(text, &name, &pairs);
  const std::vector<std::string> names = {"mean", "median", "most_frequent", "constant", "none"};
  if (name == "none") {
    o->impute = false;
    return apply_spec("impute", name, pairs, {}, error);
  }
  ImputerOptions& im = o->imputer;
  if (name == "mean") {
    im.strategy = ImputeStrategy::mean;
  } else if (name == "median") {
    im.strategy = ImputeStrategy::median;
  } else if (name == "most_frequent") {
    im.strategy = ImputeStrategy::most_frequent;
  } else if (name == "constant") {
    im.strategy = ImputeStrategy::constant;
  } else {
    return unknown_name("impute", name, names, error);
  }
  o->impute = true;
  std::vector<ParamSpec> specs = {flag("indicator", &im.add_indicator)};
  if (name == "constant") {
    specs.push_back({"fill", "a number", [&im](const std::string& v) {
                       double x = 0.0;
                       if (!parse_double(v, &x) || x > 3.4e38 || x < -3.4e38) return false;
                       im.fill_value = static_cast<float>(x);
                       return true;
                     }});
  }
  return apply_spec("impute", name, pairs, specs, error);
}

ParamSpec missing_share(const std::string& key, double* target) {
  return {key, "a share in [0, 1)", [target](const std::string& v) {
            double x = 0.0;
            if (!parse_double(v, &x) || x < 0.0 || !(x < 1.0)) return false;
            *target = x;
            return true;
          }};
}

bool drop_missing_flag(const std::string& text, host::PipelineOptions* o, std::string* error) {
  std::vector<std::string> pairs;
  std::string ignored;
  split_spec(":" + text, &ignored, &pairs);
  return apply_key_values(
      pairs, {missing_share("columns", &o->drop_column_missing), missing_share("rows", &o->drop_row_missing)},
      "--drop-missing", "--drop-missing", error);
}

bool encode_flag(const std::string& text, bool linear, host::PipelineOptions* o, std::string* error) {
  std::string name;
  std::vector<std::string> pairs;
  split_spec(text, &name, &pairs);
  const std::vector<std::string> names = {"onehot", "ordinal", "target", "native"};
  if (name == "native") {
    if (linear) {
      *error =
          "--encode native is for tree models (they split on categories); a linear model reads numbers: use "
          "onehot, ordinal or target";
      return false;
    }
    o->encoding = host::Encoding::native;
    return apply_spec("encode", name, pairs, {}, error);
  }
  if (name == "ordinal") {
    o->encoding = host::Encoding::ordinal;
    return apply_spec("encode", name, pairs, {}, error);
  }
  if (name == "onehot") {
    o->encoding = host::Encoding::one_hot;
    OneHotOptions& h = o->one_hot;
    return apply_spec("encode", name, pairs,
                      {count("max_categories", &h.max_categories, 2),
                       count("min_frequency", &h.min_frequency),
                       {"unknown", "zeros, error or infrequent",
                        [&h](const std::string& v) {
                          if (v == "zeros") {
                            h.unknown = UnknownCategory::zeros;
                          } else if (v == "error") {
                            h.unknown = UnknownCategory::error;
                          } else if (v == "infrequent") {
                            h.unknown = UnknownCategory::infrequent;
                          } else {
                            return false;
                          }
                          return true;
                        }}},
                      error);
  }
  if (name == "target") {
    o->encoding = host::Encoding::target;
    TargetEncoderOptions& t = o->target;
    return apply_spec("encode", name, pairs,
                      {{"smooth", "auto or a number >= 0",
                        [&t](const std::string& v) {
                          if (v == "auto") {
                            t.smooth = -1.0;
                            return true;
                          }
                          double x = 0.0;
                          if (!parse_double(v, &x) || x < 0.0) return false;
                          t.smooth = x;
                          return true;
                        }},
                       count("folds", &o->target_folds, 2, 100)},
                      error);
  }
  return unknown_name("encode", name, names, error);
}

bool discretize_flag(const std::string& text, host::PipelineOptions* o, std::string* error) {
  std::string name;
  std::vector<std::string> pairs;
  split_spec(text, &name, &pairs);
  const std::vector<std::string> names = {"uniform", "quantile", "kmeans", "none"};
  DiscretizerOptions& d = o->discretizer;
  if (name == "none") {
    o->discretize = false;
    return apply_spec("discretize", name, pairs, {}, error);
  }
  if (name == "uniform") {
    d.strategy = DiscretizeStrategy::uniform;
  } else if (name == "quantile") {
    d.strategy = DiscretizeStrategy::quantile;
  } else if (name == "kmeans") {
    d.strategy = DiscretizeStrategy::kmeans;
  } else {
    return unknown_name("discretize", name, names, error);
  }
  o->discretize = true;
  return apply_spec("discretize", name, pairs,
                    {count("bins", &d.n_bins, 2, 65536),
                     {"output", "ordinal or onehot",
                      [o](const std::string& v) {
                        if (v != "ordinal" && v != "onehot") return false;
                        o->discretize_one_hot = v == "onehot";
                        return true;
                      }}},
                    error);
}

bool scale_flag(const std::string& text, host::PipelineOptions* o, std::string* error) {
  std::string name;
  std::vector<std::string> pairs;
  split_spec(text, &name, &pairs);
  const std::vector<std::string> names = {"standard", "minmax", "robust", "maxabs", "none"};
  ScalerOptions& s = o->scaler;
  std::vector<ParamSpec> specs;
  if (name == "none") {
    o->scale = false;
    return apply_spec("scale", name, pairs, {}, error);
  }
  if (name == "standard") {
    s.kind = ScalerKind::standard;
  } else if (name == "maxabs") {
    s.kind = ScalerKind::maxabs;
  } else if (name == "minmax") {
    s.kind = ScalerKind::minmax;
    auto number = [](const std::string& key, double* target) -> ParamSpec {
      return {key, "a number", [target](const std::string& v) { return parse_double(v, target); }};
    };
    specs = {number("min", &s.range_min), number("max", &s.range_max)};
  } else if (name == "robust") {
    s.kind = ScalerKind::robust;
    auto percent = [](const std::string& key, double* target) -> ParamSpec {
      return {key, "a percentile in [0, 100]", [target](const std::string& v) {
                double x = 0.0;
                if (!parse_double(v, &x) || x < 0.0 || x > 100.0) return false;
                *target = x;
                return true;
              }};
    };
    specs = {percent("q_low", &s.quantile_low), percent("q_high", &s.quantile_high)};
  } else {
    return unknown_name("scale", name, names, error);
  }
  o->scale = true;
  if (!apply_spec("scale", name, pairs, specs, error)) return false;
  if (s.kind == ScalerKind::minmax && !(s.range_min < s.range_max)) {
    *error = "--scale minmax: min must be below max";
    return false;
  }
  if (s.kind == ScalerKind::robust && !(s.quantile_low < s.quantile_high)) {
    *error = "--scale robust: q_low must be below q_high";
    return false;
  }
  return true;
}

bool select_flag(const std::string& text, host::PipelineOptions* po, std::string* error) {
  using host::SelectMethod;
  std::string name;
  std::vector<std::string> pairs;
  split_spec(text, &name, &pairs);
  host::SelectionOptions& o = po->select;
  o = host::SelectionOptions{};
  const SelectMethod methods[] = {
      SelectMethod::variance,     SelectMethod::correlation, SelectMethod::chi2,   SelectMethod::anova,
      SelectMethod::f_regression, SelectMethod::mutual_info, SelectMethod::fisher, SelectMethod::rfe,
      SelectMethod::rfecv,        SelectMethod::l1,          SelectMethod::model,  SelectMethod::none};
  std::vector<std::string> names;
  for (SelectMethod m : methods) {
    names.push_back(host::select_method_name(m));
    if (name == names.back()) o.method = m;
  }
  if (o.method == SelectMethod::none && name != "none") return unknown_name("select", name, names, error);
  const ParamSpec k = {"k", "a whole number in 1..4294967295", [&o](const std::string& v) {
                         o.scores.mode = SelectMode::k_best;
                         return parse_count(v, &o.scores.k);
                       }};
  const ParamSpec percentile = {"percentile", "a number in (0, 100]", [&o](const std::string& v) {
                                  double x = 0.0;
                                  if (!parse_double(v, &x) || !(x > 0.0) || x > 100.0) return false;
                                  o.scores.mode = SelectMode::percentile;
                                  o.scores.percentile = x;
                                  return true;
                                }};
  const ParamSpec threshold = {"threshold", "a number", [&o](const std::string& v) {
                                 o.scores.mode = SelectMode::at_least;
                                 o.threshold_given = true;
                                 return parse_double(v, &o.scores.threshold);
                               }};
  std::vector<ParamSpec> specs;
  switch (o.method) {
    case SelectMethod::none:
      break;
    case SelectMethod::variance:
      specs = {threshold};
      break;
    case SelectMethod::correlation:
      specs = {{"threshold", "a number in [0, 1]", [&o](const std::string& v) {
                  o.threshold_given = true;
                  return parse_double(v, &o.scores.threshold) && o.scores.threshold >= 0.0 &&
                         o.scores.threshold <= 1.0;
                }}};
      break;
    case SelectMethod::chi2:
    case SelectMethod::anova:
    case SelectMethod::f_regression:
    case SelectMethod::mutual_info:
    case SelectMethod::fisher:
      specs = {k, percentile, threshold};
      break;
    case SelectMethod::rfe:
      o.scores.k = 0;  // half the columns, as scikit-learn
      specs = {k, count("step", &o.step)};
      break;
    case SelectMethod::rfecv:
      specs = {count("step", &o.step), count("folds", &o.folds, 2, 100),
               count("min_features", &o.min_features)};
      break;
    case SelectMethod::l1:
      o.scores.k = 0;  // no cap unless asked
      specs = {positive_number("alpha", &o.alpha), threshold, k};
      break;
    case SelectMethod::model:
      o.scores.k = 0;
      specs = {{"threshold", "mean or a number",
                [&o](const std::string& v) {
                  if (v == "mean") {
                    o.threshold_given = false;
                    return true;
                  }
                  o.threshold_given = true;
                  return parse_double(v, &o.scores.threshold);
                }},
               k};
      break;
  }
  if (!apply_spec("select", name, pairs, specs, error)) return false;
  return true;
}

bool project_flag(const std::string& text, host::PipelineOptions* o, std::string* error) {
  std::string name;
  std::vector<std::string> pairs;
  split_spec(text, &name, &pairs);
  if (name == "none") {
    o->lda = false;
    return apply_spec("project", name, pairs, {}, error);
  }
  if (name != "lda") return unknown_name("project", name, {"lda", "none"}, error);
  o->lda = true;
  return apply_spec("project", name, pairs, {count("components", &o->lda_components)}, error);
}

}  // namespace

void add_pipeline_options(CommandSpec* spec) {
  spec->options.push_back({"drop-missing", "columns=F,rows=F",
                           "drop columns / training rows missing more than share F of their values"});
  spec->options.push_back(
      {"impute", "STRATEGY", "mean, median, most_frequent, constant[:fill=V] or none; [:indicator=true]"});
  spec->options.push_back({"encode", "ENCODING", "categories: onehot, ordinal, target or native (trees)"});
  spec->options.push_back(
      {"discretize", "STRATEGY", "uniform, quantile or kmeans [:bins=5,output=ordinal|onehot]"});
  spec->options.push_back({"scale", "SCALER", "standard, minmax, robust, maxabs or none"});
  spec->options.push_back(
      {"select", "METHOD", "keep the best columns: chi2:k=10, anova, rfe:k=8, l1:alpha=0.01, ..."});
  spec->options.push_back({"project", "lda", "project onto linear discriminant directions [:components=N]"});
}

std::string pipeline_help() {
  return "Pipeline (fitted on the training rows only, stored in the model file, run on the device):\n"
         "--drop-missing columns=F,rows=F  drop columns missing in more than share F of the\n"
         "                  training rows, and training rows missing more than share F\n"
         "                  of their features (both reported)\n"
         "--impute S        mean | median | most_frequent | constant:fill=V | none; add\n"
         "                  :indicator=true for a 0/1 column per feature that was missing;\n"
         "                  categories take their most frequent value (SimpleImputer)\n"
         "--encode E        onehot[:max_categories=N,min_frequency=N,unknown=zeros|error|\n"
         "                  infrequent] (OneHotEncoder; rare categories share an\n"
         "                  'infrequent' column), ordinal (the code in label order),\n"
         "                  target[:smooth=auto|S,folds=5] (TargetEncoder for a number or\n"
         "                  two classes; training rows encoded out of fold), native (trees);\n"
         "                  a one-hot of more than 4096 columns (or 4 GiB of values) is\n"
         "                  refused before it is built: cap it with max_categories=N\n"
         "--discretize S    uniform | quantile | kmeans [:bins=5,output=ordinal|onehot]\n"
         "                  (KBinsDiscretizer) for the numeric columns (onehot: the same limit)\n"
         "--scale S         standard | minmax[:min=0,max=1] | robust[:q_low=25,q_high=75] |\n"
         "                  maxabs | none, for numeric columns (not one-hot columns)\n"
         "--select M        keep the best columns (sklearn.feature_selection); filters score\n"
         "                  each column: chi2 (classes, non-negative values), anova\n"
         "                  (f_classif), f_regression, mutual_info, fisher, with k=N (best\n"
         "                  N, default 10), percentile=P or threshold=T; variance[:threshold=0]\n"
         "                  (VarianceThreshold); correlation[:threshold=0.9] (drop the later\n"
         "                  column of each pair with |r| above it); rfe[:k=N,step=1] (RFE with\n"
         "                  the model being trained; k defaults to half);\n"
         "                  rfecv[:folds=5,step=1,min_features=1] (RFECV: accuracy or R^2 on\n"
         "                  unshuffled (stratified) folds); l1[:alpha=0.01,threshold=1e-5,k=N]\n"
         "                  (SelectFromModel(Lasso), or L1 logistic with C = 1/(alpha rows));\n"
         "                  model[:threshold=mean|T,k=N] (the trained model's importances)\n"
         "--project lda[:components=N]  linear discriminant directions (classes; N\n"
         "                  defaults to min(classes - 1, columns))\n"
         "The order is fixed: drop columns, impute, encode, discretize, scale, select,\n"
         "project.\n"
         "linear/logistic default to --impute median --encode onehot --scale standard;\n"
         "trees default to none of them (they read raw columns).";
}

bool pipeline_from_args(const ParsedArgs& args, bool linear, host::PipelineOptions* o, std::string* error) {
  if (args.has("drop-missing") && !drop_missing_flag(args.get("drop-missing"), o, error)) return false;
  if (args.has("impute") && !impute_flag(args.get("impute"), o, error)) return false;
  if (args.has("encode") && !encode_flag(args.get("encode"), linear, o, error)) return false;
  if (args.has("discretize") && !discretize_flag(args.get("discretize"), o, error)) return false;
  if (args.has("scale") && !scale_flag(args.get("scale"), o, error)) return false;
  if (args.has("select") && !select_flag(args.get("select"), o, error)) return false;
  if (args.has("project") && !project_flag(args.get("project"), o, error)) return false;
  return true;
}

}  // namespace ember::cli
