#!/usr/bin/env python3
"""VRRP failover benchmark: vigild and keepalived 2.2.7 side by side, on the same namespace lab,
in the same run.

    sudo python3 Benchmarks/vrrp_failover.py [--trials N] [--quick] [--vigild PATH]

Lab (all names carry this run's own prefix, nothing is created in the root namespace):
    PREFIX-lan  bridge br0 (STP off, forward_delay 0, multicast snooping off), ports vh1, vh2
    PREFIX-h1   eth0 192.0.2.1/24   MASTER priority 100
    PREFIX-h2   eth0 192.0.2.2/24   BACKUP priority 50
VRID 51, VIP 192.0.2.100/24 on eth0. The same implementation runs on both nodes.

Timing is read from the kernel's own events, not from polling: a persistent rtnetlink socket in
each host namespace (RTM_NEWADDR / RTM_DELADDR), a packet socket on h2's eth0 (the master's
adverts, including the priority-0 one), and a pidfd per daemon (process exit). One thread
select()s over all of them and stamps each event with time.monotonic() as it wakes, so the error
is the wake-up latency (tens of µs on an idle machine), not a polling period.

"kill -9 → VIP" is measured from the kill, and also from the last advert h2 received from the dead
master, which is when the backup's Master_Down timer really starts: that row is the one compared
with the RFC's Master_Down_Interval = 3 × advert + Skew_Time, Skew_Time = (256 − 50)/256 × advert.

Exit status: 0 after printing the table (also when a target is missed: the verdict column says NO),
1 when the lab could not be run, 2 without root or without the tools.
"""

import argparse
import contextlib
import os
import random
import re
import select
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "Tests", "Integration"))
from vigil_harness import ns_call  # noqa: E402  (one copy of the namespace helpers)
IP = shutil.which("ip") or "/usr/sbin/ip"
KEEPALIVED = shutil.which("keepalived") or "/usr/sbin/keepalived"
DEFAULT_VIGILD = os.path.join(REPO, ".build-vbench", "release", "vigild")

VIP = "192.0.2.100"
VRID = 51
HOSTS = {"h1": ("192.0.2.1", "MASTER", 100), "h2": ("192.0.2.2", "BACKUP", 50)}
# (label, VRRP version, advert interval in seconds)
TIMINGS = [("v2 1s", 2, 1.0), ("v3 0.1s", 3, 0.1), ("v3 0.01s", 3, 0.01)]
TIMING_NAMES = {"v2-1": "v2 1s", "v3-0.1": "v3 0.1s", "v3-0.01": "v3 0.01s"}
IMPLS = ["vigild", "keepalived"]

_RTMGRP_IPV4_IFADDR = 0x10
_RTM_NEWADDR, _RTM_DELADDR = 20, 21
_IFA_ADDRESS, _IFA_LOCAL = 1, 2
_ETH_P_IP = 0x0800
_ETH_P_ALL = 0x0003
_SO_TIMESTAMPNS = 35  # also SCM_TIMESTAMPNS


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def skew(priority, adv):
    return (256 - priority) / 256 * adv


def master_down(priority, adv):
    return 3 * adv + skew(priority, adv)


# ---------------------------------------------------------------------------------------------
# Namespaces

def run(argv, timeout=10, check=True, stdin=None):
    p = subprocess.run(argv, input=stdin, capture_output=True, text=True, timeout=timeout)
    if check and p.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)}: {p.stderr.strip()}")
    return p.stdout


