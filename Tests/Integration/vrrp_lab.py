"""A VRRP LAN of network namespaces for the integration suite: a bridge, hosts on it, vigild and
the real keepalived as peers, dumpcap/tshark on the bridge, and raw-socket packet injection.

Layout of one Lab (every name carries the run's own prefix, e.g. `vl1234-1-`):
    PREFIX-lan  holds bridge br0 (STP off, forward_delay 0, multicast snooping off) and the ports vH
    PREFIX-h1   eth0 192.0.2.1/24, 2001:db8::1/64      (and h2 .2/::2, h3 .3/::3)
Nothing is created in the root namespace. Leaving the `with` block (also on an exception or the
runner's time limit) kills every process running in the lab's namespaces, and only those, then
deletes the namespaces.

Only documentation addresses are used: 192.0.2.0/24 and 2001:db8::/32.
"""

import contextlib
import http.client as httpclient
import itertools
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import threading
import time

import vigil_harness as harness
from vigil_harness import Exposition, Skip

IP = "/usr/sbin/ip"
KEEPALIVED = "/usr/sbin/keepalived"
TSHARK = "/usr/bin/tshark"
DUMPCAP = "/usr/bin/dumpcap"

VIP4 = "192.0.2.100"
VIP6 = "2001:db8::100"
VRID = 51
METRICS_PORT = 7390  # each host has its own loopback, so the same port in every namespace
HOST_INDEX = {"h1": 1, "h2": 2, "h3": 3}

_lab_counter = itertools.count(1)


def require_lab():
    """Root and the lab's tools, or a loud skip / failure."""
    if os.geteuid() != 0:
        raise Skip("NEEDS ROOT: the VRRP lab creates network namespaces and raw sockets")
    harness.require_tool(IP, "iproute2")
    harness.require_tool(KEEPALIVED, "keepalived")
    harness.require_tool(TSHARK, "tshark")
    harness.require_tool(DUMPCAP, "tshark")


def baseline_enabled():
    return os.environ.get("VIGIL_LAB_BASELINE") == "1"


def require_baseline():
    if not baseline_enabled():
        raise Skip("keepalived-only baseline: set VIGIL_LAB_BASELINE=1 to run it")


def wait_for(predicate, timeout, interval=0.005, what="condition"):
    """Poll predicate() until truthy; returns the elapsed seconds. AssertionError on timeout."""
    start = time.monotonic()
    while True:
        if predicate():
            return time.monotonic() - start
        elapsed = time.monotonic() - start
        if elapsed >= timeout:
            raise AssertionError(f"timed out after {elapsed:.3f} s waiting for {what}")
        time.sleep(interval)


def master_down(priority, advert_int):
    """RFC 5798: Master_Down_Interval = 3 × Advertisement_Interval + Skew_Time."""
    return 3 * advert_int + skew_time(priority, advert_int)


def skew_time(priority, advert_int):
    return (256 - priority) / 256 * advert_int


# ---------------------------------------------------------------------------------------------
# Configurations

def vrrp_config(state="MASTER", priority=100, version=2, advert_int=1, vip=VIP4 + "/24",
                instance="VI_1", vrid=VRID, nopreempt=False, auth_pass="1111", extra=""):
    """One vrrp_instance on eth0 (plus global_defs for v3); valid for vigild and keepalived."""
    lines = []
    if version == 3:
        lines += ["global_defs {", "    vrrp_version 3", "}", ""]
    lines += [f"vrrp_instance {instance} {{",
              f"    state {state}",
              "    interface eth0",
              f"    virtual_router_id {vrid}",
              f"    priority {priority}",
              f"    advert_int {advert_int:g}"]
    if nopreempt:
        lines.append("    nopreempt")
    if version == 2 and auth_pass is not None:
        lines += ["    authentication {", "        auth_type PASS", f"        auth_pass {auth_pass}", "    }"]
    lines += ["    virtual_ipaddress {", f"        {vip} dev eth0", "    }"]
    if extra:
        lines.append(extra)
    lines += ["}", ""]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Namespaces

ns_call = harness.ns_call


def ns_socket(ns, family, type_, proto=0):
    return ns_call(ns, lambda: socket.socket(family, type_, proto))


