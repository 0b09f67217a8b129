#!/usr/bin/env bash
# Setup + build + every test. This is the README's test command and what CI runs.
#
#   scripts/test.sh [ctest args...]     e.g. scripts/test.sh -R Sqlite
#   scripts/test.sh --sanitize          the sanitizer suite (tests/README.md, "Sanitizers"):
#                                       after the same setup, clang builds in build-sanitize
#                                       (ASan + UBSan: the unit and integration tests and the
#                                       fuzzers' bounded runs) and build-tsan (TSan: the runtime,
#                                       engine and simulation tests). Not yet in CI: its clang build
#                                       of the whole tree takes longer than CI's budget on 2 cores.
#   SAGAD_SANITIZE_DIR=dir              prefix of the two sanitizer build directories
#                                       (default: build, giving build-sanitize and build-tsan)
set -euo pipefail
cd "$(dirname "$0")/.."
# ccache hashes paths below the checkout relative to it (and not the build
# directory's path), so another clone of the tree, CI's or a second work
# tree, reuses the objects this one compiled.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
if [[ "${1:-}" != --sanitize ]]; then
  ./scripts/setup.sh
  BUILD_DIR=${SAGAD_BUILD_DIR:-build}
  cd "$BUILD_DIR"
  ctest --output-on-failure -j "$(nproc)" --timeout 900 "$@"
  exit 0
fi
shift
if (($#)); then
  echo "test.sh: --sanitize takes no ctest arguments" >&2
  exit 2
fi

# The packages (clang and its sanitizer runtimes among them) and the
# default build, as for the default suite: a no-op after it.
./scripts/setup.sh
prefix=${SAGAD_SANITIZE_DIR:-build}
asan_dir=$prefix-sanitize
tsan_dir=$prefix-tsan
jobs=$(nproc)

# -O1: what the sanitizers' authors recommend (fast enough, exact reports);
# line tables name file and line in every report. No benchmarks: they
# measure speed, which sanitizers change.
configure() {
  local dir=$1 sanitizers=$2 fuzzers=$3
  if [[ ! -f "$dir/build.ninja" ]]; then
    cmake -S . -B "$dir" -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" -DSAGAD_SANITIZERS="$sanitizers" \
      -DSAGAD_BUILD_TESTS=ON -DSAGAD_BUILD_BENCH=OFF -DSAGAD_BUILD_FUZZERS="$fuzzers"
  fi
}

# Any report fails the test that made it. Suppressions are for third-party
# false positives only, each with its reason (scripts/sanitizer/*.supp).
supp=$PWD/scripts/sanitizer
export ASAN_OPTIONS=detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$supp/lsan.supp
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:suppressions=$supp/tsan.supp

# ASan + UBSan: every unit and integration test, and the fuzzers (built
# against the sanitized libraries) for their bounded runs. Not run here:
#   browser  the dashboard's page in headless Chromium: it tests the page's
#            JavaScript, and the server it talks to is the same one the
#            http and sagad tests run under the sanitizers already;
#   soak     minutes of load: sanitizers slow it several times over and
#            change the memory and latency it measures.
configure "$asan_dir" address,undefined ON
cmake --build "$asan_dir" -j "$jobs"
(cd "$asan_dir" && ctest --output-on-failure -j "$jobs" --timeout 900 -LE '^(browser|soak)$')

# TSan: the tests whose code runs on several threads by design: the core
# runtime (shards, group commit, publisher), the coordinator's engine
# (dispatch, timers, recovery), and the simulation's tests. Each binary
# runs whole, under a timeout.
configure "$tsan_dir" thread OFF
tsan_tests=(core/runtime/runtime_test coordinator/engine_test tests/simulation/simulation_test)
cmake --build "$tsan_dir" -j "$jobs" --target "${tsan_tests[@]##*/}"
failed=()
for t in "${tsan_tests[@]}"; do
  echo "test.sh: $t under TSan"
  timeout 1800 "$tsan_dir/$t" --gtest_brief=1 || failed+=("$t")
done
if ((${#failed[@]})); then
  echo "test.sh: failed under TSan: ${failed[*]}" >&2
  exit 1
fi
echo "test.sh: the sanitizer suite passed"
