#include "host/csv.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cfloat>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "host/safe_text.h"
#include "host/suggest.h"

namespace ember::host {

namespace {

// Where the bytes come from: a file, or text in memory.
class Source {
 public:
  virtual ~Source() = default;
  // Copies up to `capacity` bytes to `dst`; *got = 0 at the end.
  virtual bool read(char* dst, std::size_t capacity, std::size_t* got, Error* error) = 0;
};

class FileSource final : public Source {
 public:
  explicit FileSource(const std::string& path) : path_(path) {}
  ~FileSource() override {
    if (file_ != nullptr) std::fclose(file_);
  }
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;

  bool open(Error* error) {
    file_ = std::fopen(path_.c_str(), "rb");
    if (file_ != nullptr) return true;
    *error = Error{path_, 0, 0, std::string("cannot open: ") + std::strerror(errno)};
    return false;
  }

  bool read(char* dst, std::size_t capacity, std::size_t* got, Error* error) override {
    *got = std::fread(dst, 1, capacity, file_);
    if (*got == 0 && std::ferror(file_)) {
      *error = Error{path_, 0, 0, std::string("cannot read: ") + std::strerror(errno)};
      return false;
    }
    return true;
  }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
};

class TextSource final : public Source {
 public:
  explicit TextSource(std::string_view text) : text_(text) {}
  bool read(char* dst, std::size_t capacity, std::size_t* got, Error*) override {
    *got = std::min(capacity, text_.size());
    std::memcpy(dst, text_.data(), *got);
    text_.remove_prefix(*got);
    return true;
  }

 private:
  std::string_view text_;
};

// Text in memory in pieces (a stream as read_stream keeps it).
class ChunkSource final : public Source {
 public:
  explicit ChunkSource(const std::vector<std::string>& chunks) : chunks_(chunks) {}
  bool read(char* dst, std::size_t capacity, std::size_t* got, Error*) override {
    *got = 0;
    while (*got < capacity && chunk_ < chunks_.size()) {
      const std::string& c = chunks_[chunk_];
      const std::size_t n = std::min(capacity - *got, c.size() - offset_);
      std::memcpy(dst + *got, c.data() + offset_, n);
      *got += n;
      offset_ += n;
      if (offset_ == c.size()) {
        ++chunk_;
        offset_ = 0;
      }
    }
    return true;
  }

