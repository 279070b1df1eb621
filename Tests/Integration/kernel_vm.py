"""Run commands inside an emulated Debian kernel that has IPVS (scripts/kernel-vm/run.sh).

These machines' own kernel has no IPVS, so tests that need the kernel's load balancer boot Debian's
linux-image-6.1.*-amd64 under qemu (TCG) with the host's / as the guest's root (read-only, under a
tmpfs overlay): host-built binaries, ipvsadm, curl and python3 run there unchanged, as root.

    guest_available()                 -> bool: prepared, or preparable here (root)
    unavailable_reason()              -> why not (None when available)
    require_guest()                   prepare once (Skip when impossible, AssertionError when it breaks)
    run_in_guest(script, timeout)     -> (exit status, output)
    run_in_guest_full(script, timeout) -> GuestRun with boot/total seconds and files the guest wrote

Every run.sh started here is recorded in vigil_harness.STARTED_PIDS; run.sh's qemu carries
PR_SET_PDEATHSIG, so ending run.sh by its PID ends the guest too.
"""

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import vigil_harness as harness

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SCRIPTS = os.path.join(REPO, "scripts", "kernel-vm")
RUN_SH = os.path.join(SCRIPTS, "run.sh")
PREPARE_SH = os.path.join(SCRIPTS, "prepare.sh")
QEMU = "qemu-system-x86_64"

# run.sh's exit statuses of its own (anything else is the command's).
TIMED_OUT = 124
NO_STATUS = 125

_prepared = {}  # "path" or "error" once require_guest() ran in this process


def cache_dir():
    """Where prepare.sh keeps the kernel (same rule as scripts/kernel-vm/cache-dir.sh)."""
    if os.environ.get("VIGIL_KERNEL_VM_CACHE"):
        return os.environ["VIGIL_KERNEL_VM_CACHE"]
    if os.geteuid() == 0:
        return "/var/cache/vigil-kernel-vm"
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "vigil-kernel-vm")


def prepared():
    """A kernel and initramfs are cached and qemu is installed."""
    return (os.path.isfile(os.path.join(cache_dir(), "current", "READY"))
            and shutil.which(QEMU) is not None)


def _up_to_date():
    """Prepared, and its initramfs holds this checkout's guest-init.sh."""
    try:
        with open(os.path.join(SCRIPTS, "guest-init.sh"), "rb") as f:
            wanted = hashlib.sha256(f.read()).hexdigest()
        with open(os.path.join(cache_dir(), "current", "init.sha256")) as f:
            return prepared() and f.read().strip() == wanted
    except OSError:
        return False


def unavailable_reason():
    if not os.access(RUN_SH, os.X_OK):
        return f"{RUN_SH} is missing or not executable"
    if prepared():
        return None
    if os.geteuid() != 0:
        return ("NEEDS ROOT: no emulated IPVS kernel is prepared and only root can prepare one "
                "(sudo scripts/kernel-vm/prepare.sh)")
    if shutil.which("apt-get") is None:
        return "no apt-get: scripts/kernel-vm/prepare.sh needs Debian's packages"
    return None


def guest_available():
    """The guest can boot here: prepared already, or prepare.sh can do it (root, apt)."""
    return unavailable_reason() is None


def require_guest(timeout=600):
    """Prepare the guest once per process unless it is ready (CI runs prepare.sh as a step of its own,
    which also picks up a new kernel ABI). Skip (loudly) where it cannot exist; fail where it should."""
    reason = unavailable_reason()
    if reason:
        raise harness.Skip(f"NO EMULATED KERNEL: {reason}")
    if "path" in _prepared:
        return _prepared["path"]
    if _up_to_date():
        _prepared["path"] = os.path.realpath(os.path.join(cache_dir(), "current"))
        return _prepared["path"]
    if "error" in _prepared:
        raise AssertionError(_prepared["error"])
    started = time.monotonic()
    code, out, err = harness.run([PREPARE_SH, "--quiet"], timeout=timeout)
    lines = [l for l in out.splitlines() if l.strip()]
    if code != 0 or not lines:
        _prepared["error"] = (f"scripts/kernel-vm/prepare.sh failed (exit {code}) after "
                              f"{time.monotonic() - started:.0f} s:\n{err[-3000:]}")
        raise AssertionError(_prepared["error"])
    _prepared["path"] = lines[-1]
    return _prepared["path"]