class Lab:
    """The bridge and the two hosts; teardown kills only what runs in these namespaces."""

    def __init__(self):
        self.prefix = f"vb{os.getpid()}-"
        self.lan = self.prefix + "lan"
        self.namespaces = []

    def ns(self, host):
        return self.prefix + host

    def _add(self, name):
        run([IP, "netns", "add", name])
        self.namespaces.append(name)

    def _batch(self, ns, lines):
        run([IP, "-n", ns, "-batch", "-"], stdin="\n".join(lines) + "\n")

    def up(self):
        self._add(self.lan)
        self._batch(self.lan, ["link set lo up",
                               "link add br0 type bridge stp_state 0 forward_delay 0 mcast_snooping 0",
                               "link set br0 up"])
        for host, (addr, _, _) in HOSTS.items():
            ns = self.ns(host)
            self._add(ns)
            run([IP, "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0",
                 "net.ipv6.conf.default.accept_dad=0"])
            run([IP, "-n", ns, "link", "add", "eth0", "type", "veth", "peer", "name", "v" + host,
                 "netns", self.lan])
            self._batch(ns, ["link set lo up", f"addr add {addr}/24 dev eth0", "link set eth0 up"])
            self._batch(self.lan, [f"link set v{host} master br0", f"link set v{host} up"])

    def pids(self, host):
        out = run([IP, "netns", "pids", self.ns(host)], check=False)
        return [int(p) for p in out.split() if p.isdigit()]

    def kill_all(self, host):
        for pid in self.pids(host):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def has_vip(self, host):
        out = run([IP, "-n", self.ns(host), "-o", "-4", "addr", "show", "dev", "eth0"])
        return re.search(r"\binet " + re.escape(VIP) + "/", out) is not None

    def del_vip(self, host):
        run([IP, "-n", self.ns(host), "addr", "del", VIP + "/24", "dev", "eth0"], check=False)

    def down(self):
        for ns in self.namespaces:
            for pid in [int(p) for p in run([IP, "netns", "pids", ns], check=False).split() if p.isdigit()]:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        for ns in reversed(self.namespaces):
            run([IP, "netns", "del", ns], check=False)
        self.namespaces = []


# ---------------------------------------------------------------------------------------------
# Configurations (our own text; valid for both implementations)

def config(host, version, adv):
    _, state, prio = HOSTS[host]
    lines = []
    if version == 3:
        lines += ["global_defs {", "    vrrp_version 3", "}", ""]
    lines += ["vrrp_instance VI_BENCH {", f"    state {state}", "    interface eth0",
              f"    virtual_router_id {VRID}", f"    priority {prio}", f"    advert_int {adv:g}"]
    if version == 2:
        lines += ["    authentication {", "        auth_type PASS", "        auth_pass 1111", "    }"]
    lines += ["    virtual_ipaddress {", f"        {VIP}/24 dev eth0", "    }", "}", ""]
    return "\n".join(lines)


class Daemon:
    """One vigild or keepalived in one host namespace."""

    def __init__(self, lab, host, impl, tmp, conf_text, vigild):
        self.lab, self.host, self.impl, self.tmp = lab, host, impl, tmp
        self.vigild = vigild
        self.conf = os.path.join(tmp, f"{host}-{impl}.conf")
        with open(self.conf, "w") as f:
            f.write(conf_text)
        self.proc = None
        self.pidfd = None
        self.starts = 0

    def argv(self):
        if self.impl == "vigild":
            return [self.vigild, "-f", self.conf, "--listen", "127.0.0.1:0", "--control-socket", ""]
        base = os.path.join(self.tmp, f"{self.host}-{self.starts}")
        return [KEEPALIVED, "-P", "-n", "-l", "-D", "-f", self.conf, "-p", base + ".pid",
                "-r", base + ".vrrp.pid"]

    def start(self):
        self.starts += 1
        logf = open(os.path.join(self.tmp, f"{self.host}-{self.impl}.log"), "ab")
        try:
            self.proc = subprocess.Popen([IP, "netns", "exec", self.lab.ns(self.host), *self.argv()],
                                         stdin=subprocess.DEVNULL, stdout=logf, stderr=logf)
        finally:
            logf.close()
        self.pidfd = os.pidfd_open(self.proc.pid)
        return self.proc.pid

    def reap(self, timeout=5):
        """Wait for the process (and anything else left in the namespace) to be gone."""
        if self.proc is not None:
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.lab.kill_all(self.host)
                self.proc.wait(timeout=5)
        if self.pidfd is not None:
            os.close(self.pidfd)
            self.pidfd = None
        deadline = time.monotonic() + timeout
        while self.lab.pids(self.host) and time.monotonic() < deadline:
            time.sleep(0.01)
        self.lab.kill_all(self.host)


# ---------------------------------------------------------------------------------------------
# Events: rtnetlink in both hosts, h2's packet socket, daemon pidfds

class Event:
    __slots__ = ("t", "kind", "host", "detail")

    def __init__(self, t, kind, host, detail):
        self.t, self.kind, self.host, self.detail = t, kind, host, detail

    def __repr__(self):
        return f"<{self.kind} {self.host} {self.detail} @{self.t:.6f}>"


def _netlink_socket():
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    s.bind((0, _RTMGRP_IPV4_IFADDR))
    s.setblocking(False)
    return s


