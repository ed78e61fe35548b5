// `ember export-c`, `ember train --golden` and `ember inspect`'s report of
// golden vectors, end to end through the built executable.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "ember/runtime/model.h"

using ember::test::contains;
using ember::test::data;
using ember::test::json_number;
using ember::test::read_text;
using ember::test::run_ember;
using ember::test::write_text;

namespace {

bool exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

// The bytes of the array in a generated header, read back from its text.
std::string header_bytes(const std::string& header) {
  const std::size_t open = header.find("] = {\n");
  const std::size_t close = header.find("};", open);
  REQUIRE(open != std::string::npos);
  REQUIRE(close != std::string::npos);
  std::string bytes;
  for (std::size_t at = header.find("0x", open); at != std::string::npos && at < close;
       at = header.find("0x", at + 4)) {
    bytes.push_back(static_cast<char>(std::strtoul(header.substr(at + 2, 2).c_str(), nullptr, 16)));
  }
  return bytes;
}

// "#define NAME value" -> value, or "" when the header lacks it.
std::string define_of(const std::string& header, const std::string& name) {
  const std::string key = "#define " + name + " ";
  const std::size_t at = header.find(key);
  if (at == std::string::npos) return "";
  const std::size_t end = header.find_first_of(" \n", at + key.size());
  return header.substr(at + key.size(), end - at - key.size());
}

// A small gbdt on iris with golden vectors from the first `golden` rows.
void train_iris(const std::string& path, int golden) {
  const auto r = run_ember("train " + data("iris.csv") +
                           " --target species --model gbdt --param n_estimators=5 --no-track -o " + path +
                           (golden > 0 ? " --golden " + std::to_string(golden) : std::string()));
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
}

// Rewrites the file's CRC after an edit (the checksum is not under test).
void reseal(std::string* bytes) {
  const std::uint32_t crc = ember::model_file_crc(bytes->data(), bytes->size());
  std::memcpy(&(*bytes)[8], &crc, 4);
}

}  // namespace

TEST_CASE("train --golden stores the first rows; inspect replays them") {
  const auto r = run_ember("train " + data("iris.csv") +
                           " --target species --model gbdt --param n_estimators=5 --no-track --golden 6"
                           " -o export_iris.ember --json");
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(json_number(r.out, "golden_rows") == 6);
  const auto text = run_ember("inspect export_iris.ember");
  CHECK(text.exit_code == 0);
  CHECK(contains(text.out, "GOLD  offset"));
  CHECK(contains(text.out, "golden      6 rows"));
  CHECK(contains(text.out, "self-test on this host: passed, 6 of 6 rows bit for bit"));
  const auto json = run_ember("inspect export_iris.ember --json");
  CHECK(contains(json.out, "\"version\":\"1.1\""));
  CHECK(contains(json.out, "\"rows\":6,\"self_test\":\"ok\",\"rows_checked\":6}"));
  // GOLD payload: 24-byte header, 6 rows x 4 features, 6 x (3 raw + 3
  // probabilities + 1 label) floats.
  CHECK(contains(json.out, "\"golden\":{\"bytes\":" + std::to_string(24 + 4 * (6 * 4 + 6 * 7))));

  // Without --golden: no section, and inspect says so.
  train_iris("export_plain.ember", 0);
  CHECK(contains(run_ember("inspect export_plain.ember").out, "golden      none"));
  CHECK(contains(run_ember("inspect export_plain.ember --json").out, "\"golden\":null"));

  // A linear model with a pipeline; the rows are the raw ones.
  const auto lin = run_ember("train " + data("penguins.csv") +
                             " --target species --model logistic --no-track --golden 3 -o export_lin.ember");
  REQUIRE_MESSAGE(lin.exit_code == 0, lin.err);
  CHECK(contains(lin.out, "3 golden rows"));
  CHECK(contains(run_ember("inspect export_lin.ember").out, "passed, 3 of 3 rows"));

  const auto bad =
      run_ember("train " + data("iris.csv") + " --target species --model gbdt --golden 0 -o x.ember");
  CHECK(bad.exit_code == 2);
  CHECK(contains(bad.err, "--golden takes a number of rows >= 1, got '0'"));
  const auto many = run_ember("train " + data("iris.csv") +
                              " --target species --model gbdt --no-track --golden 151 -o x.ember");
  CHECK(many.exit_code == 1);
  CHECK(contains(many.err, "--golden 151 asks for more rows than the file has (150)"));
  CHECK_FALSE(exists("x.ember"));
  std::remove("export_iris.ember");
  std::remove("export_plain.ember");
  std::remove("export_lin.ember");
}

