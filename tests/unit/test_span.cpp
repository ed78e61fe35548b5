#include <doctest/doctest.h>

#include "ember/base/span.h"

TEST_CASE("a span views an array without owning it") {
  int values[] = {1, 2, 3, 4};
  ember::Span<int> s(values);
  CHECK(s.size() == 4);
  CHECK(s.size_bytes() == 4 * sizeof(int));
  s[1] = 20;
  CHECK(values[1] == 20);
  int sum = 0;
  for (int v : s) sum += v;
  CHECK(sum == 1 + 20 + 3 + 4);

  SUBCASE("subspan and first") {
    CHECK(s.subspan(1, 2).size() == 2);
    CHECK(s.subspan(1, 2)[0] == 20);
    CHECK(s.first(3)[2] == 3);
  }
  SUBCASE("converts to a read-only span") {
    ember::Span<const int> c = s;
    CHECK(c.data() == values);
    CHECK(ember::as_bytes(c).size() == sizeof(values));
  }
  SUBCASE("an empty span") {
    ember::Span<int> e;
    CHECK(e.empty());
    CHECK(e.begin() == e.end());
  }
}
