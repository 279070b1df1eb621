#!/usr/bin/env python3
"""Health-check benchmark: vigild running 10,000 TCP_CHECKs at delay_loop 1 s against local
listeners, and (in the emulated kernel) reconciling a 1,000 × 10 IPVS table.

    sudo python3 Benchmarks/checks_bench.py [--real-servers N] [--window S] [--vigild PATH] [--no-ipvs]

Lab (one namespace with this run's own name, nothing is created in the root namespace):
    PREFIX-lab  lo up, 198.51.100.1–100/32 on lo (documentation addresses)
Real servers: 100 addresses × 100 ports (9000–9099) = 10,000, in 100 virtual servers
203.0.113.1:9000–9099 (DR, rr) of 100 real servers each, every one with TCP_CHECK
(connect_timeout 3) and delay_loop 1. Listeners: a few forked Python processes that share every
port through SO_REUSEPORT, wait in epoll and accept + close each connection; their accept rate
and the namespace's ListenOverflows/ListenDrops are reported, so you can see they kept up.

vigild runs with --check (checks only, no VRRP); this kernel has no IPVS, so vigild says so once
and runs the checks anyway. After a warm-up, a measuring window (default 30 s) is bracketed by two
/metrics scrapes (a 10,000-series scrape costs vigild CPU, so it stays outside the window):
- CPU % of one core: utime + stime of vigild from /proc/PID/stat over the window, split into
  user and kernel. On loopback the kernel runs both ends of every handshake in the connecting
  thread (softirq), so vigild is charged for the listeners' side of TCP too: the "loopback TCP
  floor" row is the CPU of one bare socket()+connect()+close() measured by this script before
  vigild starts (Python's few µs included), times vigild's checks/s; any checker pays it;
- RSS: VmRSS sampled every 0.25 s, the maximum (anon + file), and VmRSS after the warm-up
  before anything read /metrics (the scrapes at the window's edges leave memory behind);
- checks per second and failures: vigil_checks_total, difference of the two scrapes;
- check latency p50/p99: vigil_check_duration_seconds, all series summed, difference of the two
  scrapes, interpolated linearly within the bucket that holds the quantile (as Prometheus's
  histogram_quantile does), so it is as coarse as the buckets (…, 250 µs, 500 µs, 1 ms, …);
- a bare connect(): this script, from a thread in the same namespace, during the same window,
  connects to random real servers (default 2,000 samples spread over the window) and times each
  blocking connect() with time.perf_counter_ns (exact, not bucketed);
- overhead = check latency − bare connect latency, at p50 and p99;
- the machine's own load over the window (/proc/stat): on a saturated machine vigild waits for a
  CPU, its latency grows and, since the next check is due delay_loop after the last one ended,
  checks per second fall below one per real server per delay_loop.
Per-thread CPU of vigild is printed as well, to see where its time goes.

With --ipvs-in-vm (the default when scripts/kernel-vm is prepared; --no-ipvs skips it), the
script also boots the emulated kernel with IPVS and runs `vigil-bench ipvs` in it (1,000 services
× 10 destinations into an empty table, a no-op reconcile, one weight change), and prints its table.

Exit status: 0 after printing the table (also when a target is missed: the verdict column says
MISS), 1 when the lab could not be run, 2 without root or without the tools.
"""

import argparse
import contextlib
import ctypes
import multiprocessing
import os
import random
import re
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "Tests", "Integration"))
from vigil_harness import enter_namespace, ns_call  # noqa: E402  (one copy of the namespace helpers)
IP = shutil.which("ip") or "/usr/sbin/ip"
KEEPALIVED = shutil.which("keepalived") or "/usr/sbin/keepalived"
RELEASE_VIGILD = os.path.join(REPO, ".build-vbench", "release", "vigild")
DEBUG_VIGILD = os.path.join(REPO, ".build", "debug", "vigild")
RELEASE_BENCH = os.path.join(REPO, ".build-vbench", "release", "vigil-bench")
KERNEL_VM = os.path.join(REPO, "scripts", "kernel-vm")

VIP = "203.0.113.1"
ADDRESS_PREFIX = "198.51.100."
FIRST_PORT = 9000
PER_VIRTUAL_SERVER = 100
METRICS_PORT = 9180
TARGET_CPU_PERCENT = 25.0
TARGET_RSS_MB = 100.0

_PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(None, use_errno=True)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run(argv, timeout=20, check=True, stdin=None):
    p = subprocess.run(argv, input=stdin, capture_output=True, text=True, timeout=timeout)
    if check and p.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)}: {p.stderr.strip()}")
    return p.stdout


