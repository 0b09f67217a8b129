// What the decoder fuzzers assert beyond the sanitizers' own findings: a
// property that does not hold is reported like a crash, with what failed
// and the input, so libFuzzer keeps the input as a reproducer. Exceptions
// are not caught anywhere in the fuzzers: one that escapes a decoder ends
// the run (std::terminate) and is reported the same way, which is how
// "a refusal is a Status, never an exception" is checked.
#pragma once

#include <cstdio>
#include <string_view>

namespace sagad::fuzz {

inline void Check(bool holds, std::string_view what) {
  if (holds) return;
  std::fprintf(stderr, "fuzz property violated: %.*s\n", static_cast<int>(what.size()), what.data());
  __builtin_trap();
}

}  // namespace sagad::fuzz