class GuestRun:
    """What one guest run produced."""

    def __init__(self, status, output, notes, share, elapsed):
        self.status = status
        self.output = output      # the command's stdout and stderr, merged, plus kernel noise
        self.notes = notes        # run.sh's own lines (boot time, timeouts)
        self.share = share        # folder the guest wrote into ($VIGIL_VM_SHARE); gone after the with
        self.elapsed = elapsed    # host seconds for the whole run
        m = re.search(r"boot ([0-9.]+) s to the first command", notes)
        self.boot_seconds = float(m.group(1)) if m else None

    def file(self, name):
        """Text of a file the guest wrote into $VIGIL_VM_SHARE, or None."""
        try:
            with open(os.path.join(self.share, name), "rb") as f:
                return f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return None

    def tail(self, chars=4000):
        return (self.output[-chars:] + ("\n" + self.notes.strip() if self.notes.strip() else "")).strip()

    def describe(self):
        boot = f"boot {self.boot_seconds:.1f} s, " if self.boot_seconds is not None else ""
        return f"{boot}guest run {self.elapsed:.1f} s"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if not os.environ.get("VIGIL_VM_KEEP"):
            shutil.rmtree(self.share, ignore_errors=True)
        return False


def _drain(stream, sink, echo):
    for raw in iter(stream.readline, b""):
        text = raw.decode("utf-8", "replace")
        sink.append(text)
        if echo:
            sys.stdout.write(text)
            sys.stdout.flush()
    stream.close()


def run_in_guest_full(script, timeout=120, env=None, cpus=None, mem_mb=None):
    """Run a bash script as root in a fresh guest (working directory: the repository).

    Returns a GuestRun (use it as a context manager to remove its share folder). The guest is
    killed after `timeout` seconds (status 124). VIGIL_VM_VERBOSE=1 echoes the guest's output live.
    """
    require_guest()
    share = tempfile.mkdtemp(prefix="vigil-vm-")
    script_path = os.path.join(share, "script.sh")
    with open(script_path, "w") as f:
        f.write(script)
    argv = [RUN_SH, "--timeout", str(int(timeout)), "--share", share]
    for name, value in (env or {}).items():
        argv += ["--env", f"{name}={value}"]
    if cpus:
        argv += ["--cpus", str(cpus)]
    if mem_mb:
        argv += ["--mem", str(mem_mb)]
    argv += ["--", "bash", script_path]
    echo = os.environ.get("VIGIL_VM_VERBOSE") == "1"
    started = time.monotonic()
    proc = harness.spawn(argv, cwd=REPO, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    out, err = [], []
    readers = [threading.Thread(target=_drain, args=(proc.stdout, out, echo), daemon=True),
               threading.Thread(target=_drain, args=(proc.stderr, err, echo), daemon=True)]
    for r in readers:
        r.start()
    try:
        # run.sh enforces `timeout` itself; the margin covers qemu's start and teardown.
        proc.wait(timeout=timeout + 30)
    except subprocess.TimeoutExpired:
        harness.end_process(proc, grace=5)
        shutil.rmtree(share, ignore_errors=True)
        raise AssertionError(f"scripts/kernel-vm/run.sh outlived its own {timeout:g} s limit; ended it")
    except BaseException:  # the runner's time limit: end run.sh (its qemu dies with it), drop the share
        harness.end_process(proc, grace=5)
        shutil.rmtree(share, ignore_errors=True)
        raise
    finally:
        for r in readers:
            r.join(timeout=5)
    harness.STARTED_PIDS.discard(proc.pid)
    return GuestRun(proc.returncode, "".join(out), "".join(err), share, time.monotonic() - started)


def run_in_guest(script, timeout=120, env=None):
    """Run a bash script as root in a fresh guest; (exit status, merged output)."""
    with run_in_guest_full(script, timeout=timeout, env=env) as run:
        return run.status, run.output + run.notes


def explain_status(run):
    """A one-line reading of a run's exit status, for failure messages."""
    if run.status == TIMED_OUT:
        return f"the guest was killed at its time limit ({run.describe()})"
    if run.status == NO_STATUS:
        return f"the guest stopped without reporting the command's status ({run.describe()})"
    return f"exit {run.status} ({run.describe()})"