# ---------------------------------------------------------------------------------------------
# The lab: real servers, listeners

def real_servers(count):
    """[(address, port)] in virtual-server order: server i holds port FIRST_PORT + i."""
    addresses = min(PER_VIRTUAL_SERVER, count)
    servers = []
    for index in range(count):
        port = FIRST_PORT + index // addresses
        servers.append((ADDRESS_PREFIX + str(index % addresses + 1), port))
    return servers


def listener_main(ns, ports, counter, ready):
    """One listener process: every port through SO_REUSEPORT, epoll, accept and close at once."""
    _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    enter_namespace(ns)
    poller = select.epoll()
    sockets = {}
    for port in ports:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        s.bind(("0.0.0.0", port))
        s.listen(4096)
        s.setblocking(False)
        sockets[s.fileno()] = s
        poller.register(s.fileno(), select.EPOLLIN)
    ready.set()
    accepted = 0
    close = os.close
    while True:
        for fd, _ in poller.poll():
            accept = sockets[fd]._accept  # the bare fd: no socket object per connection
            while True:
                try:
                    conn, _ = accept()
                except BlockingIOError:
                    break
                close(conn)
                accepted += 1
        counter.value = accepted


class Lab:
    """One namespace; teardown kills what runs in it (only processes this run started) and deletes it."""

    def __init__(self, real_server_count):
        self.ns = f"cb{os.getpid()}-lab"
        self.created = False
        self.servers = real_servers(real_server_count)
        self.ports = sorted({port for _, port in self.servers})
        self.addresses = sorted({address for address, _ in self.servers}, key=lambda a: int(a.rsplit(".", 1)[1]))
        self.listeners = []  # (process, counter)

    def up(self):
        run([IP, "netns", "add", self.ns])
        self.created = True
        lines = ["link set lo up"] + [f"addr add {a}/32 dev lo" for a in self.addresses]
        run([IP, "-n", self.ns, "-batch", "-"], stdin="\n".join(lines) + "\n")
        # Room for bursts: 10,000 connects a second arrive in batches, not evenly.
        run([IP, "netns", "exec", self.ns, "sysctl", "-qw", "net.core.somaxconn=4096",
             "net.ipv4.tcp_max_syn_backlog=8192"])

    def start_listeners(self, processes):
        context = multiprocessing.get_context("fork")
        for _ in range(processes):
            counter = context.Value("Q", 0, lock=False)
            ready = context.Event()
            process = context.Process(target=listener_main, args=(self.ns, self.ports, counter, ready), daemon=True)
            process.start()
            if not ready.wait(10):
                raise RuntimeError("a listener process did not come up")
            self.listeners.append((process, counter))

    def accepted(self):
        return sum(counter.value for _, counter in self.listeners)

    def listener_pids(self):
        return [process.pid for process, _ in self.listeners]

    def down(self, own_pids):
        for process, _ in self.listeners:
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGKILL)
            process.join(2)
        self.listeners = []
        if not self.created:
            return
        for pid in own_pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        # What is left in the namespace descends from those (this run created the namespace).
        out = run([IP, "netns", "pids", self.ns], check=False)
        for pid in [int(p) for p in out.split() if p.isdigit()]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        run([IP, "netns", "del", self.ns], check=False)
        self.created = False


def netstat_counters(pid):
    """TcpExt counters of the namespace pid lives in (ListenOverflows, ListenDrops, …)."""
    with open(f"/proc/{pid}/net/netstat") as f:
        lines = f.read().splitlines()
    counters = {}
    for header, values in zip(lines[0::2], lines[1::2]):
        names, numbers = header.split(), values.split()
        if names and names[0] == "TcpExt:":
            counters.update({n: int(v) for n, v in zip(names[1:], numbers[1:])})
    return counters


# ---------------------------------------------------------------------------------------------
# vigild

def config_text(servers, delay_loop):
    lines = ["# checks_bench.py: generated for one run", ""]
    by_port = {}
    for address, port in servers:
        by_port.setdefault(port, []).append(address)
    for port, addresses in sorted(by_port.items()):
        lines += [f"virtual_server {VIP} {port} {{", f"    delay_loop {delay_loop:g}", "    lb_algo rr", "    lb_kind DR",
                  "    protocol TCP"]
        for address in addresses:
            lines += [f"    real_server {address} {port} {{", "        weight 1",
                      "        TCP_CHECK {", "            connect_timeout 3", "        }", "    }"]
        lines += ["}", ""]
    return "\n".join(lines)