 private:
  const std::vector<std::string>& chunks_;
  std::size_t chunk_ = 0, offset_ = 0;
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

enum class NumberParse { ok, not_a_number, out_of_range };

// Clinger's fast path: a decimal with at most 19 digits and a power of ten
// within 10^+-22 is one correctly rounded double operation. Rounding that
// double to float is then correct too, unless it lands exactly on a midpoint
// between two floats (the exact value may lie on either side): those, and
// every other form, return false for the general parser.
bool parse_simple_decimal(const char* p, const char* last, float* out) {
  static constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                      1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  bool negative = false;
  if (p != last && (*p == '-' || *p == '+')) negative = *p++ == '-';
  std::uint64_t mantissa = 0;
  int digits = 0, exponent = 0;
  for (; p != last && static_cast<unsigned>(*p - '0') < 10; ++p, ++digits)
    mantissa = mantissa * 10 + static_cast<unsigned>(*p - '0');
  if (p != last && *p == '.') {
    ++p;
    for (; p != last && static_cast<unsigned>(*p - '0') < 10; ++p, ++digits, --exponent) {
      mantissa = mantissa * 10 + static_cast<unsigned>(*p - '0');
    }
  }
  if (digits == 0 || digits > 19) return false;
  if (p != last && (*p == 'e' || *p == 'E')) {
    ++p;
    bool negative_exponent = false;
    if (p != last && (*p == '-' || *p == '+')) negative_exponent = *p++ == '-';
    int e = 0, e_digits = 0;
    for (; p != last && static_cast<unsigned>(*p - '0') < 10 && e_digits < 4; ++p, ++e_digits)
      e = e * 10 + (*p - '0');
    if (e_digits == 0) return false;
    exponent += negative_exponent ? -e : e;
  }
  if (p != last || mantissa > (std::uint64_t{1} << 53) || exponent < -22 || exponent > 22) return false;
  const double m = static_cast<double>(mantissa);
  const double d = exponent >= 0 ? m * kPow10[exponent] : m / kPow10[-exponent];
  const float f = static_cast<float>(d);
  if (static_cast<double>(f) != d) {
    const float other = std::nextafter(f, static_cast<double>(f) < d ? INFINITY : -INFINITY);
    if ((static_cast<double>(f) + static_cast<double>(other)) / 2 == d) return false;
  }
  *out = negative ? -f : f;
  return true;
}

// Parses a whole cell (already trimmed) as a float32: decimal or exponent
// form, an optional sign, inf and nan. Correctly rounded.
NumberParse parse_number(std::string_view s, float* out) {
  if (parse_simple_decimal(s.data(), s.data() + s.size(), out)) return NumberParse::ok;
  const char* first = s.data();
  const char* last = first + s.size();
  if (first != last && *first == '+' && last - first > 1 && first[1] != '-' && first[1] != '+') ++first;
  const auto r = std::from_chars(first, last, *out, std::chars_format::general);
  if (r.ptr != last) return NumberParse::not_a_number;
  if (r.ec == std::errc()) return NumberParse::ok;
  if (r.ec != std::errc::result_out_of_range) return NumberParse::not_a_number;
  // Too large, or too small for a normal float: strtod on a terminated
  // copy tells which (this path is rare).
  const std::string copy(first, last);
  errno = 0;
  const double d = std::strtod(copy.c_str(), nullptr);
  if (std::fabs(d) > static_cast<double>(FLT_MAX)) return NumberParse::out_of_range;
  *out = static_cast<float>(d);
  return NumberParse::ok;
}

// One field of the current record: its content lies in [begin, end) of the
// buffer; `start` is where the field starts (its opening quote if quoted).
struct Field {
  std::size_t begin;
  std::size_t end;
  std::size_t start;
  bool doubled_quotes;
};

enum class Scan { record, blank, need_more, end, error };

// Line ends: "\n", "\r\n" and a lone "\r" each count once.
std::size_t count_line_ends(const char* buf, std::size_t from, std::size_t to) {
  std::size_t n = 0;
  for (std::size_t k = from; k < to; ++k) {
    if (buf[k] == '\n') ++n;
    if (buf[k] == '\r' && (k + 1 == to || buf[k + 1] != '\n')) ++n;
  }
  return n;
}

// The length of the line end at buf[p] (which is '\n' or '\r'): 2 for CRLF,
// else 1; 0 when a '\r' ends the buffer before eof (whether "\n" follows is
// not known yet).
std::size_t line_end_length(const char* buf, std::size_t p, std::size_t end, bool eof) {
  if (buf[p] == '\n') return 1;
  if (p + 1 == end) return eof ? 1 : 0;
  return buf[p + 1] == '\n' ? 2 : 1;
}

// Splits the record at buf[pos..end) into fields. Returns need_more when
// the buffer ends inside the record (unless `eof`). On `record`, *next is
// where the following record starts and *newlines how many line ends the
// record spans. On `error`, *error_pos is the offending byte and
// *message the reason. A record ends at "\n", "\r\n" or a lone "\r".
Scan scan_record(const char* buf, std::size_t pos, std::size_t end, bool eof, char delimiter,
                 std::vector<Field>* fields, std::size_t* next, std::size_t* newlines, std::size_t* error_pos,
                 const char** message) {
  if (pos == end) return eof ? Scan::end : Scan::need_more;
  if (buf[pos] == '\n' || buf[pos] == '\r') {
    const std::size_t n = line_end_length(buf, pos, end, eof);
    if (n == 0) return Scan::need_more;
    *next = pos + n;
    *newlines = 1;
    return Scan::blank;
  }
  fields->clear();
  std::size_t lines = 0;
  std::size_t p = pos;
  for (;;) {
    const std::size_t start = p;
    if (p < end && buf[p] == '"') {
      std::size_t q = p + 1;
      bool doubled = false;
      std::size_t close = 0;
      for (;;) {
        const void* hit = std::memchr(buf + q, '"', end - q);
        if (hit == nullptr) {
          if (!eof) return Scan::need_more;
          *error_pos = start;
          *message = "unterminated quoted field";
          return Scan::error;
        }
        const std::size_t at = static_cast<std::size_t>(static_cast<const char*>(hit) - buf);
        if (at + 1 == end && !eof) return Scan::need_more;  // "" or closing: not known yet
        if (at + 1 < end && buf[at + 1] == '"') {
          doubled = true;
          q = at + 2;
          continue;
        }
        close = at;
        break;
      }
      lines += count_line_ends(buf, start + 1, close);
      fields->push_back(Field{start + 1, close, start, doubled});
      p = close + 1;
      if (p == end) {  // eof here, or need_more was returned above
        *next = end;
        *newlines = lines;
        return Scan::record;
      }
      const char c = buf[p];
      if (c == delimiter) {
        ++p;
        continue;
      }
      if (c == '\n' || c == '\r') {
        const std::size_t n = line_end_length(buf, p, end, eof);
        if (n == 0) return Scan::need_more;
        *next = p + n;
        *newlines = lines + 1;
        return Scan::record;
      }
      *error_pos = p;
      *message = "unexpected character after a closing quote (a quote inside a quoted field is written \"\")";
      return Scan::error;
    }
    // Unquoted: up to the delimiter or the line end. Quotes inside are
    // taken literally, as Python's csv module does.
    std::size_t q = p;
    while (q < end && buf[q] != delimiter && buf[q] != '\n' && buf[q] != '\r') ++q;
    if (q == end && !eof) return Scan::need_more;
    fields->push_back(Field{p, q, start, false});
    if (q < end && buf[q] == delimiter) {
      p = q + 1;
      continue;
    }
    if (q == end) {
      *next = end;
      *newlines = lines;
      return Scan::record;
    }
    const std::size_t n = line_end_length(buf, q, end, eof);
    if (n == 0) return Scan::need_more;
    *next = q + n;
    *newlines = lines + 1;
    return Scan::record;
  }
}

// A column as it is being read.
struct ColumnBuilder {
  std::string name;
  ColumnType type = ColumnType::numeric;
  bool forced = false;
  bool promoted_after_numbers = false;  // its earlier numbers need re-reading as text
  std::size_t numbers = 0;              // present numeric cells so far
  std::vector<float> values;
  std::vector<std::int32_t> codes;
  std::vector<std::string> labels;  // in order of first appearance
  std::unordered_map<std::string, std::int32_t> index;
};

class Reader {
 public:
  Reader(Source* source, const std::string& name, const CsvOptions& options)
      : source_(source), name_(name), options_(options) {
    for (const std::string& t : options.missing_tokens) {
      const std::string_view token = trim(t);
      if (token.empty()) {
        empty_is_missing_ = true;
      } else {
        token_first_[static_cast<unsigned char>(token[0])] = true;
        tokens_.emplace_back(token);
      }
    }
  }

