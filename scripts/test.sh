#!/usr/bin/env bash
# The whole test suite: dependencies, a warning-free build, then every test under a time limit.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

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
set +e
timeout 1800 swift test --skip-build --disable-xctest 2>&1 | tee "$log" \
    | grep -vE "^(◇|↳)|started\.$|passed after [0-9.]+ seconds\.$"
status=${PIPESTATUS[0]}
set -e
summary=$(grep -E "Test run with [0-9]+ tests?" "$log" | tail -1)
if [ -z "$summary" ]; then
    echo "swift test printed no summary (exit $status): the test process may have crashed" >&2
    exit 1
fi
echo "$summary"
exit "$status"
