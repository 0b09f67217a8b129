// Hostile and degenerate input: every case ends with clear diagnostics, a
// bounded number of them, and no crash. Nothing here is timed; the ctest
// timeout catches a hang.
#include <gtest/gtest.h>

#include <random>

#include "saga-dsl/compile.h"
#include "saga-dsl/defaults.h"
#include "saga-dsl/printer.h"

namespace sagad::dsl {
namespace {

constexpr std::size_t kTenMegabytes = 10 * 1024 * 1024;

bool AnyMessageContains(const CompileResult& result, const std::string& text) {
  for (const Diagnostic& d : result.diagnostics) {
    if (d.message.find(text) != std::string::npos) return true;
  }
  return false;
}

void ExpectBoundedErrors(const CompileResult& result) {
  EXPECT_FALSE(result.ok());
  EXPECT_LE(result.diagnostics.size(), static_cast<std::size_t>(kMaxErrorsPerFile) + 1);
}

// Compiles `source`, which must fail with a bounded number of errors, one of
// them containing `message`.
CompileResult ExpectRefused(const std::string& source, const std::string& message) {
  CompileResult result = Compile(source, "bad.saga");
  ExpectBoundedErrors(result);
  EXPECT_TRUE(AnyMessageContains(result, message)) << "no diagnostic contains: " << message;
  return result;
}

TEST(DslBadInput, EmptyFile) {
  CompileResult result = Compile("", "empty.saga");
  ExpectBoundedErrors(result);
  EXPECT_TRUE(AnyMessageContains(result, "no definition in this file"));
  EXPECT_EQ(FormatDiagnostics(result.diagnostics, ""),
            "empty.saga:1:1: error: no definition in this file (expected 'saga NAME { ... }' or 'tcc NAME { ... }')\n"
            "\n^\n");
}

TEST(DslBadInput, RandomBinaryJunk) {
  std::mt19937 random(42);
  for (int round = 0; round < 20; ++round) {
    std::string junk(64 * 1024, '\0');
    for (char& c : junk) c = static_cast<char>(random());
    CompileResult result = Compile(junk, "junk.saga");
    ExpectBoundedErrors(result);
    std::string shown = FormatDiagnostics(result.diagnostics, junk);
    // Control bytes from the file never reach the terminal.
    for (char c : shown) EXPECT_FALSE(static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t');
  }
}

TEST(DslBadInput, TenMegabytesOfValidDefinitions) {
  std::string source;
  for (int i = 0; source.size() < kTenMegabytes; ++i) {
    source += "saga S" + std::to_string(i) +
              " {\n  step a {\n    send p.A to $.x { n: 1 }\n    success p.A1\n  }\n}\n# padding padding padding\n";
  }
  CompileResult result = Compile(source, "big.saga");
  EXPECT_TRUE(result.ok());
  EXPECT_GT(result.definitions.size(), 100'000u);
}

TEST(DslBadInput, TenMegabytesOnOneLine) {
  std::string source = "saga S { step a { send p.A to \"" + std::string(kTenMegabytes, 'x') + " } }";
  CompileResult result = ExpectRefused(source, "unterminated string");
  // The source line is shown as a window, not 10 MB.
  EXPECT_LT(FormatDiagnostics(result.diagnostics, source).size(), 4'096u);
}

TEST(DslBadInput, ThousandsOfErrorsStopAtTheLimit) {
  std::string source = "saga S {\n";
  for (int i = 0; i < 100'000; ++i) source += "  version x\n";
  source += "}\n";
  ExpectRefused(source, "too many errors");
}

TEST(DslBadInput, DeeplyNestedPayloadIsRefusedWithoutRecursing) {
  for (const char* open : {"{ a: ", "["}) {
    std::string source = "saga S { step a { send p.A to $.x { a: ";
    for (int i = 0; i < 200'000; ++i) source += open;
    source += "1 } }";
    ExpectRefused(source, "nested deeper than 64 levels");
  }
}

TEST(DslBadInput, ManyStepsAreRefusedPastTheLimit) {
  std::string source = "saga S {\n";
  for (int i = 0; i <= kMaxStepsPerDefinition; ++i) {
    source += "  step s" + std::to_string(i) + " { send p.A to $.x success p.B compensate p.C to $.x }\n";
  }
  source += "}\n";
  ExpectRefused(source, "more than the limit of 1000");
}

TEST(DslBadInput, UnterminatedStringsOnEveryLine) {
  std::string source = "saga S {\n";
  for (int i = 0; i < 50; ++i) source += "  step s" + std::to_string(i) + " { send p.A to \"open\n";
  ExpectRefused(source, "unterminated string literal");
}

TEST(DslBadInput, ParseErrorsLeaveNothingForThePrinterToLose) {
  ParseResult result = Parse("saga A { step a { send p.A to } }\nsaga B { }", "p.saga");
  EXPECT_FALSE(result.ok());
  ASSERT_EQ(result.definitions.size(), 1u);  // only B: fmt refuses to write when !ok()
  EXPECT_EQ(Print(result.definitions), "saga B {\n  version 1\n  start on api\n}\n");
}

}  // namespace
}  // namespace sagad::dsl
