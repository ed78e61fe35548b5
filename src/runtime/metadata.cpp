// Metadata lookups over a section load_model has verified: no bounds checks
// are repeated here.
#include "ember/runtime/metadata.h"

#include <cstring>

namespace ember {

namespace f = format;

namespace {
std::uint32_t padded(std::uint32_t n) { return (n + 3u) & ~3u; }

std::uint32_t read_u32(const unsigned char* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
}  // namespace

std::uint32_t metadata_count(const Model& m) noexcept {
  return m.metadata == nullptr ? 0 : read_u32(m.metadata);
}

Status metadata_at(const Model& m, std::uint32_t index, MetadataEntry* entry) noexcept {
  if (index >= metadata_count(m)) return Status::bad_index;
  const unsigned char* p = m.metadata + sizeof(f::MetadataHeader);
  for (std::uint32_t r = 0;; ++r) {
    f::MetadataRecord rec;
    std::memcpy(&rec, p, sizeof rec);
    const unsigned char* key = p + sizeof rec;
    const unsigned char* payload = key + padded(rec.key_bytes);
    if (r == index) {
      entry->key = reinterpret_cast<const char*>(key);
      entry->key_size = rec.key_bytes;
      entry->type = static_cast<f::MetadataType>(rec.type);
      entry->count = rec.count;
      entry->payload = payload;
      entry->payload_size = rec.payload_bytes;
      return Status::ok;
    }
    p = payload + rec.payload_bytes;
  }
}

Status find_metadata(const Model& m, const char* key, std::size_t key_size, MetadataEntry* entry) noexcept {
  const std::uint32_t n = metadata_count(m);
  for (std::uint32_t i = 0; i < n; ++i) {
    MetadataEntry e;
    metadata_at(m, i, &e);
    if (e.key_size == key_size && std::memcmp(e.key, key, key_size) == 0) {
      *entry = e;
      return Status::ok;
    }
  }
  return Status::bad_index;
}

Status metadata_string(const MetadataEntry& e, std::uint32_t i, const char** text,
                       std::uint32_t* size) noexcept {
  if (e.type == f::MetadataType::string) {
    if (i != 0) return Status::bad_index;
    *text = reinterpret_cast<const char*>(e.payload);
    *size = e.count;
    return Status::ok;
  }
  if (e.type != f::MetadataType::string_list) return Status::invalid_argument;
  if (i >= e.count) return Status::bad_index;
  const unsigned char* p = e.payload;
  for (std::uint32_t k = 0; k < i; ++k) p += 4 + padded(read_u32(p));
  *size = read_u32(p);
  *text = reinterpret_cast<const char*>(p + 4);
  return Status::ok;
}

MetadataCursor metadata_records(const Model& m) noexcept {
  MetadataCursor c;
  if (m.metadata == nullptr) return c;
  c.next = m.metadata + sizeof(f::MetadataHeader);
  c.left = read_u32(m.metadata);
  return c;
}

bool metadata_next(MetadataCursor* c, MetadataEntry* entry) noexcept {
  if (c->left == 0) return false;
  f::MetadataRecord rec;
  std::memcpy(&rec, c->next, sizeof rec);
  const unsigned char* key = c->next + sizeof rec;
  const unsigned char* payload = key + padded(rec.key_bytes);
  entry->key = reinterpret_cast<const char*>(key);
  entry->key_size = rec.key_bytes;
  entry->type = static_cast<f::MetadataType>(rec.type);
  entry->count = rec.count;
  entry->payload = payload;
  entry->payload_size = rec.payload_bytes;
  c->next = payload + rec.payload_bytes;
  --c->left;
  return true;
}

MetadataStringCursor metadata_strings(const MetadataEntry& e) noexcept {
  MetadataStringCursor c;
  c.next = e.payload;
  if (e.type == f::MetadataType::string) {
    c.single = true;
    c.single_size = e.count;
    c.left = 1;
  } else if (e.type == f::MetadataType::string_list) {
    c.left = e.count;
  }
  return c;
}

bool metadata_next_string(MetadataStringCursor* c, const char** text, std::uint32_t* size) noexcept {
  if (c->left == 0) return false;
  --c->left;
  if (c->single) {
    *text = reinterpret_cast<const char*>(c->next);
    *size = c->single_size;
    return true;
  }
  *size = read_u32(c->next);
  *text = reinterpret_cast<const char*>(c->next + 4);
  c->next += 4 + padded(*size);
  return true;
}

Status metadata_floats(const MetadataEntry& e, const float** values) noexcept {
  if (e.type != f::MetadataType::f32_list) return Status::invalid_argument;
  *values = reinterpret_cast<const float*>(e.payload);
  return Status::ok;
}

}  // namespace ember
