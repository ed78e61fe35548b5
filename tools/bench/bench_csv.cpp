// CSV loading speed: read_csv on a generated numeric file, against plain
// reads of the same bytes (the ceiling set by the page cache) in one process.
//
//   bench_csv [--mb 250] [--columns 20] [--repeats 5] [--file PATH] [--keep] [--json]
//
// The file holds --columns columns of N(0, 1) * 10^k values (k in -2..4)
// printed with 3 to 7 significant digits, 1% missing; it is written once to
// --file (default bench_numeric.csv in the working directory) and removed
// afterwards unless --keep.
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench_common.h"
#include "ember/rng.h"
#include "host/csv.h"

namespace {

bool generate(const std::string& path, std::size_t target_bytes, std::size_t columns) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return false;
  ember::Rng rng(20261124);
  std::string line;
  for (std::size_t j = 0; j < columns; ++j) line += (j ? ",f" : "f") + std::to_string(j);
  line += '\n';
  std::size_t written = 0;
  char cell[64];
  while (written < target_bytes) {
    std::fwrite(line.data(), 1, line.size(), f);
    written += line.size();
    line.clear();
    for (std::size_t j = 0; j < columns; ++j) {
      if (j) line += ',';
      if (rng.below(100) == 0) continue;  // missing
      const double scale = std::pow(10.0, static_cast<double>(rng.below(7)) - 2.0);
      const double v = rng.normal() * scale;
      const int digits = 3 + static_cast<int>(rng.below(5));
      const auto r = std::to_chars(cell, cell + sizeof cell, v, std::chars_format::general, digits);
      line.append(cell, r.ptr);
    }
    line += '\n';
  }
  return std::fclose(f) == 0;
}

std::size_t read_bytes(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return 0;
  std::vector<char> buffer(std::size_t{1} << 20);
  std::size_t total = 0, n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), f)) > 0) total += n;
  std::fclose(f);
  return total;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t mb = 250, columns = 20;
  int repeats = 5;
  bool json = false, keep = false;
  std::string path = "bench_numeric.csv";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() { return i + 1 < argc ? std::strtoul(argv[++i], nullptr, 10) : 0ul; };
    if (a == "--mb")
      mb = next();
    else if (a == "--columns")
      columns = next();
    else if (a == "--repeats")
      repeats = static_cast<int>(next());
    else if (a == "--file" && i + 1 < argc)
      path = argv[++i];
    else if (a == "--keep")
      keep = true;
    else if (a == "--json")
      json = true;
    else {
      std::fprintf(stderr,
                   "usage: bench_csv [--mb N] [--columns N] [--repeats N] [--file PATH] [--keep] [--json]\n");
      return 2;
    }
  }
  if (mb == 0 || columns == 0 || repeats <= 0) {
    std::fprintf(stderr, "bench_csv: --mb, --columns and --repeats must be positive\n");
    return 2;
  }
  if (!generate(path, mb << 20, columns)) {
    std::fprintf(stderr, "bench_csv: cannot write %s\n", path.c_str());
    return 1;
  }
  const std::size_t bytes = read_bytes(path);
  std::size_t rows = 0;
  bool ok = true;
  const auto raw = ember::bench::time_repeats(repeats, [&] { ok = ok && read_bytes(path) == bytes; });
  const auto parsed = ember::bench::time_repeats(repeats, [&] {
    ember::host::Table table;
    ember::host::Error error;
    if (!ember::host::read_csv(path, ember::host::CsvOptions{}, &table, &error)) {
      std::fprintf(stderr, "bench_csv: %s\n", error.to_string().c_str());
      ok = false;
    }
    rows = table.rows;
  });
  if (!keep) std::remove(path.c_str());
  if (!ok) return 1;
  const double mb_read = static_cast<double>(bytes) / 1e6;
  const double parse_mbs = mb_read / ember::bench::median(parsed);
  const double raw_mbs = mb_read / ember::bench::median(raw);
  if (json) {
    std::printf(
        "{\"name\":\"read_csv, %zu numeric columns\",\"value\":%.1f,\"unit\":\"MB/s\","
        "\"note\":\"%.1f MB, %zu rows; median of %d; plain reads of the file %.0f MB/s\"}\n",
        columns, parse_mbs, mb_read, rows, repeats, raw_mbs);
  } else {
    std::printf(
        "%.1f MB, %zu rows x %zu numeric columns: read_csv %.1f MB/s (median of %d); plain reads %.1f MB/s\n",
        mb_read, rows, columns, parse_mbs, repeats, raw_mbs);
  }
  return 0;
}