class _NSHTTPConnection(httpclient.HTTPConnection):
    def __init__(self, ns, host, port, timeout):
        super().__init__(host, port, timeout=timeout)
        self.ns = ns

    def connect(self):
        s = ns_socket(self.ns, socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect((self.host, self.port))
        self.sock = s


def ns_http_get(ns, port, path, timeout=2):
    """GET http://127.0.0.1:PORT/PATH from inside namespace ns: (status, body text)."""
    conn = _NSHTTPConnection(ns, "127.0.0.1", port, timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


def _cmd(argv, timeout=10, check=True):
    code, out, err = harness.run(argv, timeout=timeout)
    if check and code != 0:
        raise AssertionError(f"{' '.join(argv)} exited {code}: {err.strip() or out.strip()}")
    return out


def _reap(proc, timeout=3):
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=timeout)
    if proc.returncode is not None:
        harness.STARTED_PIDS.discard(proc.pid)


class Lab:
    """The namespaces, bridge and hosts; a context manager that always tears everything down."""

    def __init__(self, hosts=("h1", "h2")):
        require_lab()
        self.prefix = f"vl{os.getpid()}-{next(_lab_counter)}-"
        self.hosts = list(hosts)
        self.lan = self.prefix + "lan"
        self.tmp = tempfile.mkdtemp(prefix="vigil-vrrp-lab-")
        self.namespaces = []
        self.procs = []  # Popen objects started in the lab, reaped at teardown
        self._macs = {}

    # -- lifecycle -----------------------------------------------------------------------------
    def __enter__(self):
        try:
            self._build()
        except BaseException:
            self.teardown()
            raise
        return self

    def __exit__(self, *exc):
        self.teardown()
        return False

    def ns(self, host):
        return self.prefix + host

    def _add_ns(self, name):
        _cmd([IP, "netns", "add", name])
        self.namespaces.append(name)

    def _batch(self, ns, lines):
        """Several `ip` commands in one process, inside ns."""
        proc = harness.spawn([IP, "-n", ns, "-batch", "-"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out, err = proc.communicate("\n".join(lines).encode() + b"\n", timeout=10)
        harness.STARTED_PIDS.discard(proc.pid)
        if proc.returncode != 0:
            raise AssertionError(f"ip -n {ns} -batch failed: {err.decode(errors='replace').strip()}")

    def _sysctl(self, ns, *settings):
        _cmd([IP, "netns", "exec", ns, "sysctl", "-qw", *settings])

    def _build(self):
        self._add_ns(self.lan)
        # The switch itself takes no part in IPv6: no RS/MLD noise in captures.
        self._sysctl(self.lan, "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1")
        self._batch(self.lan, [
            "link set lo up",
            "link add br0 type bridge stp_state 0 forward_delay 0 mcast_snooping 0",
            "link set br0 up",
        ])
        for host in self.hosts:
            ns = self.ns(host)
            self._add_ns(ns)
            # DAD off before any link is up, else IPv6 addresses (and VIPs) stay tentative.
            self._sysctl(ns, "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0",
                         "net.ipv6.conf.default.router_solicitations=0")
            _cmd([IP, "link", "add", "eth0", "netns", ns, "type", "veth", "peer", "name", f"v{host}",
                  "netns", self.lan])
            n = HOST_INDEX[host]
            self._batch(ns, [
                "link set lo up",
                f"addr add 192.0.2.{n}/24 dev eth0",
                f"addr add 2001:db8::{n}/64 dev eth0 nodad",
                "link set eth0 up",
            ])
            self._batch(self.lan, [f"link set v{host} master br0", f"link set v{host} up"])

    def teardown(self):
        for ns in self.namespaces:
            code, out, _ = harness.run([IP, "netns", "pids", ns], timeout=10)
            for pid in (int(p) for p in out.split() if p.isdigit()) if code == 0 else ():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        for proc in self.procs:
            _reap(proc)
        for ns in reversed(self.namespaces):
            harness.run([IP, "netns", "del", ns], timeout=10)
        self.namespaces = []
        if not os.environ.get("VIGIL_INTEG_KEEP"):
            shutil.rmtree(self.tmp, ignore_errors=True)

    # -- helpers -------------------------------------------------------------------------------
    def run(self, host, *argv, timeout=10, check=True):
        """A command inside a host's (or "lan") namespace; returns stdout."""
        return _cmd([IP, "netns", "exec", self.ns(host), *argv], timeout=timeout, check=check)

    def addresses(self, host):
        return _cmd([IP, "-n", self.ns(host), "-o", "addr", "show", "dev", "eth0"])

    def has_address(self, host, address):
        pattern = re.compile(r"\binet6?\s+" + re.escape(address) + r"/")
        return bool(pattern.search(self.addresses(host)))

    def owners(self, address=VIP4, hosts=("h1", "h2")):
        return [h for h in hosts if self.has_address(h, address)]

    def link_local(self, host):
        m = re.search(r"\binet6\s+(fe80::[0-9a-f:]+)/64", self.addresses(host))
        if not m:
            raise AssertionError(f"no link-local address on {host} eth0")
        return m.group(1)

    def mac(self, host):
        if host not in self._macs:
            out = _cmd([IP, "-n", self.ns(host), "-o", "link", "show", "dev", "eth0"])
            m = re.search(r"link/ether ([0-9a-f:]{17})", out)
            if not m:
                raise AssertionError(f"no MAC on {host} eth0: {out}")
            self._macs[host] = m.group(1)
        return self._macs[host]

    def _spawn(self, host, argv, log_path):
        log = open(log_path, "ab")
        try:
            proc = harness.spawn([IP, "netns", "exec", self.ns(host), *argv], stdin=subprocess.DEVNULL,
                                 stdout=log, stderr=log)
        finally:
            log.close()
        self.procs.append(proc)
        return proc

    def vigild(self, host, config, wait_ready=True, tag=None):
        """Start vigild in host with this config text; returns a VigildHandle."""
        name = f"{host}-vigild-{tag or len(self.procs)}"
        conf = os.path.join(self.tmp, name + ".conf")
        with open(conf, "w") as f:
            f.write(config)
        log = os.path.join(self.tmp, name + ".log")
        sock = os.path.join(self.tmp, name + ".sock")
        argv = [harness.binary("vigild"), "-f", conf, "--listen", f"127.0.0.1:{METRICS_PORT}",
                "--control-socket", sock]
        handle = VigildHandle(self, host, self._spawn(host, argv, log), log)
        if wait_ready:
            handle.wait_ready()
        return handle

    def keepalived(self, host, config, tag=None):
        """Start keepalived 2.2.7 (VRRP only, foreground, console log) in host; a KeepalivedHandle."""
        name = f"{host}-keepalived-{tag or len(self.procs)}"
        conf = os.path.join(self.tmp, name + ".conf")
        with open(conf, "w") as f:
            f.write(config)
        log = os.path.join(self.tmp, name + ".log")
        pidfile = os.path.join(self.tmp, name + ".pid")
        vrrp_pidfile = os.path.join(self.tmp, name + ".vrrp.pid")
        argv = [KEEPALIVED, "-P", "-n", "-l", "-D", "-f", conf, "-p", pidfile, "-r", vrrp_pidfile]
        handle = KeepalivedHandle(self, host, self._spawn(host, argv, log), log, vrrp_pidfile)
        handle.wait_ready()
        return handle

    def start(self, impl, host, config, tag=None):
        return self.vigild(host, config, tag=tag) if impl == "vigild" else self.keepalived(host, config, tag=tag)

    def capture(self, seconds, capture_filter="vrrp or (ip6 proto 112) or arp or icmp6", name=None):
        """dumpcap (tshark's capture engine) on br0 in the lan namespace; stops itself after
        `seconds` (no signal needed). Returns a Capture once the capture is running."""
        path = os.path.join(self.tmp, (name or f"capture-{len(self.procs)}") + ".pcapng")
        log = path + ".log"
        proc = self._spawn("lan", [DUMPCAP, "-q", "-i", "br0", "-f", capture_filter,
                                   "-a", f"duration:{seconds:g}", "-w", path], log)
        cap = Capture(self, proc, path, log)
        wait_for(lambda: cap.started(), 10, interval=0.02, what=f"dumpcap to start capturing ({log})")
        return cap

    def injector(self, host="h3"):
        """A raw IPv4 protocol-112 socket in host with IP_HDRINCL (the test sets TTL itself)."""
        ns = self.ns(host)

        def make():
            s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 112)
            s.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"eth0")
            ifindex = socket.if_nametoindex("eth0")
            # struct ip_mreqn {imr_multiaddr, imr_address, imr_ifindex}
            s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, struct.pack("=4s4si", b"\0" * 4, b"\0" * 4, ifindex))
            return s
        return ns_call(ns, make)


