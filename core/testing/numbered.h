#pragma once

#include <cstdint>
#include <string>

namespace sagad::testing {

// "c" and 7 -> "c7", for generated ids. (Not `"c" + std::to_string(7)`:
// GCC 12 warns falsely on that form in Release builds.)
inline std::string Numbered(std::string prefix, std::int64_t n) {
  prefix += std::to_string(n);
  return prefix;
}

}  // namespace sagad::testing
