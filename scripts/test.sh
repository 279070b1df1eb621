#!/usr/bin/env bash
# The whole test suite: dependencies, a warning-free build, then every test under a time limit.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

echo "== build (debug, with tests)"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! timeout 1800 swift build --build-tests 2>&1 | tee "$log" | grep -E "error:|Compiling|Build complete" | grep -v "^\[" ; then :; fi
if grep -q "error:" "$log"; then
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
timeout 1800 swift test --skip-build 2>&1 | tee "$log" | grep -vE "^(◇|↳)|Test .* started\.$|passed after [0-9.]+ seconds\.$|^Test Case .* (started|passed)" || true
status=${PIPESTATUS[0]}
grep -E "Test run with|Executed [0-9]+ test" "$log" | tail -3
exit "$status"
