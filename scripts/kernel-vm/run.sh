#!/usr/bin/env bash
# Runs one command as root inside an emulated Debian 6.1 kernel that has IPVS, with the host's /
# as its root (read-only, under a tmpfs overlay) and the same working directory.
#
#     scripts/kernel-vm/run.sh [--timeout S] [--cpus N] [--mem MB] [--env NAME=VALUE]...
#                              [--share DIR] -- COMMAND...
#
# The command's stdout and stderr (merged) stream to stdout; run.sh exits with its exit status.
# Boot and run times go to stderr. 124: the hard timeout (default 300 s) ended qemu; 125: the guest
# stopped before reporting a status. $VIGIL_VM_SHARE inside the guest is a folder the host sees
# (--share DIR, kept afterwards; else a temporary one): write result files there. The guest starts
# with lo up and the IPVS, conntrack, veth, bridge, dummy and ipip modules loaded. prepare.sh runs
# first when nothing is prepared yet.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
timeout_seconds=300
cpus=${VIGIL_VM_CPUS:-2}
mem=${VIGIL_VM_MEM:-2048}
extra_env=()
share=
while [ $# -gt 0 ]; do
    case "$1" in
        --timeout) timeout_seconds=$2; shift 2 ;;
        --cpus) cpus=$2; shift 2 ;;
        --mem) mem=$2; shift 2 ;;
        --env) extra_env+=("$2"); shift 2 ;;
        --share) share=$2; shift 2 ;;
        --) shift; break ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown argument $1 (the command goes after --)" >&2; exit 2 ;;
    esac
done
[ $# -gt 0 ] || { echo "run.sh: no command (usage: run.sh [--timeout S] -- COMMAND...)" >&2; exit 2; }
case "$timeout_seconds" in ''|*[!0-9]*) echo "run.sh: --timeout takes whole seconds" >&2; exit 2 ;; esac

note() { echo "kernel-vm: $*" >&2; }

. "$here/cache-dir.sh"
kernel=$(kernel_vm_cache_dir)/current
if [ ! -f "$kernel/READY" ] || [ "$(cat "$kernel/init.sha256" 2>/dev/null)" != \
        "$(sha256sum "$here/guest-init.sh" | cut -d' ' -f1)" ]; then
    "$here/prepare.sh" --quiet >/dev/null || { note "prepare.sh failed: no guest"; exit 125; }
fi
command -v qemu-system-x86_64 >/dev/null || { note "qemu-system-x86_64 is missing (prepare.sh installs it)"; exit 125; }

keep_share=1
if [ -z "$share" ]; then
    share=$(mktemp -d "${TMPDIR:-/tmp}/vigil-vm.XXXXXX")
    keep_share=${VIGIL_VM_KEEP:-0}
fi
mkdir -p "$share"
share=$(cd "$share" && pwd -P)
case "$share" in *[[:space:],]*) echo "run.sh: the share folder's path may not contain spaces or commas" >&2; exit 2 ;; esac
rm -f "$share/status" "$share/boot-seconds" "$share/command"
qemu_pid=
cleanup() {
    # Only the qemu this script started, by its PID.
    if [ -n "$qemu_pid" ] && kill -0 "$qemu_pid" 2>/dev/null; then
        kill -KILL "$qemu_pid" 2>/dev/null || true
        wait "$qemu_pid" 2>/dev/null || true
    fi
    if [ "$keep_share" = 0 ]; then rm -rf "$share"; else rm -f "$share/command" "$share/status.tmp"; fi
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

# The command script, run by bash in the guest's chroot. System folders come first in PATH so
# python3 is /usr/bin/python3 (a pyenv shim costs seconds under emulation).
guest_path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
IFS=: read -r -a host_path <<<"${PATH:-}"
for dir in "${host_path[@]}"; do
    case ":$guest_path:" in *":$dir:"*) continue ;; esac
    case "$dir" in *pyenv*|"") continue ;; esac
    guest_path="$guest_path:$dir"
done
{
    echo "cd $(printf '%q' "$PWD") || exit 125"
    echo "export PATH=$(printf '%q' "$guest_path") HOME=/root TERM=dumb VIGIL_VM_SHARE=$(printf '%q' "$share")"
    while IFS= read -r name; do
        echo "export $name=$(printf '%q' "${!name}")"
    done < <(compgen -e | grep -E '^(LANG|LC_[A-Z_]+|VIGIL_[A-Z0-9_]+)$' | grep -v '^VIGIL_VM_SHARE$')
    for pair in "${extra_env[@]+"${extra_env[@]}"}"; do
        echo "export $(printf '%q' "${pair%%=*}")=$(printf '%q' "${pair#*=}")"
    done
    printf 'exec'
    printf ' %q' "$@"
    printf '\n'
} >"$share/command"

append="console=ttyS0 quiet loglevel=3 panic=-1 8250.nr_uarts=1 tsc=reliable no_timer_check"
append="$append mitigations=off random.trust_cpu=on rcupdate.rcu_expedited=1 vigil.share=$share"
qemu=(
    qemu-system-x86_64 -machine pc,accel=tcg -cpu max -smp "$cpus" -m "$mem"
    -nodefaults -no-user-config -display none -no-reboot
    -device isa-debug-exit,iobase=0xf4,iosize=0x04
    -kernel "$kernel/vmlinux" -initrd "$kernel/initramfs.cpio" -append "$append"
    -chardev stdio,id=console,signal=off -serial chardev:console
    -fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap
    -device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot
    -fsdev local,id=share,path="$share",security_model=none
    -device virtio-9p-pci,fsdev=share,mount_tag=share
)

now_us() { echo "${EPOCHREALTIME/./}"; }
started=$(now_us)
# --pdeathsig: should this script die (even by SIGKILL), the kernel ends its qemu too.
setpriv --pdeathsig KILL -- "${qemu[@]}" </dev/null &
qemu_pid=$!

elapsed_us() { echo $(( $(now_us) - started )); }
booted=
timed_out=0
deadline=$(( started + timeout_seconds * 1000000 ))
while kill -0 "$qemu_pid" 2>/dev/null; do
    if [ -z "$booted" ] && [ -f "$share/boot-seconds" ]; then
        booted=$(elapsed_us)
    fi
    if [ "$(now_us)" -ge "$deadline" ]; then
        timed_out=1
        kill -KILL "$qemu_pid" 2>/dev/null || true
        break
    fi
    sleep 0.05
done
qemu_status=0
wait "$qemu_pid" 2>/dev/null || qemu_status=$?
qemu_pid_was=$qemu_pid
qemu_pid=
total=$(elapsed_us)

fmt() { printf '%d.%d' $(( $1 / 1000000 )) $(( $1 % 1000000 / 100000 )); }
boot_note="the command never started"
[ -z "$booted" ] || boot_note="the command started $(fmt "$booted") s after qemu"
if [ "$timed_out" = 1 ]; then
    note "TIMEOUT: killed qemu (pid $qemu_pid_was) after ${timeout_seconds} s; $boot_note"
    exit 124
fi
if [ ! -f "$share/status" ]; then
    note "the guest stopped without a command status (qemu exit $qemu_status); $boot_note"
    exit 125
fi
status=$(cat "$share/status")
guest_uptime=$(cat "$share/boot-seconds" 2>/dev/null || echo "?")
note "boot $(fmt "${booted:-0}") s to the first command (guest uptime ${guest_uptime} s), total $(fmt "$total") s, exit $status"
exit "$status"
