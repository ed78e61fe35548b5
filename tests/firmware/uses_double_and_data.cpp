// Only for the check's own test (runtime_symbols_detects): a library with
// a .bss counter and a double operation, which check_runtime_symbols.cmake
// must refuse.
namespace {
unsigned calls;
}
double ember_test_scaled(double x, double y) {
  ++calls;
  return x * y + static_cast<double>(calls);
}
