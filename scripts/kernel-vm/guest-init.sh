#!/bin/sh
# PID 1 of the emulated guest (busybox sh, inside the initramfs that prepare.sh builds).
# Loads the modules, mounts the host's / read-only (virtio-9p) under a tmpfs overlay, mounts the
# run's shared folder at its host path, chroots and runs the host-written command script there,
# writes its exit status into the shared folder and stops the machine.
export PATH=/bin:/sbin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# devtmpfs lacks these; bash's <(...) needs /dev/fd.
ln -s /proc/self/fd /dev/fd
ln -s /proc/self/fd/0 /dev/stdin
ln -s /proc/self/fd/1 /dev/stdout
ln -s /proc/self/fd/2 /dev/stderr
# Output reaches the host byte for byte: no \n → \r\n on the console.
stty -F /dev/console -onlcr 2>/dev/null

say() { echo "vigil-vm: $*" >/dev/console; }
# isa-debug-exit (port 0xf4) ends qemu at once; reboot -f (qemu runs with -no-reboot) if it is absent.
halt_now() {
    sync
    printf '\001' | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
    reboot -f
    sleep 10
}

share=
for word in $(cat /proc/cmdline); do
    case "$word" in
        vigil.share=*) share=${word#vigil.share=} ;;
    esac
done
[ -n "$share" ] || { say "no vigil.share= on the kernel command line"; halt_now; }

while read -r module; do
    [ -n "$module" ] || continue
    insmod "/lib/modules/$module" 2>/dev/console || say "insmod $module failed"
done < /etc/vigil-modules.load

mkdir -p /mnt/host /mnt/rw /newroot
mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=262144 hostroot /mnt/host \
    || { say "cannot mount the host's / over 9p"; halt_now; }
mount -t tmpfs -o mode=0755 tmpfs /mnt/rw
mkdir -p /mnt/rw/upper /mnt/rw/work
mount -t overlay overlay -o lowerdir=/mnt/host,upperdir=/mnt/rw/upper,workdir=/mnt/rw/work /newroot \
    || { say "cannot mount the overlay"; halt_now; }

mount -t proc proc /newroot/proc
mount -t sysfs sysfs /newroot/sys
mount -o bind /dev /newroot/dev
mkdir -p /newroot/dev/pts /newroot/dev/shm
mount -t devpts -o newinstance,ptmxmode=0666 devpts /newroot/dev/pts
mount -t tmpfs -o mode=1777 tmpfs /newroot/dev/shm
mount -t tmpfs -o mode=0755 tmpfs /newroot/run
mkdir -p /newroot/run/netns /newroot/run/lock
# /tmp stays the host's (under the overlay). The run's folder keeps its host path, read-write, so
# host-written files are found as-is and what the guest writes there reaches the host.
mkdir -p "/newroot$share"
mount -t 9p -o trans=virtio,version=9p2000.L,cache=none,msize=262144 share "/newroot$share" \
    || { say "cannot mount the shared folder"; halt_now; }

hostname vigil-vm
ip link set lo up 2>/dev/null

echo "$(cut -d' ' -f1 /proc/uptime)" > "/newroot$share/boot-seconds"
# run.sh quotes with bash's printf %q, so bash reads the script.
chroot /newroot /bin/bash "$share/command" </dev/null >/dev/console 2>&1
status=$?
echo "$status" > "/newroot$share/status.tmp" && mv "/newroot$share/status.tmp" "/newroot$share/status"
halt_now