  // Reads everything into *table. *reread lists columns that turned out to
  // be text after numbers were stored; the caller reads again with them
  // forced categorical.
  bool run(Table* table, std::vector<std::string>* reread, Error* error) {
    error_ = error;
    buffer_.resize(std::max<std::size_t>(options_.chunk_bytes, 64));
    while (end_ - begin_ < 3 && !eof_) {
      if (!fill()) return false;
    }
    if (end_ - begin_ >= 3 && std::memcmp(buffer_.data() + begin_, "\xEF\xBB\xBF", 3) == 0) begin_ += 3;

    std::size_t line = 1;
    std::size_t next = 0, newlines = 0, error_pos = 0;
    const char* message = nullptr;
    for (;;) {
      const Scan scan = scan_record(buffer_.data(), begin_, end_, eof_, options_.delimiter, &fields_, &next,
                                    &newlines, &error_pos, &message);
      if (scan == Scan::need_more) {
        if (!fill()) return false;
        continue;
      }
      if (scan == Scan::end) break;
      if (scan == Scan::error) return fail_at(begin_, line, error_pos, message);
      if (scan == Scan::record && !take_record(line)) return false;
      begin_ = next;
      line += newlines;
    }
    if (!have_columns_) {
      return fail(options_.header ? "empty file: no header row" : "empty file: no records");
    }
    finish(table, reread);
    return true;
  }