# Names of Lab.ns(...) calls for "lan" work too: Lab.ns("lan") == prefix + "lan".


class Capture:
    def __init__(self, lab, proc, path, log):
        self.lab, self.proc, self.path, self.log_path = lab, proc, path, log

    def started(self):
        if self.proc.poll() is not None:
            raise AssertionError(f"dumpcap exited {self.proc.returncode}: {self.log()}")
        return "Capturing on" in self.log() or (os.path.exists(self.path) and os.path.getsize(self.path) > 0)

    def log(self):
        with contextlib.suppress(FileNotFoundError), open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")
        return ""

    def wait(self, timeout):
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"dumpcap did not stop by itself within {timeout} s")
        harness.STARTED_PIDS.discard(self.proc.pid)
        return self.path

    def tshark(self, *args, timeout=30):
        code, out, err = harness.run([TSHARK, "-r", self.path, *args], timeout=timeout)
        if code != 0:
            raise AssertionError(f"tshark {' '.join(args)} exited {code}: {err.strip()}")
        return out

    def fields(self, display_filter, *fields):
        """Rows of the named fields for packets matching display_filter."""
        args = ["-Y", display_filter, "-T", "fields", "-E", "separator=|", "-E", "occurrence=a"]
        for f in fields:
            args += ["-e", f]
        return [line.split("|") for line in self.tshark(*args).splitlines() if line.strip()]

    def records(self, display_filter, fields):
        """One tshark pass: a dict of the named fields per matching packet (tshark starts slowly)."""
        fields = ["frame.protocols", *fields]
        return [dict(zip(fields, row)) for row in self.fields(display_filter, *fields)]

    def expert(self, severity="warn"):
        """The expert-info summary lines of severity >= `severity` (empty when there are none)."""
        out = self.tshark("-q", "-z", f"expert,{severity}")
        return [l for l in out.splitlines()
                if l.strip() and not l.startswith("=") and "Expert Information" not in l
                and not re.match(r"^\s*(Severity|Errors|Warnings|Notes|Chats)\b", l)
                and not re.match(r"^\s*Frequency\s+Group\s+Protocol\s+Summary", l)]