def proc_times(pid, task=None):
    """(comm, utime, stime) in ticks of a process or one of its threads (fields 14, 15 of stat(5))."""
    path = f"/proc/{pid}/task/{task}/stat" if task else f"/proc/{pid}/stat"
    with open(path) as f:
        text = f.read()
    comm = text[text.index("(") + 1:text.rindex(")")]
    fields = text[text.rindex(")") + 2:].split()
    return comm, int(fields[11]), int(fields[12])


def proc_stat(pid, task=None):
    """(comm, utime + stime in ticks)."""
    comm, user, system = proc_times(pid, task)
    return comm, user + system


def machine_ticks():
    """The first line of /proc/stat: ticks of all CPUs by kind."""
    with open("/proc/stat") as f:
        fields = f.readline().split()[1:]
    names = ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"]
    return {name: int(value) for name, value in zip(names, fields)}


def rss_kib(pid, field="VmRSS"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def thread_ticks(pid):
    result = {}
    for task in os.listdir(f"/proc/{pid}/task"):
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            result[int(task)] = proc_stat(pid, task)
    return result


_SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? ([^ ]+)')
_LE = re.compile(r'le="([^"]+)"')
_RESULT = re.compile(r'result="([^"]+)"')


def scrape(ns, port):
    """The parts of /metrics this benchmark reads: checks by result, duration buckets summed over series."""
    def fetch():
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=60) as reply:
            return reply.read().decode()

    started = time.monotonic()
    text = ns_call(ns, fetch)
    fetched = time.monotonic()
    checks, buckets, count, series = {}, {}, 0.0, 0
    for line in text.splitlines():
        if not line.startswith("vigil_check"):
            continue
        m = _SAMPLE.match(line)
        if not m:
            continue
        name, labels, value = m.group(1), m.group(2) or "", float(m.group(3))
        if name == "vigil_checks_total":
            result = _RESULT.search(labels)
            key = result.group(1) if result else "?"
            checks[key] = checks.get(key, 0) + value
        elif name == "vigil_check_duration_seconds_bucket":
            le = _LE.search(labels).group(1)
            bound = float("inf") if le == "+Inf" else float(le)
            buckets[bound] = buckets.get(bound, 0) + value
        elif name == "vigil_check_duration_seconds_count":
            count += value
            series += 1
    return {"checks": checks, "buckets": buckets, "count": count, "series": series, "bytes": len(text),
            "at": (started + fetched) / 2, "took": fetched - started}


def histogram_quantile(q, buckets):
    """Linear interpolation inside the bucket holding rank q × total (Prometheus's method)."""
    bounds = sorted(buckets)
    if not bounds:
        return None
    total = buckets[bounds[-1]]
    if total <= 0:
        return None
    rank = q * total
    lower, below = 0.0, 0.0
    for bound in bounds:
        cumulative = buckets[bound]
        if cumulative >= rank:
            if bound == float("inf"):
                return lower  # beyond the last finite bucket: its bound is all we know
            inside = cumulative - below
            return lower + (bound - lower) * ((rank - below) / inside if inside > 0 else 1)
        lower, below = bound, cumulative
    return lower


class Vigild:
    def __init__(self, lab, binary, tmp, servers, delay_loop):
        self.lab, self.binary, self.tmp = lab, binary, tmp
        self.conf = os.path.join(tmp, "vigild.conf")
        with open(self.conf, "w") as f:
            f.write(config_text(servers, delay_loop))
        self.log_path = os.path.join(tmp, "vigild.log")
        self.proc = None

    def start(self):
        argv = [IP, "netns", "exec", self.lab.ns, self.binary, "--check", "-f", self.conf,
                "--listen", f"127.0.0.1:{METRICS_PORT}", "--control-socket", "", "--log-level", "notice"]
        self.log_file = open(self.log_path, "w")
        # `ip netns exec` execs the command in its own process: the PID is vigild's.
        self.proc = subprocess.Popen(argv, stdout=self.log_file, stderr=subprocess.STDOUT,
                                     preexec_fn=lambda: _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"vigild exited with {self.proc.returncode}: {self.log_tail()}")
            with contextlib.suppress(FileNotFoundError, ValueError):
                if proc_stat(self.proc.pid)[0] == "vigild" and self._answers():
                    return
            time.sleep(0.2)
        raise RuntimeError("vigild did not serve /metrics within 60 s: " + self.log_tail())

    def _answers(self):
        def probe():
            with socket.create_connection(("127.0.0.1", METRICS_PORT), timeout=1):
                return True
        try:
            return ns_call(self.lab.ns, probe)
        except OSError:
            return False

    @property
    def pid(self):
        return self.proc.pid

    def log_tail(self, lines=5):
        with contextlib.suppress(OSError):
            with open(self.log_path) as f:
                return " | ".join(f.read().splitlines()[-lines:])
        return ""

    def log_lines_matching(self, pattern):
        with contextlib.suppress(OSError):
            with open(self.log_path) as f:
                return [line.strip() for line in f if re.search(pattern, line)]
        return []

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if self.proc:
            self.log_file.close()