 private:
  // Moves the unread bytes to the front and appends the next chunk (more if
  // one record is longer than a chunk, so long records stay linear).
  bool fill() {
    const std::size_t kept = end_ - begin_;
    if (begin_ > 0) {
      std::memmove(buffer_.data(), buffer_.data() + begin_, kept);
      begin_ = 0;
      end_ = kept;
    }
    const std::size_t want = std::max(options_.chunk_bytes, kept);
    if (buffer_.size() < end_ + want) buffer_.resize(end_ + want);
    std::size_t got = 0;
    if (!source_->read(buffer_.data() + end_, want, &got, error_)) return false;
    if (got == 0) eof_ = true;
    end_ += got;
    return true;
  }

  bool fail(std::string message) {
    *error_ = Error{name_, 0, 0, std::move(message)};
    return false;
  }

  // An error at buffer position `pos` of the record that starts at
  // `record_start` on line `line`.
  bool fail_at(std::size_t record_start, std::size_t line, std::size_t pos, std::string message) {
    std::size_t line_start = record_start;
    for (std::size_t k = record_start; k < pos; ++k) {
      const bool lone_cr = buffer_[k] == '\r' && (k + 1 >= end_ || buffer_[k + 1] != '\n');
      if (buffer_[k] == '\n' || lone_cr) {
        ++line;
        line_start = k + 1;
      }
    }
    *error_ = Error{name_, line, pos - line_start + 1, std::move(message)};
    return false;
  }

  // The text of a field: in place, or with doubled quotes made single.
  std::string_view content(const Field& f) {
    const std::string_view raw(buffer_.data() + f.begin, f.end - f.begin);
    if (!f.doubled_quotes) return raw;
    unescaped_.clear();
    for (std::size_t k = 0; k < raw.size(); ++k) {
      unescaped_ += raw[k];
      if (raw[k] == '"') ++k;
    }
    return unescaped_;
  }

  // Text that becomes a name or a label must be UTF-8 without control
  // characters (tab and line breaks allowed), the rule a model's metadata
  // is held to: a model trained from this file must load again.
  bool check_text(const Field& f, std::size_t line, const char* what) {
    const TextProblem bad =
        find_text_problem(std::string_view(buffer_.data() + f.begin, f.end - f.begin), true);
    if (bad.at == std::string_view::npos) return true;
    return fail_at(begin_, line, f.begin + bad.at, bad.what + " in " + what);
  }

  bool is_missing(std::string_view cell) const {
    cell = trim(cell);
    if (cell.empty()) return empty_is_missing_;
    if (!token_first_[static_cast<unsigned char>(cell[0])]) return false;
    return std::find(tokens_.begin(), tokens_.end(), cell) != tokens_.end();
  }

  bool take_record(std::size_t line) {
    if (!have_columns_) {
      if (!set_up_columns(line)) return false;
      if (options_.header) return true;
    }
    if (fields_.size() != columns_.size()) {
      return fail_at(begin_, line, begin_,
                     "ragged row: expected " + std::to_string(columns_.size()) + " fields, found " +
                         std::to_string(fields_.size()));
    }
    for (std::size_t j = 0; j < columns_.size(); ++j) {
      if (!take_cell(&columns_[j], fields_[j], line)) return false;
    }
    ++rows_;
    return true;
  }

  bool set_up_columns(std::size_t line) {
    have_columns_ = true;
    columns_.resize(fields_.size());
    // The names the header gives; the duplicates among them are errors.
    std::vector<std::string> names(fields_.size());
    std::unordered_map<std::string, std::size_t> written;
    for (std::size_t j = 0; j < fields_.size() && options_.header; ++j) {
      if (!check_text(fields_[j], line, "a column name")) return false;
      names[j] = std::string(content(fields_[j]));
      if (names[j].empty()) continue;
      const auto [at, fresh] = written.emplace(names[j], j);
      if (!fresh) {
        return fail_at(
            begin_, line, fields_[j].start,
            "duplicate column name '" + names[j] + "' (also column " + std::to_string(at->second + 1) + ")");
      }
    }
    // Empty cells (every cell without a header) are named after their
    // position, avoiding every name the header gives.
    for (std::size_t j = 0; j < names.size(); ++j) {
      if (!names[j].empty()) continue;
      const std::string base = "column_" + std::to_string(j + 1);
      std::string name = base;
      for (std::size_t k = 1; written.count(name) > 0; ++k) name = base + "." + std::to_string(k);
      written.emplace(name, j);
      names[j] = name;
    }
    for (std::size_t j = 0; j < names.size(); ++j) columns_[j].name = names[j];
    if (!options_.target.empty() && std::find(names.begin(), names.end(), options_.target) == names.end()) {
      return fail(unknown_column("unknown target column", options_.target, names));
    }
    for (const auto& [name, type] : options_.column_types) {
      const auto it = std::find(names.begin(), names.end(), name);
      if (it == names.end()) {
        if (!options_.types_must_match_columns) continue;
        return fail(unknown_column("type override for unknown column", name, names));
      }
      ColumnBuilder& c = columns_[static_cast<std::size_t>(it - names.begin())];
      c.type = type;
      c.forced = true;
    }
    return true;
  }

