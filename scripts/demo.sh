#!/usr/bin/env bash
# Vigil's main job: read the tutorial's director pair configuration, check it the way
# `keepalived -t` would, run vigild on it (loopback only) and look at it the way an operator and
# Prometheus would; then play the tutorial's experiment in a namespace lab (two directors, two
# real servers, a client) with kernel IPVS: in this machine's kernel when it has IPVS, otherwise
# in an emulated Debian kernel (scripts/kernel-vm). The lab part needs root; it is skipped, with a
# message, without it. VIGIL_DEMO_HOLD=SECONDS keeps the lab up at the end to look around.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
echo "== building vigild"
swift build --product vigild
swift build --product vigilctl
vigild=$(swift build --show-bin-path)/vigild
vigilctl=$(swift build --show-bin-path)/vigilctl

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

echo
echo "== running vigild on the tutorial configuration (in a network namespace of its own; vigilctl over the control socket)"
work=$(mktemp -d)
port=${VIGIL_DEMO_PORT:-17390}
cp contrib/examples/lvs-dr-tutorial.conf "$work/vigil.conf"
# The tutorial's addresses are not ours to probe: vigild runs in an empty network namespace (only
# loopback), so its health checks find the real servers unreachable and no packet leaves. --check:
# no VRRP either. Without root, a user namespace provides the network namespace.
if [ "$(id -u)" -eq 0 ]; then isolate=(unshare --net); else isolate=(unshare --user --map-root-user --net); fi
if ! "${isolate[@]}" true 2>/dev/null; then
    echo "cannot create a network namespace here (${isolate[*]}); skipping the run of vigild"
    exit 0
fi
"${isolate[@]}" sh -c 'ip link set lo up 2>/dev/null; exec "$@"' sh \
    "$vigild" --check -f "$work/vigil.conf" --listen "127.0.0.1:$port" --control-socket "$work/vigild.sock" 2>"$work/vigild.log" &
pid=$!
cleanup() {
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
for _ in $(seq 1 100); do
    [ -S "$work/vigild.sock" ] && "$vigilctl" --socket "$work/vigild.sock" status >/dev/null 2>&1 && break
    kill -0 "$pid" 2>/dev/null || { cat "$work/vigild.log"; exit 1; }
    sleep 0.1
done
cat "$work/vigild.log"
echo
echo "== vigilctl status"
"$vigilctl" --socket "$work/vigild.sock" status
echo
echo "== a scrape, as Prometheus sees it (vigil_* families; vigilctl --socket $work/vigild.sock metrics for all)"
"$vigilctl" --socket "$work/vigild.sock" metrics | grep -E "^vigil_(build_info|config_|engine_healthy)" || true
echo
echo "== an edit with a typo, then vigilctl reload: rejected, the running configuration stays"
sed -i 's/priority 100/priority 1000/' "$work/vigil.conf"
"$vigilctl" --socket "$work/vigild.sock" reload || true
sed -i 's/priority 1000/priority 101/' "$work/vigil.conf"
echo
echo "== fixed, and reloaded with SIGHUP"
kill -HUP "$pid"
sleep 0.5
"$vigilctl" --socket "$work/vigild.sock" metrics | grep -E "^vigil_config_(reloads_total|reload_failures_total|last_reload_successful)"
echo
echo "== SIGTERM"
kill -TERM "$pid"
wait "$pid" || true
tail -2 "$work/vigild.log"

echo
echo "== the tutorial's experiment: VIP drift and health checking in a namespace lab"
if [ "$(id -u)" -ne 0 ]; then
    echo "the lab needs root (network namespaces, VRRP, IPVS): run 'sudo make demo' to see it"
    exit 0
fi
demo=(python3 scripts/demo/tutorial_demo.py --vigild "$vigild" --hold "${VIGIL_DEMO_HOLD:-0}")
if [ -e /proc/net/ip_vs ] || modprobe ip_vs 2>/dev/null; then
    echo "(this kernel has IPVS: the lab runs here)"
    "${demo[@]}"
else
    echo "(this kernel has no IPVS: booting Debian's kernel under qemu for the lab; about a minute)"
    timeout 900 scripts/kernel-vm/prepare.sh
    scripts/kernel-vm/run.sh --timeout 600 -- "${demo[@]}"
fi