TEST_CASE("inspect fails on golden vectors that do not match, naming the row") {
  train_iris("export_flip.ember", 4);
  std::string bytes = read_text("export_flip.ember");
  // The last float of the file is the last row's label (FORMAT.md: GOLD is
  // the last section, outputs last); flip its lowest bit.
  bytes[bytes.size() - 4] = static_cast<char>(bytes[bytes.size() - 4] ^ 0x01);
  reseal(&bytes);
  write_text("export_flip.ember", bytes);
  const auto r = run_ember("inspect export_flip.ember");
  CHECK(r.exit_code == 1);
  CHECK(contains(r.out, "FAILED, self_test_mismatch at golden row 4 of 4 (label)"));
  CHECK(r.err ==
        "ember inspect: export_flip.ember: self-test failed: self_test_mismatch at golden row 4 of 4 "
        "(label)\n");
  const auto json = run_ember("inspect export_flip.ember --json");
  CHECK(json.exit_code == 1);
  CHECK(contains(json.out,
                 "\"self_test\":\"self_test_mismatch\",\"rows_checked\":3,\"first_bad_row\":3,"
                 "\"first_bad_output\":\"label\""));
  // export-c refuses to ship them.
  const auto e = run_ember("export-c export_flip.ember -o export_flip.h");
  CHECK(e.exit_code == 1);
  CHECK(contains(e.err,
                 "its golden vectors fail the self-test on this host: self_test_mismatch at golden row 4"));
  CHECK_FALSE(exists("export_flip.h"));
  std::remove("export_flip.ember");
}

TEST_CASE("export-c writes the bytes, the sizes and an include guard") {
  train_iris("export_model.ember", 5);
  const auto info = run_ember("inspect export_model.ember --json");
  const auto r = run_ember("export-c export_model.ember -o export_model.h");
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(r.out == "wrote export_model.h: export_model[" +
                     std::to_string(read_text("export_model.ember").size()) + "], ember model 1.1, scratch " +
                     std::to_string(static_cast<int>(json_number(info.out, "scratch_bytes"))) +
                     " bytes, 5 golden rows\n");
  const std::string h = read_text("export_model.h");
  CHECK(header_bytes(h) == read_text("export_model.ember"));
  CHECK(contains(h, "#ifndef EXPORT_MODEL_EMBER_MODEL_H\n#define EXPORT_MODEL_EMBER_MODEL_H\n"));
  CHECK(contains(h, "#endif /* EXPORT_MODEL_EMBER_MODEL_H */\n"));
  CHECK(contains(h, "from\n * export_model.ember:\n * ember model format 1.1, "));
  CHECK(contains(h, "(ember " EMBER_VERSION ")"));
  CHECK(define_of(h, "EXPORT_MODEL_BYTES") == std::to_string(read_text("export_model.ember").size()) + "u");
  CHECK(define_of(h, "EXPORT_MODEL_SCRATCH_BYTES") ==
        std::to_string(static_cast<int>(json_number(info.out, "scratch_bytes"))) + "u");
  CHECK(define_of(h, "EXPORT_MODEL_BATCH_SCRATCH_BYTES") ==
        std::to_string(static_cast<int>(json_number(info.out, "batch_scratch_bytes"))) + "u");
  // Three classes fit the self-test's stack floats: predict's scratch is enough.
  CHECK(define_of(h, "EXPORT_MODEL_SELF_TEST_SCRATCH_BYTES") == define_of(h, "EXPORT_MODEL_SCRATCH_BYTES"));
  CHECK(define_of(h, "EXPORT_MODEL_N_FEATURES") == "4u");
  CHECK(define_of(h, "EXPORT_MODEL_N_CLASSES") == "3u");
  CHECK(define_of(h, "EXPORT_MODEL_RAW_SIZE") == "3u");
  CHECK(define_of(h, "EXPORT_MODEL_PROBABILITY_SIZE") == "3u");
  CHECK(define_of(h, "EXPORT_MODEL_LABEL_SIZE") == "1u");
  CHECK(define_of(h, "EXPORT_MODEL_GOLDEN_ROWS") == "5u");
  CHECK(contains(h, "EMBER_ALIGN8 const unsigned char export_model[EXPORT_MODEL_BYTES] = {\n"));
  CHECK(contains(h, "#define EMBER_ALIGN8 alignas(8)\n"));
  CHECK(contains(h, "#define EMBER_ALIGN8 _Alignas(8)\n"));
  CHECK(contains(h, "#define EMBER_ALIGN8 __attribute__((aligned(8)))\n"));
  CHECK(contains(h, "const size_t export_model_size = EXPORT_MODEL_BYTES;\n"));
  CHECK(contains(h, "extern \"C\" {"));

  SUBCASE("--name and --json") {
    const auto named = run_ember("export-c export_model.ember -o export_named.h --name iris_v2 --json");
    REQUIRE(named.exit_code == 0);
    CHECK(contains(named.out, "{\"output\":\"export_named.h\",\"name\":\"iris_v2\",\"bytes\":"));
    CHECK(contains(named.out, "\"golden_rows\":5,\"metadata\":true}"));
    const std::string n = read_text("export_named.h");
    CHECK(contains(n, "#ifndef IRIS_V2_EMBER_MODEL_H"));
    CHECK(contains(n, "#define IRIS_V2_N_FEATURES 4u"));
    CHECK(contains(n, "const unsigned char iris_v2[IRIS_V2_BYTES]"));
    std::remove("export_named.h");
  }
  SUBCASE("the default name comes from the file name, made a C identifier") {
    write_text("export-my model.v2.ember", read_text("export_model.ember"));
    const auto a = run_ember("export-c 'export-my model.v2.ember' -o export_a.h --json");
    CHECK(contains(a.out, "\"name\":\"export_my_model_v2\""));
    write_text("2024.ember", read_text("export_model.ember"));
    const auto b = run_ember("export-c 2024.ember -o export_b.h --json");
    CHECK(contains(b.out, "\"name\":\"model_2024\""));
    write_text("int.ember", read_text("export_model.ember"));
    CHECK(contains(run_ember("export-c int.ember -o export_c.h --json").out, "\"name\":\"int_model\""));
    for (const char* p :
         {"export-my model.v2.ember", "2024.ember", "int.ember", "export_a.h", "export_b.h", "export_c.h"})
      std::remove(p);
  }
  std::remove("export_model.h");
  std::remove("export_model.ember");
}