# ---------------------------------------------------------------------------------------------
# Measuring

class ConnectSampler(threading.Thread):
    """Blocking connect() to random real servers from inside the namespace, paced over the window."""

    def __init__(self, ns, servers, samples, window):
        super().__init__(daemon=True)
        self.ns, self.servers, self.samples, self.window = ns, servers, samples, window
        self.latencies = []  # seconds
        self.cpu = []  # seconds of this thread's CPU for socket() + connect() + close(), kernel work included
        self.failures = 0
        self.stop_event = threading.Event()

    def run(self):
        enter_namespace(self.ns)
        pause = self.window / max(1, self.samples)
        rng = random.Random(1)
        start = time.monotonic()
        for index in range(self.samples):
            if self.stop_event.is_set():
                break
            address, port = rng.choice(self.servers)
            cpu_began = time.thread_time_ns()
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.settimeout(3)
            try:
                began = time.perf_counter_ns()
                s.connect((address, port))
                self.latencies.append((time.perf_counter_ns() - began) / 1e9)
            except OSError:
                self.failures += 1
            finally:
                s.close()
            self.cpu.append((time.thread_time_ns() - cpu_began) / 1e9)
            # Pace against the start so the samples cover the whole window evenly.
            delay = start + (index + 1) * pause - time.monotonic()
            if delay > 0:
                self.stop_event.wait(delay)