  static std::string unknown_column(const char* what, const std::string& name,
                                    const std::vector<std::string>& names) {
    std::string message = std::string(what) + " '" + name + "'";
    const auto close = close_matches(name, names);
    if (!close.empty()) return message + "; did you mean " + quoted_list(close) + "?";
    if (names.size() <= 12) return message + "; the columns are " + quoted_list(names, " and ");
    return message;
  }

  bool take_cell(ColumnBuilder* c, const Field& f, std::size_t line) {
    const std::string_view cell = content(f);
    if (c->type == ColumnType::numeric) {
      if (is_missing(cell)) {
        c->values.push_back(NAN);
        return true;
      }
      float v = 0;
      const NumberParse parsed = parse_number(trim(cell), &v);
      if (parsed == NumberParse::ok) {
        c->values.push_back(v);
        ++c->numbers;
        return true;
      }
      if (parsed == NumberParse::out_of_range) {
        return fail_at(begin_, line, f.start,
                       "number '" + std::string(trim(cell)) + "' is outside the float32 range");
      }
      if (c->forced) {
        if (!check_text(f, line, "a cell")) return false;
        return fail_at(
            begin_, line, f.start,
            "column '" + c->name + "' is declared numeric but '" + std::string(cell) + "' is not a number");
      }
      // Text after numbers: the column is categorical. Cells read so far
      // were missing (codes -1) or numbers, whose text is read again.
      c->type = ColumnType::categorical;
      c->promoted_after_numbers = c->numbers > 0;
      c->codes.assign(c->values.size(), -1);
      c->values.clear();
      c->values.shrink_to_fit();
    }
    if (is_missing(cell)) {
      c->codes.push_back(-1);
      return true;
    }
    key_.assign(cell.data(), cell.size());
    const auto it = c->index.find(key_);
    if (it != c->index.end()) {
      c->codes.push_back(it->second);
      return true;
    }
    if (!check_text(f, line, "a category label")) return false;
    const auto code = static_cast<std::int32_t>(c->labels.size());
    c->index.emplace(key_, code);
    c->labels.push_back(key_);
    c->codes.push_back(code);
    return true;
  }

  void finish(Table* table, std::vector<std::string>* reread) {
    table->rows = rows_;
    table->columns.resize(columns_.size());
    for (std::size_t j = 0; j < columns_.size(); ++j) {
      ColumnBuilder& b = columns_[j];
      Column& c = table->columns[j];
      if (b.promoted_after_numbers) reread->push_back(b.name);
      c.name = std::move(b.name);
      c.type = b.type;
      if (b.type == ColumnType::numeric) {
        c.values = std::move(b.values);
        continue;
      }
      // Sort the dictionary in byte order so that codes do not depend on
      // the order rows come in.
      std::vector<std::int32_t> order(b.labels.size());
      for (std::size_t k = 0; k < order.size(); ++k) order[k] = static_cast<std::int32_t>(k);
      std::sort(order.begin(), order.end(), [&](std::int32_t x, std::int32_t y) {
        return b.labels[static_cast<std::size_t>(x)] < b.labels[static_cast<std::size_t>(y)];
      });
      std::vector<std::int32_t> recode(order.size());
      c.labels.resize(order.size());
      for (std::size_t k = 0; k < order.size(); ++k) {
        recode[static_cast<std::size_t>(order[k])] = static_cast<std::int32_t>(k);
        c.labels[k] = std::move(b.labels[static_cast<std::size_t>(order[k])]);
      }
      c.codes = std::move(b.codes);
      for (std::int32_t& code : c.codes) {
        if (code >= 0) code = recode[static_cast<std::size_t>(code)];
      }
    }
    table->target = options_.target.empty() ? -1 : table->index_of(options_.target);
  }