class _Handle:
    def __init__(self, lab, host, proc, log_path):
        self.lab, self.host, self.proc, self.log_path = lab, host, proc, log_path
        self.started_at = time.monotonic()

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc.poll() is None

    def log(self):
        with contextlib.suppress(FileNotFoundError), open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")
        return ""

    def assert_alive(self):
        if not self.alive():
            raise AssertionError(f"{self.kind} in {self.host} exited with {self.proc.returncode}; "
                                 f"log:\n{self.log()[-3000:]}")

    def stop(self, sig=signal.SIGTERM, timeout=5):
        """Signal the process; returns the seconds until it exited (SIGKILL after timeout)."""
        t0 = time.monotonic()
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, sig)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill9()
            raise AssertionError(f"{self.kind} in {self.host} did not exit within {timeout} s of {sig.name}")
        harness.STARTED_PIDS.discard(self.pid)
        return time.monotonic() - t0

    def kill9(self):
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        _reap(self.proc)


class VigildHandle(_Handle):
    kind = "vigild"

    def wait_ready(self, timeout=15):
        def answering():
            self.assert_alive()
            try:
                return ns_http_get(self.lab.ns(self.host), METRICS_PORT, "/healthz", timeout=1)[0] > 0
            except OSError:
                return False
        wait_for(answering, timeout, interval=0.02, what=f"vigild in {self.host} to answer /healthz")

    def metrics(self):
        status, body = ns_http_get(self.lab.ns(self.host), METRICS_PORT, "/metrics?format=text")
        if status != 200:
            raise AssertionError(f"/metrics in {self.host} answered {status}: {body[:300]}")
        return Exposition(body)

    def vrrp_state(self, instance="VI_1"):
        """The state label whose vigil_vrrp_state sample is 1, or None."""
        states = [l.get("state") for (n, l, v, _) in self.metrics().samples
                  if n == "vigil_vrrp_state" and l.get("vrrp_instance") == instance and v == 1]
        if len(states) > 1:
            raise AssertionError(f"{self.host}: vigil_vrrp_state is 1 for several states: {states}")
        return states[0] if states else None

    def transitions(self, instance="VI_1"):
        """{(from, to, reason): count} from vigil_vrrp_transitions_total."""
        return {(l.get("from"), l.get("to"), l.get("reason")): v
                for (n, l, v, _) in self.metrics().samples
                if n == "vigil_vrrp_transitions_total" and l.get("vrrp_instance") == instance}

    def dropped(self, instance="VI_1"):
        """{reason: count} from vigil_vrrp_packets_dropped_total."""
        return {l.get("reason"): v for (n, l, v, _) in self.metrics().samples
                if n == "vigil_vrrp_packets_dropped_total" and l.get("vrrp_instance") == instance}

    def dropped_unattributed(self):
        """Drops counted without an instance (vrrp_instance="" or absent), by reason."""
        return {l.get("reason"): v for (n, l, v, _) in self.metrics().samples
                if n == "vigil_vrrp_packets_dropped_total" and not l.get("vrrp_instance")}

    def transition_lines(self):
        return [l for l in self.log().splitlines() if "vrrp transition" in l]


class KeepalivedHandle(_Handle):
    kind = "keepalived"

    def __init__(self, lab, host, proc, log_path, vrrp_pidfile):
        super().__init__(lab, host, proc, log_path)
        self.vrrp_pidfile = vrrp_pidfile

    def vrrp_pid(self):
        with contextlib.suppress(FileNotFoundError, ValueError), open(self.vrrp_pidfile) as f:
            return int(f.read().strip())
        return None

    def wait_ready(self, timeout=10):
        def child_up():
            self.assert_alive()
            return self.vrrp_pid() is not None
        wait_for(child_up, timeout, interval=0.02, what=f"keepalived's VRRP child in {self.host}")

    def kill9(self):
        # The parent would respawn a dead VRRP child (and the child may get a parent-death
        # signal and stop gracefully): freeze the parent, then kill the child, then the parent.
        child = self.vrrp_pid()
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGSTOP)
        if child is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGKILL)
        super().kill9()


# ---------------------------------------------------------------------------------------------
# VRRP packets for injection (our own encoder, independent of the daemon's)

def inet_checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def vrrp_v2(vrid=VRID, priority=254, advert_int=1, vips=(VIP4,), password=b"1111", corrupt_checksum=False,
            version=2):
    body = struct.pack("!BBBBBBH", (version << 4) | 1, vrid, priority, len(vips), 1, advert_int, 0)
    body += b"".join(socket.inet_aton(v) for v in vips) + password.ljust(8, b"\0")[:8]
    csum = inet_checksum(body)
    if corrupt_checksum:
        csum ^= 0x5A5A
    return body[:6] + struct.pack("!H", csum) + body[8:]


