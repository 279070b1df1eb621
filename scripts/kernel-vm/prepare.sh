#!/usr/bin/env bash
# Prepares a Debian kernel that has IPVS for scripts/kernel-vm/run.sh: installs qemu and the tools,
# downloads the current linux-image-6.1.*-amd64 package, extracts its uncompressed vmlinux (booted
# through PVH) and builds a busybox initramfs holding the modules the tests need.
#
#     scripts/kernel-vm/prepare.sh [--offline] [--quiet]
#
# Idempotent: the result is cached per package version under $VIGIL_KERNEL_VM_CACHE (default
# /var/cache/vigil-kernel-vm as root, else ${XDG_CACHE_HOME:-~/.cache}/vigil-kernel-vm), and
# `current` points at the newest. A second run costs one `apt-cache` query. --offline (or no
# network) reuses whatever is cached. Prints the prepared folder on its last line.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
offline=0
quiet=0
for arg in "$@"; do
    case "$arg" in
        --offline) offline=1 ;;
        --quiet) quiet=1 ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "prepare.sh: unknown argument $arg" >&2; exit 2 ;;
    esac
done

note() { [ "$quiet" = 1 ] || echo "kernel-vm: $*" >&2; }
die() { echo "kernel-vm: $*" >&2; exit 1; }

. "$here/cache-dir.sh"
cache=$(kernel_vm_cache_dir)
mkdir -p "$cache"

# One preparation at a time (CI steps or parallel test runs may race).
exec 9>"$cache/.lock"
flock -w 600 9 || die "another prepare.sh holds $cache/.lock"

# -- host tools ------------------------------------------------------------------------------------
tools=(
    qemu-system-x86   # the emulator (TCG: this machine's /dev/kvm cannot boot a stock kernel)
    busybox-static    # the initramfs userland
    ipvsadm           # the reference view of the kernel's IPVS table, run inside the guest
    curl              # the client inside the guest (busybox-static's wget crashes there)
    xz-utils          # the bzImage's payload is xz
    kmod              # depmod: Debian's package ships no modules.dep
    cpio              # the initramfs archive
    iproute2          # namespaces and veths inside the guest
    python3           # the lab driver inside the guest, and modules-closure.py
    util-linux        # setpriv --pdeathsig, flock
)
missing=()
for p in "${tools[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    [ "$(id -u)" -eq 0 ] || die "needs root to install ${missing[*]} (or install them first)"
    [ "$offline" = 0 ] || die "--offline but ${missing[*]} are not installed"
    note "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq \
        --no-install-recommends "${missing[@]}" >/dev/null
fi

# The guest's /init comes from this checkout: repack the (small) initramfs when it changed.
pack_initramfs() {
    local dir=$1
    cp "$here/guest-init.sh" "$dir/initramfs-root/init"
    chmod 0755 "$dir/initramfs-root/init"
    # Uncompressed: TCG would spend longer inflating it than reading it.
    ( cd "$dir/initramfs-root" && find . -print0 | sort -z | cpio --null -o -H newc --quiet ) \
        >"$dir/initramfs.cpio.new"
    mv "$dir/initramfs.cpio.new" "$dir/initramfs.cpio"
    sha256sum "$here/guest-init.sh" | cut -d' ' -f1 >"$dir/init.sha256"
}
init_hash=$(sha256sum "$here/guest-init.sh" | cut -d' ' -f1)

# -- which kernel ----------------------------------------------------------------------------------
# The ABI number moves with every security update (-56 → -57): ask apt for the current one.
resolve_package() {
    local pkg
    pkg=$(apt-cache depends linux-image-amd64 2>/dev/null \
          | sed -n 's/^ *Depends: \(linux-image-6\.1\.[0-9]*-[0-9]*-amd64\)$/\1/p' | head -1)
    if [ -z "$pkg" ]; then
        pkg=$(apt-cache search --names-only '^linux-image-6\.1\.[0-9]+-[0-9]+-amd64$' 2>/dev/null \
              | cut -d' ' -f1 | sort -V | tail -1)
    fi
    echo "$pkg"
}

use_cached() {
    if [ -f "$cache/current/READY" ]; then
        if [ "$(cat "$cache/current/init.sha256" 2>/dev/null)" != "$init_hash" ]; then
            pack_initramfs "$(readlink -f "$cache/current")"
        fi
        note "$1; using the cached $(cat "$cache/current/package")"
        readlink -f "$cache/current"
        exit 0
    fi
    die "$1, and nothing is cached in $cache"
}

# Sets package, version, key and target from apt's current view.
resolve() {
    package=$(resolve_package)
    [ -n "$package" ] || return 1
    version=$(apt-cache policy "$package" | sed -n 's/^ *Candidate: //p')
    [ -n "$version" ] && [ "$version" != "(none)" ] || return 1
    key="${package}_${version}"
    target="$cache/$key"
}