  Source* source_;
  const std::string& name_;
  const CsvOptions& options_;
  Error* error_ = nullptr;

  std::vector<char> buffer_;
  std::size_t begin_ = 0;  // the current record starts here
  std::size_t end_ = 0;    // bytes read so far end here
  bool eof_ = false;

  std::vector<Field> fields_;
  std::vector<ColumnBuilder> columns_;
  bool have_columns_ = false;
  std::size_t rows_ = 0;

  bool empty_is_missing_ = false;
  bool token_first_[256] = {};
  std::vector<std::string_view> tokens_;
  std::string unescaped_;
  std::string key_;
};

template <typename MakeSource>
bool read_with(const MakeSource& make_source, const std::string& name, const CsvOptions& options,
               Table* table, Error* error) {
  *table = Table{};
  if (options.delimiter == '"' || options.delimiter == '\n' || options.delimiter == '\r') {
    *error = Error{name, 0, 0, "the delimiter cannot be a quote or a line break"};
    return false;
  }
  CsvOptions current = options;
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::unique_ptr<Source> source;
    if (!make_source(&source, error)) return false;
    std::vector<std::string> reread;
    Reader reader(source.get(), name, current);
    if (!reader.run(table, &reread, error)) {
      *table = Table{};
      return false;
    }
    if (reread.empty()) return true;
    for (const std::string& column : reread)
      current.column_types.emplace_back(column, ColumnType::categorical);
  }
  return true;  // the second pass forces every re-read column, so never reached with work left
}

// The bytes of the pipe or device at `path`, read once per process: a
// second read of the same stream (same device and inode: a caller that
// reads its data again with other types) gets the same bytes.
bool stream_chunks(const std::string& path, std::uint64_t max_bytes,
                   std::shared_ptr<const std::vector<std::string>>* chunks, Error* error) {
  struct Read {
    dev_t device;
    ino_t inode;
    std::shared_ptr<const std::vector<std::string>> chunks;
  };
  static std::mutex mutex;
  static std::vector<Read> done;
  struct stat st;
  const bool known = ::stat(path.c_str(), &st) == 0;
  std::lock_guard<std::mutex> lock(mutex);
  for (const Read& r : done) {
    if (known && r.device == st.st_dev && r.inode == st.st_ino) {
      *chunks = r.chunks;
      return true;
    }
  }
  auto bytes = std::make_shared<std::vector<std::string>>();
  if (!read_stream(path, max_bytes, bytes.get(), error)) return false;
  *chunks = bytes;
  if (known) done.push_back(Read{st.st_dev, st.st_ino, *chunks});
  return true;
}

}  // namespace

bool read_csv(const std::string& path, const CsvOptions& options, Table* table, Error* error) {
  if (is_stream(path)) {
    // A pipe or a device cannot be read twice: read whole once, then
    // parsed (twice if a column needs it) from memory.
    std::shared_ptr<const std::vector<std::string>> chunks;
    if (!stream_chunks(path, options.max_stream_bytes, &chunks, error)) {
      *table = Table{};
      return false;
    }
    return read_with(
        [&](std::unique_ptr<Source>* source, Error*) {
          *source = std::make_unique<ChunkSource>(*chunks);
          return true;
        },
        path, options, table, error);
  }
  return read_with(
      [&](std::unique_ptr<Source>* source, Error* e) {
        auto file = std::make_unique<FileSource>(path);
        if (!file->open(e)) return false;
        *source = std::move(file);
        return true;
      },
      path, options, table, error);
}

bool parse_csv(std::string_view text, const std::string& source_name, const CsvOptions& options, Table* table,
               Error* error) {
  return read_with(
      [&](std::unique_ptr<Source>* source, Error*) {
        *source = std::make_unique<TextSource>(text);
        return true;
      },
      source_name, options, table, error);
}

}  // namespace ember::host