def ipv4_packet(payload, src="192.0.2.3", dst="224.0.0.18", ttl=255, tos=0xC0, ident=0):
    header = struct.pack("!BBHHHBBH4s4s", 0x45, tos, 20 + len(payload), ident, 0, ttl, 112, 0,
                         socket.inet_aton(src), socket.inet_aton(dst))
    header = header[:10] + struct.pack("!H", inet_checksum(header)) + header[12:]
    return header + payload


# Malformed adverts for VRID 51 (v2, PASS 1111, VIP 192.0.2.100), one defect each, priority 254 so
# that accepting one would make the master step down. Keys are the expected drop reasons.
def malformed_adverts(src="192.0.2.3"):
    good = dict(src=src)
    return {
        "ttl": ipv4_packet(vrrp_v2(), ttl=254, **good),
        "auth_mismatch": ipv4_packet(vrrp_v2(password=b"2222"), **good),
        "checksum": ipv4_packet(vrrp_v2(corrupt_checksum=True), **good),
        "interval_mismatch": ipv4_packet(vrrp_v2(advert_int=2), **good),
        "address_list": ipv4_packet(vrrp_v2(vips=("192.0.2.101",)), **good),
        "version": ipv4_packet(vrrp_v2(version=1), **good),
        "truncated": ipv4_packet(vrrp_v2()[:10], **good),
    }


# ---------------------------------------------------------------------------------------------
# Scenarios shared by the vigild tests, the interop tests and the keepalived-only baselines.
# `impls` names what runs on h1 and h2: ("vigild", "vigild"), ("vigild", "keepalived"), ...

MARGIN = 1.0  # seconds allowed beyond an RFC timer for process start and polling


def _vip_of(family):
    return (VIP4, VIP4 + "/24") if family == 4 else (VIP6, VIP6 + "/64")


def _configs(version, advert_int, family, h1_state="MASTER", nopreempt=False):
    _, vip_cidr = _vip_of(family)
    h1 = vrrp_config(state=h1_state, priority=100, version=version, advert_int=advert_int, vip=vip_cidr,
                     nopreempt=nopreempt)
    h2 = vrrp_config(state="BACKUP", priority=50, version=version, advert_int=advert_int, vip=vip_cidr)
    return h1, h2


def assert_state(handle, expected, instance="VI_1"):
    """For vigild: vigil_vrrp_state says `expected` (polled briefly: metrics follow the event)."""
    if not isinstance(handle, VigildHandle):
        return
    seen = []

    def ok():
        seen.append(handle.vrrp_state(instance))
        return seen[-1] == expected
    try:
        wait_for(ok, 1.0, interval=0.02)
    except AssertionError:
        raise AssertionError(f"{handle.host}: vigil_vrrp_state{{state=\"{expected}\"}} is not 1 "
                             f"(state with value 1: {seen[-1]!r}); log:\n{handle.log()[-1500:]}")


def assert_vip_owned_metric(handle, vip, owned):
    if not isinstance(handle, VigildHandle):
        return
    values = [v for (n, l, v, _) in handle.metrics().samples
              if n == "vigil_vip_owned" and l.get("vip", "").split("/")[0] == vip]
    assert values == [1.0 if owned else 0.0], (
        f"{handle.host}: vigil_vip_owned{{vip={vip}}} = {values}, expected {1 if owned else 0}")


def wait_owner(lab, host, vip, timeout, what):
    try:
        return wait_for(lambda: lab.has_address(host, vip), timeout, what=what)
    except AssertionError as e:
        raise AssertionError(f"{e}; owners now: {lab.owners(vip)}") from None


def hold_single_owner(lab, host, vip, seconds, interval=0.05):
    """Exactly `host` owns vip for the whole window (no flapping); raises on the first deviation."""
    end = time.monotonic() + seconds
    samples = 0
    while time.monotonic() < end:
        owners = lab.owners(vip)
        if owners != [host]:
            raise AssertionError(f"after {samples} good samples the VIP {vip} owners are {owners}, "
                                 f"expected only {host}")
        samples += 1
        time.sleep(interval)
    return samples


def _logs(*handles):
    return "\n".join(f"--- {h.kind} {h.host}\n{h.log()[-2000:]}" for h in handles)


