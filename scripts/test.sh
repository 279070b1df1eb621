#!/usr/bin/env bash
# The whole test suite: dependencies, a warning-free build, then every test under a time limit.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
# The kernel with IPVS that the IPVS tests boot under emulation (cached; quick when current).
timeout 600 scripts/kernel-vm/prepare.sh

echo "== build (debug, with tests)"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
timeout 1800 swift build --build-tests >"$log" 2>&1
build_status=$?
set -e
grep -E "Build complete" "$log" || true
if [ "$build_status" -ne 0 ] || grep -q "error:" "$log"; then
    tail -20 "$log"
    grep -E "error:" "$log" | sort -u | head -40
    echo "build failed" >&2
    exit 1
fi
# Our own code must build without warnings (dependencies are not ours to fix).
if grep -E "^/.*/(Sources|Tests|Benchmarks)/.*warning:" "$log" | grep -v "/.build" | sort -u | grep .; then
    echo "build has warnings in Vigil's own code" >&2
    exit 1
fi

echo "== swift test"
# Swift Testing only: the package has no XCTest cases, and XCTest's "Executed 0 tests" would mislead.
# Serial: several suites time behaviour (timeouts, shutdown), and sync tests that run processes would
# otherwise hold the cooperative threads those timers need; the whole run costs ~8 s more.
set +e
timeout 1800 swift test --skip-build --disable-xctest --no-parallel 2>&1 | tee "$log" \
    | grep -vE "^(◇|↳)|started\.$|passed after [0-9.]+ seconds\.$"
status=${PIPESTATUS[0]}
set -e
summary=$(grep -E "Test run with [0-9]+ tests?" "$log" | tail -1)
if [ -z "$summary" ]; then
    echo "swift test printed no summary (exit $status): the test process may have crashed" >&2
    exit 1
fi
echo "$summary"

# Process-level tests: the built vigild and vigilctl against real Prometheus, promtool and clients.
echo "== integration (Tests/Integration)"
bin_dir=$(swift build --show-bin-path)
integration_log=$(mktemp)
trap 'rm -f "$log" "$integration_log"' EXIT
set +e
timeout 1500 python3 Tests/Integration/run.py --bin-dir "$bin_dir" 2>&1 | tee "$integration_log"
integration_status=${PIPESTATUS[0]}
set -e

echo "== summary"
echo "swift test: $summary"
echo "integration: $(grep -E "^[0-9]+ passed, [0-9]+ failed" "$integration_log" | tail -1)"
if [ "$status" -ne 0 ] || [ "$integration_status" -ne 0 ]; then
    echo "FAILED: swift test exit $status, integration exit $integration_status" >&2
    exit 1
fi
# The last line is the integration runner's own count: N passed, N failed, N skipped.
grep -E "^[0-9]+ passed, [0-9]+ failed" "$integration_log" | tail -1
