// Runs the built sagactl binary: exit codes (0 valid, 1 invalid, 2 usage or
// I/O), help, version, and the output of each offline command.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "tests/dsl/test_files.h"

namespace sagad::dsl {
namespace {

struct CommandRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

CommandRun Sagactl(const std::string& arguments) {
  std::string command = std::string(SAGACTL_PATH) + " " + arguments + " 2>&1";
  CommandRun run;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return run;
  char buffer[4096];
  std::size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) run.output.append(buffer, n);
  int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

std::string Samples() { return testing::SampleSagasDir().string(); }
std::string Invalid(const std::string& name) { return (testing::TestDir() / "invalid" / name).string(); }

TEST(DslSagactl, ValidateSampleDirectoryExitsZero) {
  CommandRun run = Sagactl("validate " + Samples());
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("2 file(s), 2 definition(s): 0 error(s), 0 warning(s)"), std::string::npos);
}

TEST(DslSagactl, ValidateWarningsStillExitZero) {
  CommandRun run = Sagactl("validate " + (testing::TestDir() / "valid" / "uncompensated_step_warning.saga").string());
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find(": warning: step 'send_welcome' has no 'compensate' clause"), std::string::npos);
}

TEST(DslSagactl, ValidateInvalidFileExitsOneWithGccStyleDiagnostics) {
  CommandRun run = Sagactl("validate " + Samples() + " " + Invalid("cycle.saga"));
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.output.find("cycle.saga:6:16: error: dependency cycle"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("  step b after a {\n               ^\n"), std::string::npos) << run.output;
}

TEST(DslSagactl, ValidateReportsNamesDefinedInTwoFiles) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("sagactl_test_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir / "nested");
  std::filesystem::copy_file(testing::SampleSagasDir() / "transfer.saga", dir / "a.saga");
  std::filesystem::copy_file(testing::SampleSagasDir() / "transfer.saga", dir / "nested" / "b.saga");
  CommandRun run = Sagactl("validate " + dir.string());
  std::filesystem::remove_all(dir);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.output.find("b.saga:2:1: error: definition 'TransferMoney' is also defined at"), std::string::npos)
      << run.output;
}

TEST(DslSagactl, UsageAndIoErrorsExitTwo) {
  EXPECT_EQ(Sagactl("validate /no/such/file.saga").exit_code, 2);
  EXPECT_EQ(Sagactl("validate").exit_code, 2);
  EXPECT_EQ(Sagactl("").exit_code, 2);
  EXPECT_EQ(Sagactl("frobnicate").exit_code, 2);
  EXPECT_EQ(Sagactl("graph " + Samples() + "/transfer.saga --format png").exit_code, 2);
  EXPECT_EQ(Sagactl("graph " + Samples() + "/transfer.saga --saga Nope").exit_code, 2);
  EXPECT_EQ(Sagactl("fmt --check --write " + Samples()).exit_code, 2);
}

TEST(DslSagactl, HelpOnEveryCommandAndVersion) {
  for (const char* command : {"", "validate ", "graph ", "fmt "}) {
    CommandRun run = Sagactl(std::string(command) + "--help");
    EXPECT_EQ(run.exit_code, 0) << command;
    EXPECT_NE(run.output.find("Usage"), std::string::npos) << command << run.output;
  }
  CommandRun version = Sagactl("--version");
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.output, std::string("sagactl ") + SAGAD_VERSION + "\n");
}

TEST(DslSagactl, GraphPrintsTheChosenFormat) {
  CommandRun dot = Sagactl("graph " + Samples() + "/place_order.saga");
  EXPECT_EQ(dot.exit_code, 0);
  EXPECT_EQ(dot.output, testing::ReadFile(testing::TestDir() / "graphs" / "place_order.dot"));
  CommandRun mermaid = Sagactl("graph " + Samples() + "/transfer.saga --format mermaid --saga TransferMoney");
  EXPECT_EQ(mermaid.exit_code, 0);
  EXPECT_EQ(mermaid.output, testing::ReadFile(testing::TestDir() / "graphs" / "transfer.mmd"));
  EXPECT_EQ(Sagactl("graph " + Invalid("cycle.saga")).exit_code, 1);
}

TEST(DslSagactl, FmtChecksAndWrites) {
  std::filesystem::path file =
      std::filesystem::temp_directory_path() / ("sagactl_fmt_" + std::to_string(getpid()) + ".saga");
  std::ofstream(file) << "saga S { step a { send p.A to $.x success p.B } }\n";
  EXPECT_EQ(Sagactl("fmt --check " + file.string()).exit_code, 1);
  CommandRun printed = Sagactl("fmt " + file.string());
  EXPECT_EQ(printed.exit_code, 0);
  EXPECT_EQ(Sagactl("fmt --write " + file.string()).exit_code, 0);
  EXPECT_EQ(testing::ReadFile(file), printed.output);
  EXPECT_EQ(Sagactl("fmt --check " + file.string()).exit_code, 0);
  std::filesystem::remove(file);
  EXPECT_EQ(Sagactl("fmt " + Invalid("syntax_errors.saga")).exit_code, 1);
}

}  // namespace
}  // namespace sagad::dsl