def scenario_elect_and_kill9(impls, version=2, advert_int=1, family=4, stable=0.0):
    """h1 (prio 100) gets the VIP, h2 (prio 50) not; kill -9 h1 → h2 owns it on its Master_Down."""
    vip, _ = _vip_of(family)
    c1, c2 = _configs(version, advert_int, family)
    with Lab() as lab:
        t0 = time.monotonic()
        h1 = lab.start(impls[0], "h1", c1)
        h2 = lab.start(impls[1], "h2", c2)
        limit = master_down(100, advert_int) + MARGIN
        wait_owner(lab, "h1", vip, limit - (time.monotonic() - t0), f"the VIP on h1 ({impls[0]})")
        elected = time.monotonic() - t0
        time.sleep(min(0.2, advert_int))
        assert lab.owners(vip) == ["h1"], f"owners {lab.owners(vip)} after the election\n{_logs(h1, h2)}"
        assert_state(h1, "master")
        assert_state(h2, "backup")
        assert_vip_owned_metric(h1, vip, True)
        if stable:
            hold_single_owner(lab, "h1", vip, stable)
        h1.kill9()
        t_takeover = wait_owner(lab, "h2", vip, master_down(50, advert_int) + MARGIN,
                                f"the VIP on h2 ({impls[1]}) after kill -9 of h1")
        low = master_down(50, advert_int) - advert_int - 0.05
        assert t_takeover >= low, (f"h2 took over {t_takeover:.3f} s after kill -9, earlier than "
                                   f"Master_Down - advert_int = {low + 0.05:.3f} s")
        assert_state(h2, "master")
        assert_vip_owned_metric(h2, vip, True)
        if isinstance(h2, VigildHandle):
            moves = {k: v for k, v in h2.transitions().items() if k[0] == "backup" and k[1] == "master"}
            assert moves and all(k[2] for k in moves), f"h2 transitions: {h2.transitions()}"
            lines = [l for l in h2.transition_lines() if "from=backup" in l and "to=master" in l and "reason=" in l]
            assert lines, f"no 'vrrp transition ... from=backup to=master reason=' line in h2's log:\n{h2.log()[-1500:]}"
        return (f"{impls[0]}→{impls[1]} v{version} adv {advert_int:g} IPv{family}: h1 master after "
                f"{elected * 1000:.0f} ms; kill -9 → h2 owns VIP after {t_takeover * 1000:.0f} ms "
                f"(Master_Down {master_down(50, advert_int) * 1000:.0f} ms)"
                + (f"; single owner for {stable:g} s" if stable else ""))


def scenario_sigterm_and_preempt(impls, version=2, advert_int=1, family=4):
    """SIGTERM h1 → h2 owns the VIP after Skew_Time(50); h1 restarts → preempts, h2 releases."""
    vip, _ = _vip_of(family)
    c1, c2 = _configs(version, advert_int, family)
    with Lab() as lab:
        h1 = lab.start(impls[0], "h1", c1, tag="first")
        h2 = lab.start(impls[1], "h2", c2)
        wait_owner(lab, "h1", vip, master_down(100, advert_int) + MARGIN, "the VIP on h1")
        time.sleep(min(0.2, advert_int))
        exited = []
        waiter = threading.Thread(target=lambda: exited.append((h1.proc.wait(), time.monotonic())), daemon=True)
        t0 = time.monotonic()
        waiter.start()
        os.kill(h1.pid, signal.SIGTERM)
        t_handover = wait_owner(lab, "h2", vip, skew_time(50, advert_int) + 0.3 + 0.5,
                                "the VIP on h2 after SIGTERM of h1")
        waiter.join(timeout=5)
        assert exited, f"h1 ({impls[0]}) did not exit within 5 s of SIGTERM"
        harness.STARTED_PIDS.discard(h1.pid)
        t_exit = exited[0][1] - t0
        skew = skew_time(50, advert_int)
        assert skew - 0.05 <= t_handover <= skew + 0.3, (
            f"handover after {t_handover * 1000:.0f} ms, expected Skew_Time(50) = {skew * 1000:.0f} ms "
            f"(-50/+300 ms)\n{_logs(h1, h2)}")
        assert not lab.has_address("h1", vip), "h1 still holds the VIP after it stopped"
        if impls[0] == "vigild":
            # keepalived takes ~1 s to exit; the issue asks vigild for under 100 ms (one sample here,
            # on a shared machine: a looser bound, the number is in the detail).
            assert exited[0][0] == 0 and t_exit < 0.25, (
                f"vigild exited with {exited[0][0]} {t_exit * 1000:.0f} ms after SIGTERM (target < 100 ms)")
        assert_state(h2, "master")
        # Fresh h1: starts as backup, hears lower priority 50, preempts on its Master_Down.
        t1 = time.monotonic()
        h1b = lab.start(impls[0], "h1", c1, tag="second")
        wait_owner(lab, "h1", vip, master_down(100, advert_int) + MARGIN - (time.monotonic() - t1),
                   "the restarted h1 to preempt")
        t_preempt = time.monotonic() - t1
        t_release = wait_for(lambda: not lab.has_address("h2", vip), advert_int + 0.5,
                             what="h2 to release the VIP after h1 preempted")
        hold_single_owner(lab, "h1", vip, min(1.0, 3 * advert_int))
        assert_state(h1b, "master")
        assert_state(h2, "backup")
        return (f"{impls[0]}/{impls[1]} v{version} adv {advert_int:g}: SIGTERM → h2 owns VIP after "
                f"{t_handover * 1000:.0f} ms (Skew_Time {skew * 1000:.0f} ms), h1 exited after "
                f"{t_exit * 1000:.0f} ms; restarted h1 preempts after {t_preempt * 1000:.0f} ms, h2 "
                f"released {t_release * 1000:.0f} ms later")