def quantile(values, q):
    """Nearest-rank quantile of exact samples."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, int(round(q * len(ordered) + 0.5)) - 1))]


def measure_vigild(lab, vigild, window, samples):
    pid = vigild.pid
    before = scrape(lab.ns, METRICS_PORT)
    net_before = netstat_counters(pid)
    accepted_before = lab.accepted()
    listener_ticks_before = {p: proc_stat(p)[1] for p in lab.listener_pids()}
    threads_before = thread_ticks(pid)
    sampler = ConnectSampler(lab.ns, lab.servers, samples, window)
    t0 = time.monotonic()
    _, user0, system0 = proc_times(pid)
    machine0 = machine_ticks()
    sampler.start()
    rss_max, rss_parts = 0, (0, 0)
    arrivals, last_accepted, next_rss = [], lab.accepted(), 0.0
    while time.monotonic() - t0 < window:
        # Connections reaching the listeners per 10 ms: shows whether checks arrive evenly or in bursts.
        time.sleep(0.01)
        accepted = lab.accepted()
        arrivals.append(accepted - last_accepted)
        last_accepted = accepted
        if time.monotonic() >= next_rss:
            next_rss = time.monotonic() + 0.25
            rss = rss_kib(pid)
            if rss > rss_max:
                rss_max, rss_parts = rss, (rss_kib(pid, "RssAnon"), rss_kib(pid, "RssFile"))
    _, user1, system1 = proc_times(pid)
    machine1 = machine_ticks()
    t1 = time.monotonic()
    threads_after = thread_ticks(pid)
    accepted_after = lab.accepted()
    listener_ticks_after = {p: proc_stat(p)[1] for p in lab.listener_pids()}
    net_after = netstat_counters(pid)
    sampler.stop_event.set()
    sampler.join(10)
    after = scrape(lab.ns, METRICS_PORT)

    elapsed = t1 - t0
    between = after["at"] - before["at"]
    checks = {k: after["checks"].get(k, 0) - before["checks"].get(k, 0) for k in after["checks"]}
    total_checks = sum(checks.values())
    failures = total_checks - checks.get("success", 0)
    buckets = {b: after["buckets"].get(b, 0) - before["buckets"].get(b, 0) for b in after["buckets"]}
    threads = []
    for tid, (comm, ticks) in threads_after.items():
        spent = ticks - threads_before.get(tid, (comm, 0))[1]
        threads.append((spent / CLOCK_TICKS / elapsed * 100, comm, tid))
    threads.sort(reverse=True)
    listener_cpu = sum(listener_ticks_after[p] - listener_ticks_before.get(p, 0) for p in listener_ticks_after)
    return {
        "cpu": (user1 + system1 - user0 - system0) / CLOCK_TICKS / elapsed * 100,
        "cpu_user": (user1 - user0) / CLOCK_TICKS / elapsed * 100,
        "cpu_system": (system1 - system0) / CLOCK_TICKS / elapsed * 100,
        "connect_cpu": statistics.median(sampler.cpu) if sampler.cpu else None,
        "rss_mb": rss_max / 1024,
        "rss_anon_mb": rss_parts[0] / 1024,
        "rss_file_mb": rss_parts[1] / 1024,
        "hwm_mb": rss_kib(pid, "VmHWM") / 1024,
        "checks_per_s": total_checks / between,
        "checks": checks,
        "failures": failures,
        "check_p50": histogram_quantile(0.5, buckets),
        "check_p99": histogram_quantile(0.99, buckets),
        "observed": buckets.get(float("inf"), 0),
        "connect_p50": quantile(sampler.latencies, 0.5),
        "connect_p99": quantile(sampler.latencies, 0.99),
        "connect_n": len(sampler.latencies),
        "connect_failures": sampler.failures,
        "accepted_per_s": (accepted_after - accepted_before) / elapsed,
        "listener_cpu": listener_cpu / CLOCK_TICKS / elapsed * 100,
        "overflows": net_after.get("ListenOverflows", 0) - net_before.get("ListenOverflows", 0),
        "drops": net_after.get("ListenDrops", 0) - net_before.get("ListenDrops", 0),
        "threads": threads,
        "window": elapsed,
        "arrivals": arrivals,
        "machine": {k: machine1[k] - machine0[k] for k in machine0},
        "series": after["series"],
        "scrape_mb": after["bytes"] / 1e6,
        "scrape_s": after["took"],
    }


def warm_up(lab, vigild, expected, seconds):
    """`seconds`, then until every real server has been checked at least once. Scrapes only to
    confirm (a 10,000-series scrape costs vigild CPU and memory); returns VmRSS before the first."""
    started = time.monotonic()
    time.sleep(seconds)
    rss_before_scrape = rss_kib(vigild.pid)
    while True:
        if vigild.proc.poll() is not None:
            raise RuntimeError(f"vigild exited with {vigild.proc.returncode}: {vigild.log_tail()}")
        state = scrape(lab.ns, METRICS_PORT)
        if state["series"] >= expected and sum(state["checks"].values()) >= expected:
            return rss_before_scrape
        if time.monotonic() - started > 120:
            raise RuntimeError(f"after 120 s only {state['series']} of {expected} checkers have reported")
        time.sleep(3)


# ---------------------------------------------------------------------------------------------
# keepalived and the emulated kernel

def ipvs_here():
    return os.path.exists("/proc/net/ip_vs")


def keepalived_line():
    if not os.access(KEEPALIVED, os.X_OK):
        return "keepalived: not installed, no comparison (apt-get install keepalived)"
    if not ipvs_here():
        return ("keepalived: its checker (keepalived -C) cannot run here: this kernel has no IPVS "
                "(/proc/net/ip_vs missing), so there is no keepalived row")
    return ("keepalived: this kernel has IPVS, but no keepalived row is measured: its checker programs "
            "the host's IPVS table, which this benchmark does not touch")


def kernel_vm_usable():
    """run.sh works when qemu is installed and prepare.sh has cached a kernel."""
    run_sh = os.path.join(KERNEL_VM, "run.sh")
    cache_sh = os.path.join(KERNEL_VM, "cache-dir.sh")
    if not (os.access(run_sh, os.X_OK) and shutil.which("qemu-system-x86_64")):
        return False, "scripts/kernel-vm/run.sh or qemu-system-x86_64 missing"
    try:
        cache = run(["bash", "-c", '. "$1" && kernel_vm_cache_dir', "cache-dir", cache_sh], timeout=10).strip()
    except (RuntimeError, subprocess.TimeoutExpired, OSError) as e:
        return False, f"cache-dir.sh failed: {e}"
    if not os.path.exists(os.path.join(cache, "current")):
        return False, f"no prepared kernel in {cache} (run: sudo scripts/kernel-vm/prepare.sh)"
    return True, cache


def run_ipvs_in_vm(bench, trials, timeout):
    argv = [os.path.join(KERNEL_VM, "run.sh"), "--timeout", str(timeout), "--", bench, "ipvs", "--runs", str(trials)]
    log("== IPVS reconcile in the emulated kernel: " + " ".join(argv))
    started = time.monotonic()
    p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout + 60)
    took = time.monotonic() - started
    return p.returncode, p.stdout, p.stderr, took


# ---------------------------------------------------------------------------------------------
# Output

def ms(seconds):
    return "-" if seconds is None else f"{seconds * 1000:.3f}"


def print_table(rows):
    widths = [max(len(str(r[c])) for r in rows) for c in range(len(rows[0]))]
    for i, r in enumerate(rows):
        print("  ".join(str(v).ljust(w) for v, w in zip(r, widths)).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))


def verdict(value, target):
    return "PASS" if value < target else "MISS"


def report(result, args, binary, debug_binary, load_before, load_after):
    r = result
    print(f"Health-check benchmark: vigild --check, {args.real_servers} real servers with TCP_CHECK "
          f"(connect_timeout 3), delay_loop {args.delay_loop:g} s, window {r['window']:.1f} s after {args.warmup:.0f} s warm-up")
    print(f"vigild: {binary}" + ("   ** DEBUG BUILD: numbers are not representative **" if debug_binary else ""))
    print(f"load average (1/5/15 min) before: {load_before}; after: {load_after}; {os.cpu_count()} CPUs, "
          "shared with other work")
    print()
    rows = [["metric", "value", "target", "verdict", "how"]]
    rows.append(["vigild CPU (% of one core)", f"{r['cpu']:.1f}", f"< {TARGET_CPU_PERCENT:.0f}",
                 verdict(r["cpu"], TARGET_CPU_PERCENT), "utime+stime, /proc/PID/stat"])
    rows.append(["  of which user / kernel", f"{r['cpu_user']:.1f} / {r['cpu_system']:.1f}", "-", "-",
                 "utime / stime"])
    floor = None if r["idle_connect_cpu"] is None else r["idle_connect_cpu"] * r["checks_per_s"] * 100
    if floor is not None:
        rows.append(["  loopback TCP floor", f"{floor:.1f}", "-", "-",
                     f"{r['idle_connect_cpu'] * 1e6:.0f} µs CPU per bare socket+connect+close (before vigild) × checks/s"])
        rows.append(["  vigild above the floor", f"{r['cpu'] - floor:.1f}", "-", "-", "CPU − floor (estimate)"])
    rows.append(["vigild RSS max (MB)", f"{r['rss_mb']:.1f}", f"< {TARGET_RSS_MB:.0f}",
                 verdict(r["rss_mb"], TARGET_RSS_MB),
                 f"VmRSS every 0.25 s: anon {r['rss_anon_mb']:.1f} + file {r['rss_file_mb']:.1f}; VmHWM {r['hwm_mb']:.1f}"])
    rows.append(["  RSS before any scrape (MB)", f"{r['rss_before_scrape_mb']:.1f}", "-", "-",
                 "after the warm-up, before /metrics was read"])
    expected = args.real_servers / args.delay_loop
    rows.append(["checks per second", f"{r['checks_per_s']:.0f}", f"≥ {0.95 * expected:.0f}",
                 verdict(-r["checks_per_s"], -0.95 * expected),
                 f"vigil_checks_total; one per real server per delay_loop would be {expected:.0f}"])
    rows.append(["failed checks", f"{r['failures']:.0f}", "0", "PASS" if r["failures"] == 0 else "MISS",
                 ", ".join(f"{k} {v:.0f}" for k, v in sorted(r["checks"].items())) or "-"])
    rows.append(["check latency p50 (ms)", ms(r["check_p50"]), "-", "-", "histogram, interpolated in bucket"])
    rows.append(["check latency p99 (ms)", ms(r["check_p99"]), "-", "-", "histogram, interpolated in bucket"])
    rows.append(["bare connect() p50 (ms)", ms(r["connect_p50"]), "-", "-",
                 f"{r['connect_n']} samples, same netns, same time"])
    in_window_cpu = "-" if r["connect_cpu"] is None else f"{r['connect_cpu'] * 1e6:.0f} µs"
    rows.append(["bare connect() p99 (ms)", ms(r["connect_p99"]), "-", "-",
                 f"{r['connect_failures']} failed; CPU per socket+connect+close {in_window_cpu} "
                 f"(before vigild: p50 {ms(r['idle_connect_p50'])} ms)"])
    for q in ("p50", "p99"):
        check, bare = r[f"check_{q}"], r[f"connect_{q}"]
        overhead = None if check is None or bare is None else check - bare
        rows.append([f"check overhead {q} (ms)", ms(overhead), "-", "-", "check − bare connect"])
    print_table(rows)
    print()
    keeping_up = r["overflows"] == 0 and r["drops"] == 0
    print(f"listeners: {args.listeners} processes accepted {r['accepted_per_s']:.0f} connections/s "
          f"(checks {r['checks_per_s']:.0f}/s + bare connects) using {r['listener_cpu']:.0f} % of one core; "
          f"ListenOverflows +{r['overflows']}, ListenDrops +{r['drops']}: "
          + ("they kept up" if keeping_up else "THEY DID NOT KEEP UP: latency includes queueing at the listeners"))
    print(f"/metrics: {r['series']} duration series, {r['scrape_mb']:.1f} MB, scrape took {r['scrape_s']:.2f} s "
          "(outside the window)")
    slots = sorted(r["arrivals"])
    if slots:
        busiest = slots[-max(1, len(slots) // 10):]
        print(f"arrivals at the listeners per ~10 ms: median {quantile(slots, 0.5)}, p99 {quantile(slots, 0.99)}, "
              f"max {slots[-1]}; the busiest 10 % of slots took {100 * sum(busiest) / max(1, sum(slots)):.0f} % "
              "of the connections (10 % if they arrive evenly)")
    machine = r["machine"]
    total = sum(machine.values()) or 1
    print(f"machine during the window: {100 * (total - machine['idle'] - machine['iowait']) / total:.0f} % busy of "
          f"{os.cpu_count()} CPUs (user+nice {100 * (machine['user'] + machine['nice']) / total:.0f} %, system "
          f"{100 * machine['system'] / total:.0f} %, softirq {100 * machine['softirq'] / total:.0f} %, "
          f"steal {100 * machine['steal'] / total:.0f} %)")
    busy = [t for t in r["threads"] if t[0] >= 0.5]
    print("vigild threads by CPU (% of one core): "
          + (", ".join(f"{comm} {cpu:.1f}" for cpu, comm, _ in busy[:8]) or "all idle")
          + f"; {len(r['threads'])} threads")
    print(keepalived_line())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--real-servers", type=int, default=10_000,
                    help="real servers, 100 per virtual server (default 10000)")
    ap.add_argument("--window", type=float, default=30.0, help="measuring window in s (default 30)")
    ap.add_argument("--warmup", type=float, default=10.0,
                    help="s to wait before the window, and until every real server has been checked (default 10)")
    ap.add_argument("--vigild", help=f"vigild binary (default {RELEASE_VIGILD})")
    ap.add_argument("--delay-loop", type=float, default=1.0,
                    help="delay_loop in s (default 1; the targets are for 1, other values are for diagnosis)")
    ap.add_argument("--listeners", type=int, default=2, help="listener processes (default 2)")
    ap.add_argument("--connect-samples", type=int, default=2000,
                    help="bare connect() samples spread over the window (default 2000)")
    ipvs = ap.add_mutually_exclusive_group()
    ipvs.add_argument("--ipvs-in-vm", dest="ipvs", action="store_true", default=None,
                      help="also run `vigil-bench ipvs` in the emulated kernel (default when scripts/kernel-vm is prepared)")
    ipvs.add_argument("--no-ipvs", dest="ipvs", action="store_false", help="skip the IPVS reconcile benchmark")
    ap.add_argument("--ipvs-trials", type=int, default=5, help="trials of the IPVS reconcile (default 5)")
    ap.add_argument("--vigil-bench", default=RELEASE_BENCH, help=f"vigil-bench binary (default {RELEASE_BENCH})")
    ap.add_argument("--keep-logs", metavar="DIR", help="copy the configuration and vigild's log here")
    args = ap.parse_args()

    if os.geteuid() != 0:
        log("checks_bench: needs root (it creates a network namespace); run it with sudo")
        return 2
    binary, debug_binary = args.vigild, False
    if binary is None:
        if os.access(RELEASE_VIGILD, os.X_OK):
            binary = RELEASE_VIGILD
        elif os.access(DEBUG_VIGILD, os.X_OK):
            binary, debug_binary = DEBUG_VIGILD, True
            log("!" * 100)
            log(f"WARNING: no release vigild at {RELEASE_VIGILD}; using the DEBUG build {DEBUG_VIGILD}.")
            log("Debug numbers are NOT representative. Build it: swift build -c release --scratch-path "
                ".build-vbench --product vigild")
            log("!" * 100)
    if binary is None or not os.access(binary, os.X_OK) or not os.access(IP, os.X_OK):
        log(f"checks_bench: missing vigild ({binary or RELEASE_VIGILD}) or ip ({IP}); build: swift build -c release "
            "--scratch-path .build-vbench --product vigild")
        return 2
    if args.real_servers < 1 or args.window <= 0 or args.delay_loop <= 0:
        log("checks_bench: --real-servers must be ≥ 1, --window and --delay-loop > 0")
        return 2

    ipvs_wanted = args.ipvs
    vm_reason = ""
    if ipvs_wanted is not False:
        usable, vm_reason = kernel_vm_usable()
        if not os.access(args.vigil_bench, os.X_OK):
            usable, vm_reason = False, (f"no vigil-bench at {args.vigil_bench} (build: swift build -c release "
                                        "--scratch-path .build-vbench --product vigil-bench)")
        if ipvs_wanted and not usable:
            log(f"checks_bench: --ipvs-in-vm: {vm_reason}")
            return 2
        ipvs_wanted = usable

    def on_term(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    # Also when started in the background, where SIGINT arrives ignored.
    signal.signal(signal.SIGINT, on_term)
    lab = Lab(args.real_servers)
    tmp = tempfile.mkdtemp(prefix="vigil-checks-bench-")
    vigild = None
    result = None
    load_before = " ".join(open("/proc/loadavg").read().split()[:3])
    try:
        log(f"== lab {lab.ns}: {len(lab.addresses)} addresses × {len(lab.ports)} ports, "
            f"{args.listeners} listener processes")
        lab.up()
        lab.start_listeners(max(1, args.listeners))
        # The kernel's own share of a check on loopback, before vigild loads the machine.
        calibration = ConnectSampler(lab.ns, lab.servers, args.connect_samples, 0)
        calibration.start()
        calibration.join()
        vigild = Vigild(lab, binary, tmp, lab.servers, args.delay_loop)
        log(f"== vigild {binary} (pid follows), {args.real_servers} TCP_CHECKs")
        vigild.start()
        log(f"   vigild pid {vigild.pid}; warming up")
        rss_before_scrape = warm_up(lab, vigild, args.real_servers, args.warmup)
        log(f"== measuring for {args.window:.0f} s")
        result = measure_vigild(lab, vigild, args.window, args.connect_samples)
        result["rss_before_scrape_mb"] = rss_before_scrape / 1024
        result["idle_connect_cpu"] = statistics.median(calibration.cpu) if calibration.cpu else None
        result["idle_connect_p50"] = quantile(calibration.latencies, 0.5)
        ipvs_lines = vigild.log_lines_matching(r"(?i)ipvs")
    except KeyboardInterrupt:
        log("interrupted: tearing the lab down")
        return 130
    except Exception as e:  # the lab itself failed: no table to print
        log(f"checks_bench: lab failed: {e}")
        return 1
    finally:
        own = set(lab.listener_pids()) | ({vigild.pid} if vigild and vigild.proc else set())
        if vigild is not None:
            vigild.stop()
        lab.down(own)
        if args.keep_logs:
            shutil.copytree(tmp, args.keep_logs, dirs_exist_ok=True)
        shutil.rmtree(tmp, ignore_errors=True)
    load_after = " ".join(open("/proc/loadavg").read().split()[:3])

    report(result, args, binary, debug_binary, load_before, load_after)
    if ipvs_lines:
        print(f"vigild on IPVS: {ipvs_lines[0][:200]}")

    print()
    if not ipvs_wanted:
        print(f"IPVS reconcile: skipped ({'--no-ipvs' if args.ipvs is False else vm_reason})")
        return 0
    try:
        status, out, err, took = run_ipvs_in_vm(args.vigil_bench, args.ipvs_trials, timeout=900)
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    except subprocess.TimeoutExpired:
        print("IPVS reconcile in the emulated kernel: run.sh did not finish in time")
        return 0
    print(f"IPVS reconcile in the emulated kernel (qemu TCG, Debian kernel with IPVS; run.sh took {took:.0f} s, "
          f"exit {status}): times are under emulation, slower than on hardware")
    print(out.rstrip() or "(no output)")
    if status != 0:
        print("run.sh: " + " | ".join(err.strip().splitlines()[-3:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
