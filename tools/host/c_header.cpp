#include "host/c_header.h"
#include "host/quant_golden.h"

#include <cstdio>
#include <cstring>
#include <set>

#include "ember/runtime/model_format.h"
#include "ember/runtime/predict.h"
#include "ember/runtime/self_test.h"

namespace ember::host {

namespace {

namespace f = format;

// C99, C11, C23 and C++20 keywords (names with a leading '_' are refused
// anyway), and the alternative operator spellings of C++.
const std::set<std::string>& keywords() {
  static const std::set<std::string> k = {
      "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum",
      "extern", "float", "for", "goto", "if", "inline", "int", "long", "register", "restrict", "return",
      "short", "signed", "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void",
      "volatile", "while",
      // C23
      "alignas", "alignof", "bool", "constexpr", "false", "nullptr", "static_assert", "thread_local", "true",
      "typeof", "typeof_unqual",
      // C++
      "and", "and_eq", "asm", "bitand", "bitor", "catch", "char8_t", "char16_t", "char32_t", "class",
      "co_await", "co_return", "co_yield", "compl", "concept", "const_cast", "consteval", "constinit",
      "decltype", "delete", "dynamic_cast", "explicit", "export", "friend", "mutable", "namespace", "new",
      "noexcept", "not", "not_eq", "operator", "or", "or_eq", "private", "protected", "public",
      "reinterpret_cast", "requires", "static_cast", "template", "this", "throw", "try", "typeid", "typename",
      "using", "virtual", "wchar_t", "xor", "xor_eq"};
  return k;
}

// The identifiers ember/runtime/ember_c.h declares.
const std::set<std::string>& c_api_names() {
  static const std::set<std::string> k = {"ember_status",        "ember_output",
                                          "ember_model",         "ember_load",
                                          "ember_status_name",   "ember_n_features",
                                          "ember_n_classes",     "ember_output_size",
                                          "ember_scratch_bytes", "ember_batch_scratch_bytes",
                                          "ember_predict",       "ember_predict_batch",
                                          "ember_self_test",     "ember_self_test_scratch_bytes"};
  return k;
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

std::string upper(const std::string& s) {
  std::string out = s;
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// Text that is safe inside a C comment on one line.
std::string comment_text(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '*' && i + 1 < s.size() && s[i + 1] == '/') {
      out += "*_";  // "*/" would end the comment
    } else if (static_cast<unsigned char>(c) < 32 || c == 127) {
      out += '?';
    } else {
      out += c;
    }
  }
  return out;
}

const char* task_name(f::Task t) {
  switch (t) {
    case f::Task::regression:
      return "regression";
    case f::Task::binary:
      return "binary classification";
    case f::Task::multiclass:
      return "multiclass classification";
  }
  return "unknown task";
}

}  // namespace

bool valid_c_name(const std::string& name, std::string* why) {
  if (name.empty()) {
    *why = "the name is empty";
    return false;
  }
  for (char c : name) {
    if (!is_name_char(c)) {
      *why = "'" + name + "' is not a C identifier: use letters, digits and '_'";
      return false;
    }
  }
  if (name[0] >= '0' && name[0] <= '9') {
    *why = "'" + name + "' is not a C identifier: it starts with a digit";
    return false;
  }
  if (name[0] == '_' || name.find("__") != std::string::npos) {
    *why = "'" + name + "' is reserved: C reserves names that start with '_' and C++ names with '__'";
    return false;
  }
  if (keywords().count(name)) {
    *why = "'" + name + "' is a C or C++ keyword";
    return false;
  }
  if (name == "main" || c_api_names().count(name)) {
    *why = "'" + name + "' is taken" +
           (name == "main" ? " by the program's entry point" : " by the ember C API");
    return false;
  }
  return true;
}

std::string c_name_from_path(const std::string& path) {
  std::string base =
      path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
  const std::size_t dot = base.find_last_of('.');
  if (dot != std::string::npos && dot > 0) base.resize(dot);
  for (char& c : base) {
    if (!is_name_char(c)) c = '_';
  }
  while (base.find("__") != std::string::npos) base.replace(base.find("__"), 2, "_");
  std::string why;
  if (valid_c_name(base, &why)) return base;
  if (base.empty() || base == "_") return "model";
  if ((base[0] >= '0' && base[0] <= '9') || base[0] == '_') {
    const std::string prefixed = (base[0] == '_' ? "model" : "model_") + base;
    if (valid_c_name(prefixed, &why)) return prefixed;
  }
  return base + (base.back() == '_' ? "model" : "_model");
}

std::string c_header(const Model& m, std::string_view bytes, const std::string& name,
                     const CHeaderSource& source) {
  const std::string up = upper(name);
  std::uint32_t golden_rows = 0;  // GOLD, or an integer model's QGLD
  find_golden_rows(m, &golden_rows);
  f::FileHeader h;
  std::memcpy(&h, bytes.data(), sizeof h);
  char crc[16];
  std::snprintf(crc, sizeof crc, "0x%08x", h.crc32);
  const std::string version = std::to_string(f::kVersionMajor) + "." + std::to_string(m.version_minor);

  std::string s;
  s += "/* " + comment_text(name) + ": an ember model as a C array for flash.\n";
  s += " *\n";
  s += " * Generated by `ember export-c` (ember " + comment_text(source.ember_version) + ") from\n";
  s += " * " + comment_text(source.file) + ":\n";
  s += " * ember model format " + version + ", " + std::to_string(m.file_size) + " bytes, CRC-32 " + crc +
       ";\n";
  s += " * " + std::string(task_name(m.task)) + ", " + std::to_string(m.n_features) + " features";
  if (m.n_classes) s += ", " + std::to_string(m.n_classes) + " classes";
  s += golden_rows ? ", " + std::to_string(golden_rows) + " golden rows" : std::string(", no golden vectors");
  s += ".\n";
  s += " * Do not edit: regenerate it from the model file.\n";
  s += " *\n";
  s += " * C99 and C++. Include it in one source file; elsewhere define\n";
  s += " * " + up + "_DECLARATION_ONLY before including it to get only the declarations.\n";
  s += " *\n";
  s += " *   #include \"ember/runtime/ember_c.h\"\n";
  s += " *   static ember_model model;\n";
  s += " *   static unsigned char scratch[" + up + "_SCRATCH_BYTES];\n";
  s += " *   if (ember_load(&model, " + name + ", " + up + "_BYTES) != EMBER_STATUS_ok) { ... }\n";
  s += " *   ember_predict(&model, row, " + up + "_N_FEATURES, scratch, sizeof scratch,\n";
  s += " *                 EMBER_OUTPUT_LABEL, &label, " + up + "_LABEL_SIZE);\n";
  s += " *\n";
  s += " * The array is 8-byte aligned, as the runtime reads it in place:\n";
  s += " * alignas(8) in C++11, _Alignas(8) in C11, and __attribute__((aligned(8)))\n";
  s += " * in C99 with GCC-compatible compilers (gcc, clang, arm-none-eabi-gcc);\n";
  s += " * elsewhere define EMBER_ALIGN8 first. Being const, it is placed in\n";
  s += " * .rodata, which a microcontroller's linker script puts in flash. */\n";
  const std::string guard = up + "_EMBER_MODEL_H";
  s += "#ifndef " + guard + "\n#define " + guard + "\n\n#include <stddef.h>\n\n";

  struct Define {
    const char* suffix;
    std::size_t value;
    const char* comment;
  };
  const Define defines[] = {
      {"BYTES", m.file_size, "bytes of the model file"},
      {"SCRATCH_BYTES", scratch_bytes(m), "scratch of ember_predict"},
      {"BATCH_SCRATCH_BYTES", batch_scratch_bytes(m),
       "scratch of ember_predict_batch, any number of rows (the host runtime's; "
       "the compact Cortex-M runtime needs only SCRATCH_BYTES)"},
      {"SELF_TEST_SCRATCH_BYTES", self_test_scratch_bytes(m), "scratch of ember_self_test"},
      {"N_FEATURES", m.n_features, "floats per input row (NaN = missing)"},
      {"N_CLASSES", m.n_classes, "0 for regression"},
      {"RAW_SIZE", output_size(m, Output::raw), "floats of EMBER_OUTPUT_RAW"},
      {"PROBABILITY_SIZE", output_size(m, Output::probability),
       "floats of EMBER_OUTPUT_PROBABILITY (0: none)"},
      {"LABEL_SIZE", output_size(m, Output::label), "floats of EMBER_OUTPUT_LABEL"},
      {"GOLDEN_ROWS", golden_rows, "rows ember_self_test checks (0: no golden vectors)"},
  };
  std::size_t width = 0;
  for (const Define& d : defines) {
    const std::size_t w = up.size() + 1 + std::strlen(d.suffix) + 1 + std::to_string(d.value).size() + 1;
    if (w > width) width = w;
  }
  for (const Define& d : defines) {
    std::string line = "#define " + up + "_" + d.suffix + " " + std::to_string(d.value) + "u";
    line.append(8 + width - line.size() + 1, ' ');
    s += line + "/* " + d.comment + " */\n";
  }
  s += "\n#ifndef EMBER_ALIGN8\n"
       "#if defined(__cplusplus) && __cplusplus >= 201103L\n"
       "#define EMBER_ALIGN8 alignas(8)\n"
       "#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L\n"
       "#define EMBER_ALIGN8 _Alignas(8)\n"
       "#elif defined(__GNUC__)\n"
       "#define EMBER_ALIGN8 __attribute__((aligned(8)))\n"
       "#else\n"
       "#error \"define EMBER_ALIGN8 as this compiler's way to align an object to 8 bytes\"\n"
       "#endif\n"
       "#endif\n\n"
       "#ifdef __cplusplus\n"
       "extern \"C\" {\n"
       "#endif\n\n";
  s += "extern const unsigned char " + name + "[" + up + "_BYTES];\n";
  s += "extern const size_t " + name + "_size;\n\n";
  s += "#ifndef " + up + "_DECLARATION_ONLY\n";
  s += "EMBER_ALIGN8 const unsigned char " + name + "[" + up + "_BYTES] = {\n";
  static const char kHex[] = "0123456789abcdef";
  for (std::size_t i = 0; i < m.file_size; i += 12) {
    s += "   ";
    for (std::size_t k = i; k < i + 12 && k < m.file_size; ++k) {
      const auto b = static_cast<unsigned char>(bytes[k]);
      s += " 0x";
      s += kHex[b >> 4];
      s += kHex[b & 15u];
      s += ',';
    }
    s += '\n';
  }
  s += "};\n";
  s += "const size_t " + name + "_size = " + up + "_BYTES;\n";
  s += "#endif\n\n";
  s += "#ifdef __cplusplus\n}\n#endif\n\n#endif /* " + guard + " */\n";
  return s;
}

}  // namespace ember::host