def scenario_nopreempt(impls, version=3, advert_int=0.1, family=4):
    """Both `state BACKUP`, h1 `nopreempt`: after h1 returns, h2 keeps the VIP."""
    vip, _ = _vip_of(family)
    c1, c2 = _configs(version, advert_int, family, h1_state="BACKUP", nopreempt=True)
    with Lab() as lab:
        h1 = lab.start(impls[0], "h1", c1, tag="first")
        h2 = lab.start(impls[1], "h2", c2)
        wait_owner(lab, "h1", vip, master_down(100, advert_int) + MARGIN, "the VIP on h1")
        time.sleep(0.2)
        h1.stop(signal.SIGTERM)
        wait_owner(lab, "h2", vip, skew_time(50, advert_int) + 1.0, "the VIP on h2 after SIGTERM of h1")
        lab.start(impls[0], "h1", c1, tag="second")
        window = max(2.0, 4 * master_down(100, advert_int))
        samples = hold_single_owner(lab, "h2", vip, window)
        assert_state(h2, "master")
        detail = ""
        if isinstance(h2, VigildHandle):
            moves = {k: v for k, v in h2.transitions().items() if k[0] == "backup" and k[1] == "master"}
            assert moves, f"no vigil_vrrp_transitions_total{{from=\"backup\",to=\"master\"}} on h2: {h2.transitions()}"
            assert all(k[2] for k in moves), f"a backup→master transition without a reason: {moves}"
            detail = f"; h2 transitions backup→master: {sorted(moves)}"
        return (f"{impls[0]}/{impls[1]} v{version} adv {advert_int:g}: h2 kept the VIP for {window:g} s "
                f"({samples} samples) after h1 (nopreempt) returned" + detail)


def scenario_malformed(impls, seconds=5.0, rate=10.0):
    """h3 injects every kind of malformed advert at `rate`/s each while h1 is master (v2, adv 1)."""
    c1, c2 = _configs(2, 1, 4)
    packets = malformed_adverts()
    with Lab(hosts=("h1", "h2", "h3")) as lab:
        h1 = lab.start(impls[0], "h1", c1)
        h2 = lab.start(impls[1], "h2", c2)
        wait_owner(lab, "h1", VIP4, master_down(100, 1) + MARGIN, "the VIP on h1")
        before = h1.dropped() if isinstance(h1, VigildHandle) else {}
        cap = lab.capture(seconds + 1.5, capture_filter="vrrp and src host 192.0.2.1", name="h1-adverts")
        sock = lab.injector("h3")
        sent = {k: 0 for k in packets}
        errors = []

        def inject():
            try:
                start = time.monotonic()
                for i in range(int(seconds * rate)):
                    delay = start + i / rate - time.monotonic()
                    if delay > 0:
                        time.sleep(delay)
                    for reason, pkt in packets.items():
                        sock.sendto(pkt, ("224.0.0.18", 0))
                        sent[reason] += 1
            except OSError as e:
                errors.append(e)
        thread = threading.Thread(target=inject, daemon=True)
        t_inject = time.monotonic()
        thread.start()
        bad = []
        while thread.is_alive():
            owners = lab.owners(VIP4)
            if owners != ["h1"]:
                bad.append((round(time.monotonic() - t_inject, 3), owners))
            time.sleep(0.05)
        thread.join()
        sock.close()
        assert not errors, f"injection failed: {errors}"
        cap.wait(seconds + 5)
        times = [float(r[0]) for r in cap.fields("vrrp && ip.src == 192.0.2.1", "frame.time_epoch")]
        gaps = [b - a for a, b in zip(times, times[1:])]
        max_gap = max(gaps) if gaps else float("inf")
        problems = []
        if bad:
            problems.append(f"VIP owners deviated from ['h1'] {len(bad)} times, first: {bad[:5]}")
        if len(times) < int(seconds) or max_gap > 1.1:
            problems.append(f"h1 sent {len(times)} adverts during the injection, largest gap "
                            f"{max_gap:.3f} s (advert_int 1 s)")
        detail = f"{sum(sent.values())} packets ({int(seconds * rate)} of each kind); h1 adverts " \
                 f"{len(times)}, max gap {max_gap * 1000:.0f} ms"
        if isinstance(h1, VigildHandle):
            after = h1.dropped()
            counted = {r: after.get(r, 0) - before.get(r, 0) for r in packets}
            wrong = {r: (counted[r], sent[r]) for r in packets if counted[r] != sent[r]}
            if wrong:
                problems.append(f"vigil_vrrp_packets_dropped_total{{vrrp_instance=\"VI_1\"}} on h1 (counted, "
                                f"sent) differ: {wrong}; VI_1 totals: {after}; counted without an instance "
                                f"label: {h1.dropped_unattributed()}")
            demoted = {k: v for k, v in h1.transitions().items() if k[0] == "master"}
            if demoted:
                problems.append(f"h1 left master: {demoted}")
            detail += f"; dropped on h1 by reason: {counted}"
        if isinstance(h2, VigildHandle):
            promoted = {k: v for k, v in h2.transitions().items() if k[1] == "master"}
            if promoted:
                problems.append(f"h2 became master: {promoted}")
        assert not problems, "; ".join(problems) + "\n" + _logs(h1, h2)
        return detail