TEST_CASE("export-c: a bad name is a usage error and writes nothing") {
  train_iris("export_name.ember", 0);
  for (const std::string name :
       {"9lives", "class", "int", "_iris", "a__b", "my-model", "main", "ember_load"}) {
    const auto r = run_ember("export-c export_name.ember -o export_name.h --name '" + name + "'");
    CHECK_MESSAGE(r.exit_code == 2, name);
    CHECK_MESSAGE(contains(r.err, "ember export-c: --name: '" + name + "'"), r.err);
    CHECK_FALSE(exists("export_name.h"));
  }
  CHECK(contains(run_ember("export-c export_name.ember -o export_name.h --name class").err,
                 "'class' is a C or C++ keyword"));
  CHECK(contains(run_ember("export-c export_name.ember -o x.h --name 9lives").err, "it starts with a digit"));
  CHECK(run_ember("export-c export_name.ember").exit_code == 2);                       // no -o
  CHECK(run_ember("export-c export_name.ember -o export_name.ember").exit_code == 2);  // onto itself
  CHECK(contains(read_text("export_name.ember"), "EMBR"));
  const auto extra = run_ember("export-c export_name.ember -o export_name.h " + data("iris.csv"));
  CHECK(extra.exit_code == 2);
  CHECK(contains(extra.err, "a data file goes with --golden N DATA.csv"));
  const auto no_data = run_ember("export-c export_name.ember -o export_name.h --golden 3");
  CHECK(no_data.exit_code == 2);
  CHECK(contains(no_data.err, "--golden N needs the data"));
  CHECK_FALSE(exists("export_name.h"));
  std::remove("export_name.ember");
}

