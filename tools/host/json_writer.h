// JsonWriter: builds compact, valid JSON text for `--json` output.
//
// Commas and string escaping are handled; numbers are written in the
// shortest form that reads back to the same double; NaN and infinities
// (which JSON cannot hold) are written as null. Keys appear in the order
// they are written, so output is deterministic.
#ifndef EMBER_HOST_JSON_WRITER_H
#define EMBER_HOST_JSON_WRITER_H

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ember::host {

class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  // The key of the next value inside an object.
  JsonWriter& key(std::string_view k);
  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(double d);  // shortest text that reads back as d; null if not finite
  JsonWriter& value(float f);   // shortest text that reads back as f (as float32)
  JsonWriter& value(std::int64_t i);
  JsonWriter& value(std::uint64_t u);
  JsonWriter& value(int i) { return value(static_cast<std::int64_t>(i)); }
  JsonWriter& value(bool b);
  JsonWriter& null();

  // The text so far; complete once every begin has its end.
  const std::string& str() const { return out_; }

 private:
  void separate();
  std::string out_;
  std::vector<bool> has_items_;  // one per open container
  bool after_key_ = false;
};

// `s` as a JSON string literal, quotes included.
std::string json_quote(std::string_view s);

}  // namespace ember::host

#endif  // EMBER_HOST_JSON_WRITER_H