def _packet_socket():
    # ETH_P_ALL, not ETH_P_IP: only "all" taps also see the packets h2 itself sends.
    s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(_ETH_P_ALL))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind(("eth0", _ETH_P_ALL))
    s.setsockopt(socket.SOL_SOCKET, _SO_TIMESTAMPNS, 1)
    s.setblocking(False)
    return s


def parse_addr_events(buf):
    """(RTM type, IPv4 address) for each address message in one netlink datagram."""
    off = 0
    while off + 16 <= len(buf):
        length, typ = struct.unpack_from("=IH", buf, off)
        if length < 16:
            break
        if typ in (_RTM_NEWADDR, _RTM_DELADDR) and off + 24 <= len(buf):
            family = buf[off + 16]
            a, end, addr = off + 24, off + length, None
            while a + 4 <= end:
                alen, atyp = struct.unpack_from("=HH", buf, a)
                if alen < 4:
                    break
                if family == socket.AF_INET and atyp in (_IFA_LOCAL, _IFA_ADDRESS) and alen >= 8:
                    addr = socket.inet_ntoa(buf[a + 4:a + 8])
                    if atyp == _IFA_LOCAL:
                        break
                a += (alen + 3) & ~3
            if addr is not None:
                yield typ, addr
        off += (length + 3) & ~3


class Monitor:
    def __init__(self, lab):
        self.nl = {h: ns_call(lab.ns(h), _netlink_socket) for h in HOSTS}
        self.pkt = ns_call(lab.ns("h2"), _packet_socket)
        self.events = []
        self.pidfds = {}  # fd -> label
        self.overruns = 0

    def watch_exit(self, fd, label):
        self.pidfds[fd] = label

    def close(self):
        for s in [*self.nl.values(), self.pkt]:
            s.close()

    def _read(self, fd, now):
        for host, s in self.nl.items():
            if fd == s.fileno():
                while True:
                    try:
                        buf = s.recv(65536)
                    except BlockingIOError:
                        return
                    except OSError:  # ENOBUFS: we were too slow; the next message still counts
                        self.overruns += 1
                        continue
                    for typ, addr in parse_addr_events(buf):
                        if addr == VIP:
                            self.events.append(Event(now, "vip+" if typ == _RTM_NEWADDR else "vip-", host, addr))
        if fd == self.pkt.fileno():
            while True:
                try:
                    data, anc, _, addr = self.pkt.recvmsg(2048, socket.CMSG_SPACE(16))
                except BlockingIOError:
                    return
                if addr[1] != _ETH_P_IP or len(data) < 20 or data[9] != 112:
                    continue
                # The kernel's receive stamp (CLOCK_REALTIME) moved onto the monotonic clock, so
                # our own wake-up latency does not count for packets.
                t = now
                for level, typ, raw in anc:
                    if level == socket.SOL_SOCKET and typ == _SO_TIMESTAMPNS and len(raw) >= 16:
                        sec, nsec = struct.unpack_from("=qq", raw)
                        t = sec + nsec / 1e9 - (time.time() - time.monotonic())
                ihl = (data[0] & 0x0F) * 4
                if len(data) < ihl + 4:
                    continue
                src = socket.inet_ntoa(data[12:16])
                self.events.append(Event(t, "adv", src, data[ihl + 2]))
        if fd in self.pidfds:
            self.events.append(Event(now, "exit", None, self.pidfds.pop(fd)))

    def pump(self, timeout, until=None, since=0):
        """Collect events for up to `timeout` s; stop early at the first event (index >= since)
        matching `until`, which is returned (None on timeout)."""
        deadline = time.monotonic() + timeout
        checked = since
        while True:
            if until is not None:
                for ev in self.events[checked:]:
                    if until(ev):
                        return ev
                checked = len(self.events)
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            fds = [s.fileno() for s in self.nl.values()] + [self.pkt.fileno()] + list(self.pidfds)
            readable, _, _ = select.select(fds, [], [], left)
            now = time.monotonic()
            for fd in readable:
                self._read(fd, now)

    def wait(self, pred, timeout, since, what):
        ev = self.pump(timeout, until=pred, since=since)
        if ev is None:
            raise TimeoutError(f"timed out after {timeout:.1f} s waiting for {what}")
        return ev


# ---------------------------------------------------------------------------------------------
# Idle cost

