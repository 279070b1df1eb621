#!/usr/bin/env bash
# Vigil's main job, as far as it goes today: read the tutorial's director pair configuration,
# check it the way `keepalived -t` would, and show the normalized configuration Vigil runs from.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
echo "== building vigild"
swift build --product vigild
vigild=$(swift build --show-bin-path)/vigild

for conf in contrib/examples/lvs-dr-tutorial.conf contrib/examples/lvs-dr-tutorial-backup.conf; do
    echo
    echo "== vigild --config-test -f $conf"
    "$vigild" --config-test -f "$conf"
done

echo
echo "== what Vigil read from contrib/examples/lvs-dr-tutorial.conf (vigild --dump-config, summarized)"
"$vigild" --dump-config -f contrib/examples/lvs-dr-tutorial.conf | python3 scripts/summarize-config.py
echo
echo "The full normalized configuration: $vigild --dump-config -f contrib/examples/lvs-dr-tutorial.conf"