TEST_CASE("export-c: a corrupt or foreign file is an error naming the status; nothing is written") {
  train_iris("export_bad.ember", 3);
  const std::string good = read_text("export_bad.ember");
  write_text("export_out.h", "previous contents\n");

  std::string flipped = good;
  flipped[100] = static_cast<char>(flipped[100] ^ 0x04);
  write_text("export_flipped.ember", flipped);
  const auto r = run_ember("export-c export_flipped.ember -o export_out.h");
  CHECK(r.exit_code == 1);
  CHECK(r.err ==
        "ember export-c: export_flipped.ember: checksum_mismatch: the stored checksum does not match the "
        "content\n");
  CHECK(r.out.empty());

  write_text("export_short.ember", good.substr(0, good.size() / 2));
  CHECK(contains(run_ember("export-c export_short.ember -o export_out.h").err,
                 "export_short.ember: truncated"));
  CHECK(contains(run_ember("export-c " + data("iris.csv") + " -o export_out.h").err,
                 "this is not an ember model file (it looks like CSV text)"));
  CHECK(contains(run_ember("export-c no_such.ember -o export_out.h").err, "no_such.ember: cannot open"));

  // A GOLD section that lies about its rows (checksum fixed up, so the
  // model itself loads): the self-test's own checks refuse it.
  std::string lying = good;
  const std::size_t gold = lying.find("GOLD", 32);  // its table entry: kind, flags, offset, size
  REQUIRE(gold != std::string::npos);
  std::uint32_t offset = 0;
  std::memcpy(&offset, &lying[gold + 8], 4);
  const std::uint32_t rows = 0x40000000u;
  std::memcpy(&lying[offset], &rows, 4);
  reseal(&lying);
  write_text("export_lying.ember", lying);
  const auto l = run_ember("export-c export_lying.ember -o export_out.h");
  CHECK(l.exit_code == 1);
  CHECK(contains(l.err, "export_lying.ember: corrupt golden vectors (GOLD section): out_of_bounds"));
  const auto li = run_ember("inspect export_lying.ember");
  CHECK(li.exit_code == 1);
  CHECK(contains(li.err, "corrupt golden vectors (GOLD section): out_of_bounds"));

  CHECK(read_text("export_out.h") == "previous contents\n");
  for (const char* p : {"export_bad.ember", "export_flipped.ember", "export_short.ember",
                        "export_lying.ember", "export_out.h"})
    std::remove(p);
}

TEST_CASE("export-c --strip-metadata leaves META out; predictions stay") {
  train_iris("export_meta.ember", 4);
  const auto r = run_ember("export-c export_meta.ember -o export_meta.h --strip-metadata --json");
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(contains(r.out, "\"golden_rows\":4,\"metadata\":false}"));
  const std::string bytes = header_bytes(read_text("export_meta.h"));
  CHECK(bytes.size() < read_text("export_meta.ember").size());
  CHECK(bytes.find("META") == std::string::npos);
  CHECK(bytes.find("sepal_length") == std::string::npos);
  // The stripped bytes are a model of their own: same predictions, the
  // golden vectors still pass, names fall back to x0.. and 0..
  write_text("export_meta_stripped.ember", bytes);
  const auto inspect = run_ember("inspect export_meta_stripped.ember");
  CHECK(inspect.exit_code == 0);
  CHECK(contains(inspect.out, "passed, 4 of 4 rows"));
  CHECK(contains(inspect.out, "  x0 "));
  write_text("export_meta_rows.csv", "x0,x1,x2,x3\n5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n5.9,3.0,4.2,1.5\n");
  write_text("export_meta_named.csv",
             "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n5.9,3.0,4."
             "2,1.5\n");
  const auto stripped = run_ember("predict export_meta_stripped.ember export_meta_rows.csv --proba");
  const auto full = run_ember("predict export_meta.ember export_meta_named.csv --proba");
  REQUIRE(stripped.exit_code == 0);
  REQUIRE(full.exit_code == 0);
  // Same numbers; only the class names in the header line differ.
  CHECK(stripped.out.substr(stripped.out.find('\n')) == full.out.substr(full.out.find('\n')));
  for (const char* p : {"export_meta.ember", "export_meta.h", "export_meta_stripped.ember",
                        "export_meta_rows.csv", "export_meta_named.csv"})
    std::remove(p);
}

