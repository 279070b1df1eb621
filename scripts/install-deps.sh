#!/usr/bin/env bash
# Installs what building and testing Vigil needs on Debian 12; quiet and quick when all is there.
set -euo pipefail

packages=(
    pkg-config
    python3                                          # the demo's summary
    libnl-3-dev libnl-genl-3-dev libnl-route-3-dev   # netlink: addresses, links, IPVS
    libsystemd-dev                                   # sd_notify and the watchdog
    keepalived                                       # the reference: its samples and man page, and a VRRP peer
    prometheus                                       # a real Prometheus and promtool for the metrics tests
    zlib1g-dev                                       # gzip for /metrics
    tshark                                           # the independent judge of the packets Vigil sends
    dnsmasq-base                                     # a real resolver for DNS_CHECK tests
    openssl                                          # self-signed certificates for SSL_GET tests
    python3-aiosmtpd                                 # a real SMTP server for SMTP_CHECK and mail tests
    qemu-system-x86 busybox-static ipvsadm curl      # a Debian kernel with IPVS under emulation
    xz-utils kmod cpio
    nftables                                         # the alert tests cut VRRP between the lab directors
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ "${#missing[@]}" -gt 0 ]; then
    echo "install-deps: installing ${missing[*]}"
    if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1; then
    echo "install-deps: no Swift toolchain on PATH; Vigil needs Swift 6 (swift.org)." >&2
    exit 1
fi
