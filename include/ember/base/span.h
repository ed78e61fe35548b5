// Span<T>: a non-owning view of `size` contiguous objects (C++17 has no std::span).
//
// A Span never owns memory; whoever created the storage keeps it alive for
// as long as the span is used. Indexing is unchecked: check sizes once, at
// the boundary (see DESIGN: "verify once, then trust").
#ifndef EMBER_SPAN_H
#define EMBER_SPAN_H

#include <cstddef>
#include <type_traits>

namespace ember {

template <class T>
class Span {
 public:
  using element_type = T;
  using value_type = std::remove_cv_t<T>;

  constexpr Span() noexcept = default;
  constexpr Span(T* data, std::size_t size) noexcept : data_(data), size_(size) {}
  template <std::size_t N>
  constexpr Span(T (&array)[N]) noexcept : data_(array), size_(N) {}
  // A Span<T> converts to a Span<const T>.
  template <class U, class = std::enable_if_t<std::is_convertible<U (*)[], T (*)[]>::value>>
  constexpr Span(Span<U> other) noexcept : data_(other.data()), size_(other.size()) {}

  constexpr T* data() const noexcept { return data_; }
  constexpr std::size_t size() const noexcept { return size_; }
  constexpr std::size_t size_bytes() const noexcept { return size_ * sizeof(T); }
  constexpr bool empty() const noexcept { return size_ == 0; }
  constexpr T& operator[](std::size_t i) const noexcept { return data_[i]; }
  constexpr T* begin() const noexcept { return data_; }
  constexpr T* end() const noexcept { return data_ + size_; }

  // The `count` elements starting at `offset`; the caller guarantees
  // offset + count <= size().
  constexpr Span subspan(std::size_t offset, std::size_t count) const noexcept {
    return Span(data_ + offset, count);
  }
  constexpr Span first(std::size_t count) const noexcept { return Span(data_, count); }

 private:
  T* data_ = nullptr;
  std::size_t size_ = 0;
};

// The bytes of a span of trivially copyable objects.
template <class T>
Span<const unsigned char> as_bytes(Span<T> s) noexcept {
  return Span<const unsigned char>(reinterpret_cast<const unsigned char*>(s.data()), s.size_bytes());
}

}  // namespace ember

#endif  // EMBER_SPAN_H
