/* The list of every Status: the single source of the C++ enum (status.h),
 * the C enum (ember.h) and their names, so that none can drift apart.
 * Plain C preprocessor, included from C and C++.
 *
 * X(name, description). Values are part of the C ABI: append new codes at
 * the end, never reorder or reuse one. */
#ifndef EMBER_STATUS_LIST_H
#define EMBER_STATUS_LIST_H

#define EMBER_STATUS_LIST(X)                                                        \
  X(ok, "success")                                                                  \
  X(invalid_argument, "an argument is out of its documented range")                 \
  X(out_of_memory, "the arena has no room for the request")                         \
  X(size_overflow, "a size computation overflowed")                                 \
  X(truncated, "the input ends before the data it declares")                        \
  X(bad_magic, "the input does not start with the expected magic bytes")            \
  X(unsupported_version, "the format version is newer than this runtime")           \
  X(checksum_mismatch, "the stored checksum does not match the content")            \
  X(bad_section, "a section table entry is malformed or misaligned")                \
  X(unknown_required_section, "a required section is of a kind this runtime lacks") \
  X(out_of_bounds, "an offset or length points outside its container")              \
  X(bad_index, "an index (feature, node, class, category) is out of range")         \
  X(bad_tree, "a tree is malformed (cycle, orphan or depth beyond the limit)")      \
  X(bad_value, "a parameter is not finite or not in its allowed range")             \
  X(shape_mismatch, "array dimensions do not agree")                                \
  X(not_converged, "the solver stopped at its iteration limit before converging")   \
  X(empty_input, "there are no rows or no features to work on")                     \
  X(misaligned, "a buffer is not aligned as the format requires (8 bytes)")         \
  X(unsupported_feature, "the input uses a format feature this runtime lacks")      \
  X(unknown_category, "a categorical input is outside the categories seen in training") \
  X(self_test_mismatch, "a prediction differs from the golden output stored in the model") \
  X(section_not_found, "the model has no section of the requested kind (e.g. golden vectors)")

#endif /* EMBER_STATUS_LIST_H */