refresh_package_lists() {
    if [ "$(id -u)" -eq 0 ]; then apt-get update -qq || true; fi
}

[ "$offline" = 0 ] || use_cached "--offline"
resolve || { refresh_package_lists; resolve; } || use_cached "apt knows no linux-image-6.1.*-amd64"

if [ -f "$target/READY" ]; then
    if [ "$(cat "$target/init.sha256" 2>/dev/null)" != "$init_hash" ]; then
        note "guest-init.sh changed: repacking the initramfs"
        pack_initramfs "$target"
    fi
    ln -sfn "$key" "$cache/current"
    note "cached: $key"
    echo "$target"
    exit 0
fi

# -- build it --------------------------------------------------------------------------------------
note "preparing $key in $target"
work=$(mktemp -d "$cache/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT
started=$(date +%s)

download() { ( cd "$work" && apt-get download "$package=$version" >/dev/null 2>"$work/download.log" ); }
if ! download; then
    # Stale package lists name a file the mirror no longer has: refresh, resolve again, retry once.
    refresh_package_lists
    resolve || use_cached "apt knows no linux-image-6.1.*-amd64 after apt-get update"
    if [ -f "$target/READY" ]; then
        ln -sfn "$key" "$cache/current"
        echo "$target"
        exit 0
    fi
    download || { cat "$work/download.log" >&2; use_cached "cannot download $package $version"; }
fi
dpkg -x "$work"/"$package"_*.deb "$work/pkg"
[ -d "$work/pkg/lib/modules" ] || die "$package has no lib/modules (a newer layout than bookworm's?)"
release=$(ls "$work/pkg/lib/modules")
[ -n "$release" ] || die "no kernel release under lib/modules in $package"
depmod -b "$work/pkg" "$release"

# PVH boots the uncompressed ELF vmlinux directly: 2.9 s to the first command instead of 6.1 s
# through the BIOS and the bzImage's own decompressor.
bzimage="$work/pkg/boot/vmlinuz-$release"
offset=$(python3 -c 'import sys; print(open(sys.argv[1], "rb").read().find(b"\xfd7zXZ\x00"))' "$bzimage")
[ "$offset" -ge 0 ] || die "no xz payload in $bzimage"
tail -c +$((offset + 1)) "$bzimage" | xz -dc --single-stream >"$work/vmlinux" 2>/dev/null || true
file_magic=$(head -c 4 "$work/vmlinux" | od -An -c | tr -d ' ')
[ "$file_magic" = '177ELF' ] || die "the xz payload of $bzimage is not an ELF vmlinux"

# crc32c_generic first: libcrc32c soft-depends on it and busybox insmod ignores soft deps, so
# ip_vs would fail with "unknown symbol".
modules=(
    crc32c_generic
    virtio_pci 9pnet_virtio 9p overlay
    nf_conntrack ip_vs
    ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_sh ip_vs_mh ip_vs_dh ip_vs_sed ip_vs_nq ip_vs_fo
    ip_vs_ovf ip_vs_twos ip_vs_lblc ip_vs_lblcr
    veth bridge dummy ipip
)
moddir="$work/pkg/lib/modules/$release"
python3 "$here/modules-closure.py" "$moddir" "${modules[@]}" >"$work/modules.load" 2>"$work/missing"
if [ -s "$work/missing" ]; then
    note "not in $release (skipped): $(sed 's/^missing: //' "$work/missing" | tr '\n' ' ')"
fi

# The initramfs has no C library: busybox must be the static build.
if ldd /bin/busybox >/dev/null 2>&1; then
    die "/bin/busybox is dynamically linked: install busybox-static instead of busybox"
fi
out="$work/out"
rootfs="$out/initramfs-root"
mkdir -p "$rootfs"/{bin,sbin,etc,proc,sys,dev,mnt,lib/modules}
cp /bin/busybox "$rootfs/bin/busybox"
for applet in $("$rootfs/bin/busybox" --list); do
    [ "$applet" = busybox ] || ln -s busybox "$rootfs/bin/$applet"
done
while read -r module; do
    mkdir -p "$rootfs/lib/modules/$(dirname "$module")"
    cp "$moddir/$module" "$rootfs/lib/modules/$module"
done <"$work/modules.load"
cp "$work/modules.load" "$rootfs/etc/vigil-modules.load"
pack_initramfs "$out"
mv "$work/vmlinux" "$work/modules.load" "$out/"
cp "$work/pkg/boot/config-$release" "$out/config"
echo "$release" >"$out/release"
echo "$package $version" >"$out/package"
touch "$out/READY"
rm -rf "$target"
mv "$out" "$target"
ln -sfn "$key" "$cache/current"

# Older kernels are of no further use: keep the cache to one.
for old in "$cache"/linux-image-*; do
    [ "$old" = "$target" ] || rm -rf "$old"
done
note "prepared $key in $(( $(date +%s) - started )) s ($(du -sh "$target" | cut -f1))"
echo "$target"
