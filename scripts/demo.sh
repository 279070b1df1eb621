#!/usr/bin/env bash
# Vigil's main job, as far as it goes today: read the tutorial's director pair configuration,
# check it the way `keepalived -t` would, and show the normalized configuration Vigil runs from.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
echo "== building vigild"
swift build --product vigild 2>&1 | grep -E "error|Build complete" || true
vigild=$(swift build --show-bin-path)/vigild

for conf in contrib/examples/lvs-dr-tutorial.conf contrib/examples/lvs-dr-tutorial-backup.conf; do
    echo
    echo "== vigild --config-test -f $conf"
    "$vigild" --config-test -f "$conf"
done

echo
echo "== vigild --dump-config -f contrib/examples/lvs-dr-tutorial.conf"
"$vigild" --dump-config -f contrib/examples/lvs-dr-tutorial.conf
