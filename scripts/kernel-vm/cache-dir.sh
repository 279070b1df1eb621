# Sourced by prepare.sh and run.sh: where the prepared kernel lives (outside the repository).
# $VIGIL_KERNEL_VM_CACHE wins; root uses /var/cache, anyone else their XDG cache.
kernel_vm_cache_dir() {
    if [ -n "${VIGIL_KERNEL_VM_CACHE:-}" ]; then
        echo "$VIGIL_KERNEL_VM_CACHE"
    elif [ "$(id -u)" -eq 0 ]; then
        echo /var/cache/vigil-kernel-vm
    else
        echo "${XDG_CACHE_HOME:-$HOME/.cache}/vigil-kernel-vm"
    fi
}