def _schedstat(pid, field):
    """Sum over the process's threads: field 0 = ns on CPU, field 2 = times scheduled in."""
    total = 0
    with contextlib.suppress(FileNotFoundError, ProcessLookupError):
        for tid in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(FileNotFoundError, ProcessLookupError, ValueError, IndexError):
                with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                    total += int(f.read().split()[field])
    return total


def _cpu_ns(pid):
    return _schedstat(pid, 0)


def _runs(pid):
    return _schedstat(pid, 2)


def _stat_ticks(pid):
    with contextlib.suppress(FileNotFoundError, ProcessLookupError):
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime
    return 0


def _rss_kb(pid):
    with contextlib.suppress(FileNotFoundError, ProcessLookupError):
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    return 0


# ---------------------------------------------------------------------------------------------
# One implementation at one timing

class Block:
    """Runs the scenarios for one implementation at one timing; collects samples (seconds)."""

    def __init__(self, lab, mon, impl, label, version, adv, tmp, vigild):
        self.lab, self.mon, self.impl, self.label, self.adv = lab, mon, impl, label, adv
        self.d = {h: Daemon(lab, h, impl, tmp, config(h, version, adv), vigild) for h in HOSTS}
        self.samples = {}
        self.odd = []

    def add(self, key, value):
        self.samples.setdefault(key, []).append(value)

    def note(self, text):
        self.odd.append(text)
        self.mon.events.append(Event(time.monotonic(), "note", None, text))
        log(f"    ! {self.impl} {self.label}: {text}")

    def phase(self, name):
        self.mon.events.append(Event(time.monotonic(), "phase", None, f"{self.impl} {self.label} {name}"))

    def settle(self, seconds):
        """Quiet time: any VIP move now is a flap."""
        self.phase("settle")
        mark = len(self.mon.events)
        self.mon.pump(seconds)
        moves = [e for e in self.mon.events[mark:] if e.kind in ("vip+", "vip-")]
        if moves:
            self.note(f"unexpected VIP moves while idle: {moves}")
        return moves

    def expect_owner(self, host):
        other = "h2" if host == "h1" else "h1"
        if not self.lab.has_vip(host) or self.lab.has_vip(other):
            raise RuntimeError(f"expected only {host} to hold the VIP "
                               f"(h1={self.lab.has_vip('h1')} h2={self.lab.has_vip('h2')})")

    def start_pair(self):
        self.phase('start_pair')
        # The master first, then the backup: starting both at once is a race between their first
        # Master_Down timers and process start-up, which is not what this benchmark measures.
        mark = len(self.mon.events)
        self.d["h1"].start()
        timeout = 2 * master_down(50, self.adv) + 10
        self.mon.wait(lambda e: e.kind == "vip+" and e.host == "h1", timeout, mark, "the VIP on h1 at start")
        self.d["h2"].start()
        self.settle(max(3 * self.adv, 0.5))
        self.expect_owner("h1")

    def idle(self, seconds):
        pids = self.lab.pids("h1")
        cpu0, ticks0, t0 = sum(map(_cpu_ns, pids)), sum(map(_stat_ticks, pids)), time.monotonic()
        runs0 = sum(map(_runs, pids))
        self.settle(seconds)
        cpu1, ticks1, t1 = sum(map(_cpu_ns, pids)), sum(map(_stat_ticks, pids)), time.monotonic()
        wall = t1 - t0
        self.add("wakeups", (sum(map(_runs, pids)) - runs0) / wall)
        self.add("cpu", (cpu1 - cpu0) / 1e9 / wall * 100)
        self.add("cpu_ticks", (ticks1 - ticks0) / os.sysconf("SC_CLK_TCK") / wall * 100)
        self.add("rss", sum(map(_rss_kb, pids)) / 1024)
        self.add("nproc", len(pids))

    def _random_phase(self):
        """Act at a random point of the advert cycle (and keep recording adverts meanwhile)."""
        self.mon.pump(random.uniform(0, self.adv))

    def kill9(self):
        self.phase('kill9')
        h1 = self.d["h1"]
        pids = self.lab.pids("h1")
        self._random_phase()
        mark = len(self.mon.events)
        t0 = time.monotonic()
        # Stop every process first: keepalived's VRRP child gets SIGTERM as its parent's death
        # signal and, if it ran before its own SIGKILL, would hand over gracefully (priority 0).
        for sig in (signal.SIGSTOP, signal.SIGKILL):
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, sig)
        ev = self.mon.wait(lambda e: e.kind == "vip+" and e.host == "h2",
                           master_down(50, self.adv) + 5, mark, "the VIP on h2 after kill -9")
        adverts = [e for e in self.mon.events if e.kind == "adv" and e.host == HOSTS["h1"][0]
                   and e.detail > 0 and e.t < ev.t]
        self.add("kill_vip", ev.t - t0)
        if any(e.kind == "adv" and e.host == HOSTS["h1"][0] and e.detail == 0 for e in self.mon.events[mark:]):
            self.note("a priority-0 advert from the killed master (not a crash any more)")
        if adverts:
            self.add("kill_vip_adv", ev.t - adverts[-1].t)
            mine = [e for e in self.mon.events[mark:] if e.kind == "adv" and e.host == HOSTS["h2"][0]]
            if mine:
                self.add("kill_adv_adv", mine[0].t - adverts[-1].t)
        h1.reap()
        # A crashed node comes back without its addresses (a reboot): drop the stale VIP.
        self.lab.del_vip("h1")

    def sigterm(self):
        self.phase('sigterm')
        h1 = self.d["h1"]
        self._random_phase()
        self.mon.watch_exit(h1.pidfd, "h1")
        mark = len(self.mon.events)
        t0 = time.monotonic()
        h1.proc.send_signal(signal.SIGTERM)
        vip = self.mon.wait(lambda e: e.kind == "vip+" and e.host == "h2",
                            master_down(50, self.adv) + 5, mark, "the VIP on h2 after SIGTERM")
        ex = self.mon.wait(lambda e: e.kind == "exit" and e.detail == "h1", 10, mark, "h1 to exit after SIGTERM")
        self.add("term_vip", vip.t - t0)
        self.add("term_exit", ex.t - t0)
        zero = [e for e in self.mon.events[mark:] if e.kind == "adv" and e.host == HOSTS["h1"][0] and e.detail == 0]
        if zero:
            self.add("term_zero", zero[0].t - t0)
            mine = [e for e in self.mon.events[mark:] if e.kind == "adv" and e.host == HOSTS["h2"][0]
                    and e.t > zero[0].t]
            if mine:
                self.add("term_adv_adv", mine[0].t - zero[0].t)
        else:
            self.note("no priority-0 advert seen after SIGTERM")
        gone = [e for e in self.mon.events[mark:] if e.kind == "vip-" and e.host == "h1"]
        if gone:
            self.add("term_release", gone[0].t - t0)
        h1.reap()
        if self.lab.has_vip("h1"):
            self.note("h1 still held the VIP after exiting on SIGTERM")
            self.lab.del_vip("h1")

    def failback(self):
        self.phase('failback')
        h1 = self.d["h1"]
        mark = len(self.mon.events)
        t0 = time.monotonic()
        h1.start()
        ev = self.mon.wait(lambda e: e.kind == "vip+" and e.host == "h1",
                           2 * master_down(100, self.adv) + 10, mark, "the VIP back on h1")
        self.add("failback", ev.t - t0)
        rel = self.mon.wait(lambda e: e.kind == "vip-" and e.host == "h2",
                            3 * self.adv + 2, mark, "h2 to release the VIP")
        self.add("failback_release", rel.t - ev.t)
        self.settle(max(1.5 * self.adv, 0.3))
        self.expect_owner("h1")

    def run(self, trials, idle_seconds):
        try:
            self.start_pair()
            self.idle(idle_seconds)
            for i in range(trials):
                self.kill9()
                self.failback()
                self.sigterm()
                self.failback()
                log(f"    {self.impl} {self.label} trial {i + 1}/{trials} done")
        except (TimeoutError, RuntimeError) as e:
            self.note(f"aborted: {e}")
        finally:
            self.mon.pidfds.clear()
            for d in self.d.values():
                if d.proc is not None and d.proc.poll() is None:
                    d.proc.send_signal(signal.SIGTERM)
            for d in self.d.values():
                d.reap()
            for h in HOSTS:
                self.lab.del_vip(h)


