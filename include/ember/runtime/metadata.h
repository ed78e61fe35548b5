// Metadata: the optional, strippable names and labels of a model file.
//
// Keys ember's tools write (others may be present and are kept):
//   "features"          string list, one name per input feature
//   "target"            string, the target column's name
//   "classes"           string list, the class labels by class index
//   "categories.<i>"    string list, the labels of categorical input i by code
//   "model"             string, the model type ("logistic", "gbdt", ...)
// A device can drop the section entirely; predictions do not change.
// Everything returned points into the model's bytes (no copies).
#ifndef EMBER_METADATA_H
#define EMBER_METADATA_H

#include <cstddef>
#include <cstdint>

#include "ember/runtime/model.h"
#include "ember/runtime/model_format.h"
#include "ember/base/status.h"

namespace ember {

struct MetadataEntry {
  const char* key = nullptr;
  std::uint32_t key_size = 0;
  format::MetadataType type = format::MetadataType::string;
  std::uint32_t count = 0;  // strings in a list, floats in an f32 list, bytes of a string
  const unsigned char* payload = nullptr;
  std::uint32_t payload_size = 0;
};

// Number of records in the model's metadata (0 when there is none).
std::uint32_t metadata_count(const Model& model) noexcept;

// The index-th record, in file order. Errors: bad_index.
Status metadata_at(const Model& model, std::uint32_t index, MetadataEntry* entry) noexcept;

// The record whose key is key[0, key_size). Errors: bad_index (absent).
Status find_metadata(const Model& model, const char* key, std::size_t key_size,
                     MetadataEntry* entry) noexcept;

// The i-th string of a string list, or the string of a string record (i = 0).
// The text is not NUL-terminated. Errors: bad_index, invalid_argument (an
// f32 list).
Status metadata_string(const MetadataEntry& entry, std::uint32_t i, const char** text,
                       std::uint32_t* size) noexcept;

// The floats of an f32 list. Errors: invalid_argument (not an f32 list).
Status metadata_floats(const MetadataEntry& entry, const float** values) noexcept;

// One pass over every record, or over every string of a list, in file
// order. metadata_at(i) and metadata_string(e, i) walk from the first entry
// each time, so a loop over them is quadratic in the number of entries; a
// cursor reads each entry once:
//   MetadataCursor c = metadata_records(model);
//   MetadataEntry e;
//   while (metadata_next(&c, &e)) { ... }
//   MetadataStringCursor s = metadata_strings(e);  // a string list (or string)
//   const char* text; std::uint32_t size;
//   while (metadata_next_string(&s, &text, &size)) { ... }
struct MetadataCursor {
  const unsigned char* next = nullptr;
  std::uint32_t left = 0;  // records not yet returned
};

// A cursor before the first record (none when the model has no metadata).
MetadataCursor metadata_records(const Model& model) noexcept;

// The next record into *entry and true, or false when there is none.
bool metadata_next(MetadataCursor* cursor, MetadataEntry* entry) noexcept;

struct MetadataStringCursor {
  const unsigned char* next = nullptr;
  std::uint32_t left = 0;  // strings not yet returned
  bool single = false;     // a string record: its one string
  std::uint32_t single_size = 0;
};

// A cursor before the first string of a string list, or before the string
// of a string record; an f32 list has no strings.
MetadataStringCursor metadata_strings(const MetadataEntry& entry) noexcept;

// The next string (not NUL-terminated) and true, or false when there is none.
bool metadata_next_string(MetadataStringCursor* cursor, const char** text, std::uint32_t* size) noexcept;

}  // namespace ember

#endif  // EMBER_METADATA_H