TEST_CASE("export-c --golden N DATA.csv adds golden vectors from the data's first rows") {
  train_iris("export_g.ember", 0);
  // Columns in another order and an extra one: matched by name.
  write_text("export_g.csv",
             "species,petal_width,petal_length,sepal_width,sepal_length,note\n"
             "setosa,0.2,1.4,3.5,5.1,a\nvirginica,2.3,5.2,3.0,6.7,b\nversicolor,1.5,4.2,3.0,5.9,c\n"
             "setosa,,1.5,3.1,4.9,missing\n");
  const auto r = run_ember("export-c export_g.ember -o export_g.h --golden 4 export_g.csv --json");
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(contains(r.out, "\"golden_rows\":4"));
  const std::string h = read_text("export_g.h");
  CHECK(define_of(h, "EXPORT_G_GOLDEN_ROWS") == "4u");
  const std::string bytes = header_bytes(h);
  // The rows as the runtime reads them, in the model's feature order
  // (sepal_length, sepal_width, petal_length, petal_width): row 1 is
  // 5.1, 3.5, 1.4, 0.2, right after GOLD's 24-byte header.
  const std::size_t entry = bytes.find("GOLD", 32);  // in the section table
  REQUIRE(entry != std::string::npos);
  std::uint32_t offset = 0, header[6];
  std::memcpy(&offset, &bytes[entry + 8], 4);
  std::memcpy(header, &bytes[offset], sizeof header);
  CHECK(header[0] == 4);  // n_rows
  CHECK(header[1] == 4);  // n_features
  CHECK(header[2] == 3);  // n_raw
  CHECK(header[3] == 3);  // n_proba
  float row[4];
  std::memcpy(row, &bytes[offset + 24], sizeof row);
  CHECK(row[0] == 5.1f);
  CHECK(row[1] == 3.5f);
  CHECK(row[2] == 1.4f);
  CHECK(row[3] == 0.2f);
  std::memcpy(row, &bytes[offset + 24 + 3 * 16], sizeof row);
  CHECK(row[0] == 4.9f);
  CHECK(row[3] != row[3]);  // missing: NaN
  write_text("export_g_out.ember", bytes);
  CHECK(contains(run_ember("inspect export_g_out.ember").out, "passed, 4 of 4 rows"));

  const auto many = run_ember("export-c export_g.ember -o export_g2.h --golden 5 export_g.csv");
  CHECK(many.exit_code == 1);
  CHECK(contains(many.err, "export_g.csv: --golden 5 asks for more rows than the file has (4)"));
  write_text("export_g_bad.csv", "sepal_length,sepal_width,petal_length\n1,2,3\n");
  const auto missing = run_ember("export-c export_g.ember -o export_g2.h --golden 1 export_g_bad.csv");
  CHECK(missing.exit_code == 1);
  CHECK(contains(missing.err, "missing column 'petal_width' that the model needs"));
  // An infinite input makes no expected output, here as in predict (the
  // rows were taken as they were before).
  write_text("export_g_inf.csv",
             "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n6.7,-inf,5.2,2.3\n");
  const auto inf = run_ember("export-c export_g.ember -o export_g2.h --golden 2 export_g_inf.csv");
  CHECK(inf.exit_code == 1);
  CHECK(contains(inf.err,
                 "export_g_inf.csv: row 2: column 'sepal_width' is -inf; infinite values are refused"));
  const auto inf_train = run_ember(
      "train export_g_inf.csv --target petal_width --model tree --golden 2 -o export_g2.h --no-track");
  CHECK(inf_train.exit_code == 1);
  CHECK(contains(inf_train.err,
                 "data row 2, column 'sepal_width': -inf is not a value a model can learn from"));
  CHECK_FALSE(exists("export_g2.h"));
  std::remove("export_g_inf.csv");
  for (const char* p :
       {"export_g.ember", "export_g.csv", "export_g.h", "export_g_out.ember", "export_g_bad.csv"})
    std::remove(p);
}

TEST_CASE("export-c --help and the command list") {
  const auto help = run_ember("export-c --help");
  CHECK(help.exit_code == 0);
  CHECK(contains(help.out, "usage: ember export-c MODEL.ember -o MODEL.h [--golden N DATA.csv] [options]"));
  CHECK(contains(help.out, "--strip-metadata"));
  CHECK(contains(help.out, "__attribute__((aligned(8)))"));
  CHECK(contains(run_ember("--help").out, "  export-c    Write a model file as a C header"));
  CHECK(contains(run_ember("train --help").out, "--golden N"));
}