# ---------------------------------------------------------------------------------------------
# Table

def fmt(v, digits=1):
    if v is None:
        return "-"
    return f"{v:.{digits}f}" if abs(v) < 100 else f"{v:.0f}"


def table(blocks, detail=False):
    """Rows of strings for every (scenario, timing, implementation)."""
    by = {(b.impl, b.label): b for b in blocks}
    rows = []

    def med(impl, label, key):
        b = by.get((impl, label))
        return statistics.median(b.samples[key]) if b and b.samples.get(key) else None

    scenarios = [
        # key, name, scale, digits, rfc(adv) -> (value or None, text), target; "*": --detail only
        ("kill_vip", "kill -9 → VIP on backup (from the kill)", 1000, 1,
         lambda a: (None, f"{fmt((master_down(50, a) - a) * 1000)}..{fmt(master_down(50, a) * 1000)}"), None),
        ("kill_adv_adv", "kill -9: last advert → backup's 1st advert", 1000, 1,
         lambda a: (master_down(50, a) * 1000, None), "rfc"),
        ("kill_vip_adv", "kill -9: last advert → VIP on backup", 1000, 1,
         lambda a: (master_down(50, a) * 1000, None), "rfc"),
        ("term_zero", "* SIGTERM → priority-0 advert", 1000, 2, lambda a: (0.0, None), None),
        ("term_adv_adv", "SIGTERM: prio-0 advert → backup's 1st advert", 1000, 1,
         lambda a: (skew(50, a) * 1000, None), "rfc"),
        ("term_vip", "SIGTERM → VIP on backup", 1000, 1, lambda a: (skew(50, a) * 1000, None), "rfc"),
        ("term_exit", "SIGTERM → process exited", 1000, 1, lambda a: (None, "< 100"), "exit"),
        ("failback", "restart → VIP back on master", 1000, 1,
         lambda a: (master_down(100, a) * 1000, None), "keepalived"),
        ("failback_release", "* fail-back: VIP on master → backup drops it", 1000, 2, lambda a: (None, "-"), None),
        ("rss", "idle RSS, master node (MB)", 1, 1, lambda a: (None, "-"), None),
        ("cpu", "idle CPU, master node (% of a core)", 1, 3, lambda a: (None, "-"), "keepalived"),
    ]
    for key, name, scale, digits, rfc, target in scenarios:
        if name.startswith("*") and not detail:
            continue
        for label, _, adv in TIMINGS:
            for impl in IMPLS:
                b = by.get((impl, label))
                if b is None:
                    continue
                xs = [x * scale for x in b.samples.get(key, [])]
                rfc_value, rfc_text = rfc(adv)
                if not xs:
                    rows.append([name, label, impl, "-", "-", "-", "0",
                                 rfc_text or fmt(rfc_value, digits), "-", "no data" if target else ""])
                    continue
                lo, mid, hi = min(xs), statistics.median(xs), max(xs)
                delta = "-" if rfc_value is None else f"{mid - rfc_value:+.{digits}f}"
                verdict = ""
                if impl == "vigild" and target == "rfc":
                    verdict = "yes" if abs(mid - rfc_value) <= 1.0 else "NO"
                    ref = med("keepalived", label, key)
                    if ref is not None:
                        verdict += f" (ka {ref * scale - rfc_value:+.{digits}f})"
                elif impl == "vigild" and target == "exit":
                    verdict = "yes" if hi < 100 else "NO"
                elif impl == "vigild" and target == "keepalived":
                    ref = med("keepalived", label, key)
                    if ref is None:
                        verdict = "no ref"
                    else:
                        ref *= scale
                        tol = 1.0 if key == "failback" else 0.0
                        verdict = ("yes" if mid <= ref + tol else "NO") + f" (ka {fmt(ref, digits)})"
                rows.append([name, label, impl, fmt(lo, digits), fmt(mid, digits), fmt(hi, digits),
                             str(len(xs)), rfc_text or fmt(rfc_value, digits), delta, verdict])
    return rows


