// The small host utilities: JSON output, name suggestions, the heap upstream.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>

#include "ember/base/arena.h"
#include "host/heap_upstream.h"
#include "host/json_writer.h"
#include "host/suggest.h"

using ember::host::JsonWriter;

TEST_CASE("JsonWriter places commas and escapes strings") {
  JsonWriter j;
  j.begin_object().key("a").value(1).key("s").value("x\"y\\z\n\t\x01");
  j.key("list").begin_array().value(true).value(false).null().begin_object().end_object().end_array();
  j.key("empty").begin_array().end_array().end_object();
  CHECK(j.str() == R"({"a":1,"s":"x\"y\\z\n\t\u0001","list":[true,false,null,{}],"empty":[]})");
}

TEST_CASE("JsonWriter writes shortest round-trip numbers and null for non-finite") {
  JsonWriter j;
  j.begin_array().value(0.1).value(1e300).value(-2.5).value(std::numeric_limits<double>::quiet_NaN());
  j.value(std::numeric_limits<double>::infinity()).value(static_cast<std::uint64_t>(18446744073709551615ull));
  j.value(static_cast<std::int64_t>(-7)).end_array();
  CHECK(j.str() == "[0.1,1e+300,-2.5,null,null,18446744073709551615,-7]");
}

TEST_CASE("edit distance and close matches") {
  using ember::host::close_matches;
  using ember::host::edit_distance;
  CHECK(edit_distance("kitten", "sitting") == 3);  // the textbook example
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("Species", "species") == 0);  // case is ignored
  const std::vector<std::string> names = {"sepal_length", "sepal_width", "petal_length", "species"};
  CHECK(close_matches("specis", names) == std::vector<std::string>{"species"});
  CHECK(close_matches("sepal_lenght", names) == std::vector<std::string>{"sepal_length", "petal_length"});
  CHECK(close_matches("width", names) == std::vector<std::string>{"sepal_width"});  // contained
  CHECK(close_matches("zzzzzz", names).empty());
  CHECK(ember::host::quoted_list({"a", "b", "c"}) == "'a', 'b' or 'c'");
  CHECK(ember::host::quoted_list({}).empty());
}

TEST_CASE("an arena on the heap upstream grows without bound and frees on rewind") {
  ember::Arena arena(nullptr, 0, ember::host::heap_upstream());
  ember::Span<double> big;
  REQUIRE(arena.allocate_array(1u << 20, &big) == ember::Status::ok);
  big[(1u << 20) - 1] = 1.0;
  CHECK(arena.used() >= (1u << 20) * sizeof(double));
  arena.reset();
  CHECK(arena.used() == 0);
}