def scenario_tshark_judge(impls, version=2, advert_int=1, family=4):
    """Capture a pair starting: tshark dissects h1's adverts with keepalived's field values, finds no
    expert warnings, and sees the gratuitous ARPs (IPv4) or unsolicited NAs (IPv6) after them."""
    vip, _ = _vip_of(family)
    c1, c2 = _configs(version, advert_int, family)
    with Lab() as lab:
        duration = master_down(100, advert_int) + 1.0 + min(1.5, advert_int * 1.5)
        cap = lab.capture(duration, name="judge")
        h1 = lab.start(impls[0], "h1", c1)
        h2 = lab.start(impls[1], "h2", c2)
        wait_owner(lab, "h1", vip, master_down(100, advert_int) + MARGIN, "the VIP on h1")
        cap.wait(duration + 5)
        mac1 = lab.mac("h1")
        expected = {"eth.src": mac1, "vrrp.version": str(version), "vrrp.type": "1", "vrrp.virt_rtr_id": "51",
                    "vrrp.prio": "100", "vrrp.addr_count": "1", "vrrp.checksum.status": "1"}
        if family == 4:
            expected.update({"eth.dst": "01:00:5e:00:00:12", "ip.src": "192.0.2.1", "ip.dst": "224.0.0.18",
                             "ip.ttl": "255", "ip.dsfield": "0xc0", "ip.flags.df": "0", "vrrp.ip_addr": VIP4})
        else:
            expected.update({"eth.dst": "33:33:00:00:00:12", "ipv6.src": lab.link_local("h1"),
                             "ipv6.dst": "ff02::12", "ipv6.hlim": "255", "ipv6.tclass": "0x000000c0",
                             "vrrp.ipv6_addr": VIP6})
        if version == 2:
            expected.update({"vrrp.auth_type": "1", "vrrp.adver_int": f"{advert_int:g}", "vrrp.auth_string": "1111"})
        else:
            expected["vrrp.short_adver_int"] = str(round(advert_int * 100))
        if family == 4:
            kind = "gratuitous ARPs"
            want = {"eth.src": mac1, "eth.dst": "ff:ff:ff:ff:ff:ff", "arp.opcode": "1", "arp.src.hw_mac": mac1}
            announce = f"arp && arp.src.proto_ipv4 == {VIP4} && arp.dst.proto_ipv4 == {VIP4}"
        else:
            kind = "unsolicited NAs"
            want = {"eth.src": mac1, "eth.dst": "33:33:00:00:00:01", "ipv6.src": VIP6, "ipv6.dst": "ff02::1",
                    "ipv6.hlim": "255", "icmpv6.nd.na.flag.r": "0", "icmpv6.nd.na.flag.s": "0",
                    "icmpv6.nd.na.flag.o": "1", "icmpv6.opt.type": "2", "icmpv6.opt.linkaddr": mac1,
                    "icmpv6.checksum.status": "1"}
            announce = f"icmpv6.type == 136 && icmpv6.nd.na.target_address == {VIP6}"
        fields = sorted({"frame.time_epoch", "eth.src", *expected, *want})
        records = cap.records(f"vrrp || ({announce})", fields)
        adverts = [r for r in records if ":vrrp" in r["frame.protocols"]]
        rows = [r for r in adverts if r["eth.src"] == mac1]
        announced = [r for r in records if ":vrrp" not in r["frame.protocols"]]
        problems = []
        if not rows:
            problems.append(f"no VRRP advert from h1 ({mac1}) in the capture")
        for got in rows:
            diff = {k: (got.get(k), v) for k, v in expected.items() if got.get(k) != v}
            if diff:
                problems.append(f"advert fields (got, expected): {diff}")
                break
        others = [(r["eth.src"], r.get("vrrp.prio")) for r in adverts if r["eth.src"] != mac1]
        if others:
            problems.append(f"VRRP packets from others while h2 is backup: {others[:3]}")
        expert = cap.expert("warn")
        if expert:
            problems.append("tshark expert warnings/errors: " + " | ".join(expert))
        first_advert = float(rows[0]["frame.time_epoch"]) if rows else 0.0
        good = [a for a in announced if all(a.get(k) == v for k, v in want.items())
                and float(a["frame.time_epoch"]) >= first_advert]
        if len(good) < 5:
            problems.append(f"expected >= 5 {kind} for {vip} with {want} after h1's first advert; got "
                            f"{announced[:2]} ({len(announced)} in all)")
        if problems:
            dissection = cap.tshark("-V", "-Y", "vrrp", "-c", "2")[-3000:]
            raise AssertionError("; ".join(problems) + f"\nfirst packets:\n{dissection}\n" + _logs(h1, h2))
        return (f"{impls[0]} v{version} IPv{family}: {len(rows)} adverts dissected with keepalived's field "
                f"values, checksum good, no expert warnings, {len(good)} {kind}")