def print_table(rows):
    head = ["scenario", "timing", "impl", "min", "median", "max", "n", "RFC", "med−RFC", "target met"]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    right = {3, 4, 5, 6, 7, 8}

    def line(r):
        return " | ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths)))

    print(line(head))
    print("-+-".join("-" * w for w in widths))
    prev = None
    for r in rows:
        if prev is not None and r[0] != prev:
            print("-+-".join("-" * w for w in widths))
        prev = r[0]
        print(line(r))


# ---------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--trials", type=int, default=5, help="trials per scenario (default 5)")
    ap.add_argument("--quick", action="store_true", help="smoke run: 1 trial, v3 0.1 s only")
    ap.add_argument("--idle", type=float, default=10.0, help="idle window for RSS/CPU in s (default 10)")
    ap.add_argument("--vigild", default=DEFAULT_VIGILD, help=f"vigild binary (default {DEFAULT_VIGILD})")
    ap.add_argument("--timing", choices=list(TIMING_NAMES), action="append", help="run only this timing")
    ap.add_argument("--impl", choices=IMPLS, action="append", help="run only this implementation")
    ap.add_argument("--detail", action="store_true",
                    help="also the rows marked *: advert-to-advert timings and the priority-0 advert")
    ap.add_argument("--keep-logs", metavar="DIR", help="copy daemon configs and logs here")
    args = ap.parse_args()

    if os.geteuid() != 0:
        print("vrrp_failover: needs root (it creates network namespaces and opens packet sockets); "
              "run it with sudo", file=sys.stderr)
        return 2
    missing = [p for p in (IP, KEEPALIVED) if not os.access(p, os.X_OK)]
    impls = args.impl or IMPLS
    if "vigild" in impls and not os.access(args.vigild, os.X_OK):
        missing.append(args.vigild + "  (build it: swift build -c release --scratch-path .build-vbench "
                                      "--product vigild)")
    if missing:
        print("vrrp_failover: missing " + ", ".join(missing), file=sys.stderr)
        return 2

    wanted = [TIMING_NAMES[n] for n in args.timing] if args.timing else [t[0] for t in TIMINGS]
    timings = [t for t in TIMINGS if t[0] in (["v3 0.1s"] if args.quick else wanted)]
    trials = 1 if args.quick else max(1, args.trials)
    idle_s = min(args.idle, 3.0) if args.quick else args.idle

    def on_term(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    random.seed()
    lab = Lab()
    tmp = tempfile.mkdtemp(prefix="vigil-vrrp-bench-")
    blocks = []
    mon = None
    started = time.monotonic()
    try:
        lab.up()
        mon = Monitor(lab)
        for label, version, adv in timings:
            for impl in impls:
                log(f"== {impl} pair, {label}: {trials} trial(s)")
                b = Block(lab, mon, impl, label, version, adv, tmp, args.vigild)
                b.run(trials, idle_s)
                blocks.append(b)
    except KeyboardInterrupt:
        log("interrupted: tearing the lab down")
        return 130
    except Exception as e:  # the lab itself failed: no table to print
        log(f"vrrp_failover: lab failed: {e}")
        return 1
    finally:
        if mon is not None:
            mon.close()
            if args.keep_logs:
                with open(os.path.join(tmp, "events.txt"), "w") as f:
                    f.writelines(f"{e.t:.6f} {e.kind} {e.host} {e.detail}\n" for e in mon.events)
        lab.down()
        if args.keep_logs:
            shutil.copytree(tmp, args.keep_logs, dirs_exist_ok=True)
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"VRRP failover benchmark: VRID {VRID}, VIP {VIP}, h1 MASTER 100 / h2 BACKUP 50, same "
          f"implementation on both nodes; times in ms; {trials} trial(s); run took "
          f"{time.monotonic() - started:.0f} s")
    print("RFC: Master_Down = 3×adv + Skew, Skew(50) = 0.8046875×adv; fail-back RFC = Master_Down(100) "
          "= 3.609375×adv from start")
    print("Targets (vigild rows): |median − RFC| ≤ 1 ms (keepalived's own median − RFC in brackets); "
          "exit: max < 100 ms; fail-back median ≤ keepalived's + 1 ms; idle CPU ≤ keepalived's")
    print_table(table(blocks, args.detail))
    for b in blocks:
        ticks = b.samples.get("cpu_ticks")
        extra = f"; CPU from /proc/PID/stat ticks: {ticks[0]:.2f} %" if ticks else ""
        wake = b.samples.get("wakeups")
        extra += f"; {wake[0]:.0f} wake-ups/s while idle" if wake else ""
        procs = b.samples.get("nproc")
        print(f"{b.impl:10} {b.label:8}: {procs[0] if procs else '?'} process(es) on the master node{extra}")
        for o in b.odd:
            print(f"  NOTE {b.impl} {b.label}: {o}")
    if mon is not None and mon.overruns:
        print(f"NOTE: {mon.overruns} netlink overrun(s): some address events may be missing")
    return 0


if __name__ == "__main__":
    sys.exit(main())
