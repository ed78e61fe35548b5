// A library that breaks the core's rules on purpose: the symbol check must
// reject it (test core_symbols_detects_heap).
#include <cstdlib>
#include <string>

void* ember_test_uses_malloc(std::size_t n) { return std::malloc(n); }
std::string* ember_test_uses_new() { return new std::string("heap"); }
