"""The tutorial's load balancer in network namespaces, on a kernel that has IPVS: a client, a
director (where vigild runs) and two HTTP real servers that answer with their own name.

Runs as root wherever the kernel has IPVS: inside scripts/kernel-vm/run.sh (the test suite) or on a
real machine (the demo). Standard library only; busybox httpd serves the pages (python's
http.server takes 7-14 s to start under emulation). ipvs_tutorial.py drives scenarios on it.

    with TutorialLab("DR") as lab:
        lab.start_real_servers()
        lab.start_vigild(vigild, lab.vigild_config(checker="HTTP_GET"))
        lab.request() → "rs1" | "rs2" | None;  lab.destinations() → ["rs1", "rs2"];  lab.metrics()

Layouts (documentation addresses only; every namespace name carries the run's prefix, e.g. kv42-1-):
    DR  (the tutorial's flat LAN 192.0.2.0/24 on bridge br0 in PREFIX-lan):
        director eth0 192.0.2.1 + VIP 192.0.2.100/32; rs1 192.0.2.2, rs2 192.0.2.3 (VIP on lo,
        arp_ignore 1, arp_announce 2); client 192.0.2.250.
    NAT (real servers behind the director):
        LAN 198.51.100.0/24: director eth0 198.51.100.1, rs1 .2, rs2 .3 (default via .1);
        front 203.0.113.0/24, a veth pair: client eth0 203.0.113.2 (default via .1),
        director eth1 203.0.113.1 + VIP 203.0.113.100/32; the director forwards.
vigild runs with --check (no VRRP), so the lab itself puts the VIP on the director.
Leaving the `with` block kills what this lab started (by PID) and deletes its namespaces.
"""

import contextlib
import http.client as httpclient
import itertools
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import vigil_harness as harness  # noqa: E402  (after the path is set)
from vigil_harness import Exposition  # noqa: E402

IP = "/usr/sbin/ip"
IPVSADM = "/usr/sbin/ipvsadm"
BUSYBOX = "/bin/busybox"
METRICS_PORT = 9100  # on the director's own loopback

_lab_counter = itertools.count(1)

LAYOUTS = {
    "DR": {
        "vip": "192.0.2.100",
        "director": "192.0.2.1",
        "real_servers": {"rs1": "192.0.2.2", "rs2": "192.0.2.3"},
        "client": "192.0.2.250",
        "prefix_len": 24,
        "second_director": "192.0.2.4",
    },
    "NAT": {
        "vip": "203.0.113.100",
        "director": "198.51.100.1",
        "real_servers": {"rs1": "198.51.100.2", "rs2": "198.51.100.3"},
        "client": "203.0.113.2",
        "director_front": "203.0.113.1",
        "prefix_len": 24,
    },
}


# ---------------------------------------------------------------------------------------------
# Namespaces

ns_call = harness.ns_call


def ns_sysctl(ns, settings):
    """Write net.* sysctls of ns: /proc/sys/net resolves against the writing thread's namespace."""
    def write():
        for key, value in settings.items():
            with open("/proc/sys/" + key.replace(".", "/"), "w") as f:
                f.write(str(value))
    ns_call(ns, write)


class _NSHTTPConnection(httpclient.HTTPConnection):
    def __init__(self, ns, host, port, timeout):
        super().__init__(host, port, timeout=timeout)
        self.ns = ns

    def connect(self):
        s = ns_call(self.ns, lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM))
        s.settimeout(self.timeout)
        try:
            s.connect((self.host, self.port))
        except BaseException:
            s.close()
            raise
        self.sock = s


def ns_http_get(ns, host, port, path="/", timeout=2.0):
    """GET http://HOST:PORT/PATH from inside ns, on a new connection: (status, body text)."""
    conn = _NSHTTPConnection(ns, host, port, timeout)
    try:
        conn.request("GET", path, headers={"Connection": "close"})
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


def _cmd(argv, timeout=20, check=True, stdin_data=None):
    code, out, err = harness.run(argv, timeout=timeout, stdin_data=stdin_data)
    if check and code != 0:
        raise AssertionError(f"{' '.join(argv)} exited {code}: {(err.strip() or out.strip())[:500]}")
    return out


# ---------------------------------------------------------------------------------------------
# ipvsadm's views

_SERVICE = re.compile(r"^(TCP|UDP|SCTP)\s+(\S+):(\d+)\s+(.*)$")
_DEST = re.compile(r"^\s+->\s+(\S+):(\d+)\s+(.*)$")


def parse_table(text):
    """`ipvsadm -Ln` → {(proto, vip, port): {"scheduler": str, "dests": {(ip, port): (forward, weight)}}}."""
    table = {}
    current = None
    for line in text.splitlines():
        m = _SERVICE.match(line)
        if m:
            current = (m.group(1).lower(), m.group(2), int(m.group(3)))
            table[current] = {"scheduler": m.group(4).split()[0] if m.group(4).split() else "", "dests": {}}
            continue
        m = _DEST.match(line)
        if m and current is not None and m.group(1) != "RemoteAddress":
            fields = m.group(3).split()
            table[current]["dests"][(m.group(1), int(m.group(2)))] = (
                fields[0] if fields else "", int(fields[1]) if len(fields) > 1 and fields[1].isdigit() else None)
    return table


def parse_stats(text):
    """`ipvsadm -Ln --stats --exact` → {key: (conns, inpkts, outpkts, inbytes, outbytes)} where key is
    (proto, vip, port) for a service and (proto, vip, port, rip, rport) for a destination."""
    stats = {}
    service = None
    for line in text.splitlines():
        m = _SERVICE.match(line)
        if m:
            service = (m.group(1).lower(), m.group(2), int(m.group(3)))
            numbers = m.group(4).split()
            if len(numbers) == 5 and all(n.isdigit() for n in numbers):
                stats[service] = tuple(int(n) for n in numbers)
            continue
        m = _DEST.match(line)
        if m and service is not None:
            numbers = m.group(3).split()
            if len(numbers) == 5 and all(n.isdigit() for n in numbers):
                stats[service + (m.group(1), int(m.group(2)))] = tuple(int(n) for n in numbers)
    return stats


# The five per-service and per-destination counters ipvsadm --stats prints, in its column order.
COUNTER_KINDS = ("connections", "incoming_packets", "outgoing_packets", "incoming_bytes", "outgoing_bytes")
_COUNTER_NAME = re.compile(r"^vigil_ipvs_\w+?_(" + "|".join(COUNTER_KINDS) + r")_total$")


def ipvs_counter_names(names):
    """The IPVS counter families among metric names: {name: column index in ipvsadm --stats}."""
    found = {}
    for name in names:
        m = _COUNTER_NAME.match(name)
        if m:
            found[name] = COUNTER_KINDS.index(m.group(1))
    return found


def parse_metric_names(text):
    """Metric names from `vigild --list-metrics` output (a markdown table, or one name per line)."""
    names = []
    for line in text.splitlines():
        m = re.match(r"^\|?\s*`?([a-zA-Z_:][a-zA-Z0-9_:]*)`?\s*(\||$|\s)", line)
        if m and m.group(1) != "name":
            names.append(m.group(1))
    return names


# ---------------------------------------------------------------------------------------------
# The lab

class TutorialLab:
    """Client, director and two real servers for one forwarding method (DR or NAT).

    With `pair=True` (DR only) a second director, "director2", joins the LAN and neither holds the
    VIP: VRRP between the two vigild decides, as in the tutorial's director pair.
    """

    def __init__(self, method="DR", pair=False):
        if method not in LAYOUTS:
            raise ValueError(f"method must be one of {sorted(LAYOUTS)}")
        if pair and method != "DR":
            raise ValueError("the director pair is built for DR only")
        if os.geteuid() != 0:
            raise harness.Skip("NEEDS ROOT: the IPVS lab creates network namespaces")
        self.method = method
        self.layout = LAYOUTS[method]
        self.vip = self.layout["vip"]
        self.pair = pair
        self.directors = {"director": self.layout["director"]}
        if pair:
            self.directors["director2"] = self.layout["second_director"]
        self.real_servers = dict(self.layout["real_servers"])
        self.prefix = f"kv{os.getpid()}-{next(_lab_counter)}-"
        self.tmp = tempfile.mkdtemp(prefix="vigil-ipvs-lab-")
        self.namespaces = []
        self.http = {}       # real server name → Popen of its httpd
        self.procs = []      # everything started, reaped at teardown
        self.vigild = None           # the first director's vigild
        self.vigilds = {}            # director name → Popen of its vigild
        self.vigild_log = os.path.join(self.tmp, "vigild.log")

    def ns(self, host):
        return self.prefix + host

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

    def _batch(self, lines, ns=None):
        argv = [IP] + (["-n", ns] if ns else []) + ["-batch", "-"]
        _cmd(argv, stdin_data=("\n".join(lines) + "\n").encode())

    def _build(self):
        lay = self.layout
        hosts = [*self.directors, *self.real_servers, "client"]
        on_lan = [*self.directors, *self.real_servers] + (["client"] if self.method == "DR" else [])
        names = ["lan", *hosts]
        self._batch([f"netns add {self.ns(n)}" for n in names])
        self.namespaces = [self.ns(n) for n in names]
        links = [f"link add eth0 netns {self.ns(h)} type veth peer name v{h} netns {self.ns('lan')}"
                 for h in on_lan]
        if self.method == "NAT":
            links.append(f"link add eth0 netns {self.ns('client')} type veth peer name eth1 "
                         f"netns {self.ns('director')}")
        self._batch(links)
        self._batch(["link set lo up", "link add br0 type bridge stp_state 0 forward_delay 0",
                     "link set br0 up"]
                    + [f"link set v{h} master br0" for h in on_lan] + [f"link set v{h} up" for h in on_lan],
                    ns=self.ns("lan"))
        for host in names:
            # IPv4 only: no DAD or router solicitations under way while the scenario runs.
            ns_sysctl(self.ns(host), {"net.ipv6.conf.all.disable_ipv6": 1, "net.ipv6.conf.default.disable_ipv6": 1})
        plen = lay["prefix_len"]
        director = ["link set lo up", f"addr add {lay['director']}/{plen} dev eth0", "link set eth0 up"]
        if self.pair:
            self._batch(["link set lo up", f"addr add {self.directors['director2']}/{plen} dev eth0",
                         "link set eth0 up"], ns=self.ns("director2"))
        elif self.method == "DR":
            director.append(f"addr add {self.vip}/32 dev eth0")
        else:
            director += [f"addr add {lay['director_front']}/{plen} dev eth1", "link set eth1 up",
                         f"addr add {self.vip}/32 dev eth1"]
            ns_sysctl(self.ns("director"), {"net.ipv4.ip_forward": 1})
        self._batch(director, ns=self.ns("director"))
        for name, address in self.real_servers.items():
            lines = ["link set lo up", f"addr add {address}/{plen} dev eth0", "link set eth0 up"]
            if self.method == "DR":
                # The VIP on lo, never answered for in ARP: frames for it arrive only from the director.
                ns_sysctl(self.ns(name), {"net.ipv4.conf.all.arp_ignore": 1, "net.ipv4.conf.all.arp_announce": 2,
                                          "net.ipv4.conf.eth0.arp_ignore": 1, "net.ipv4.conf.eth0.arp_announce": 2})
                lines.append(f"addr add {self.vip}/32 dev lo")
            else:
                lines.append(f"route add default via {lay['director']}")
            self._batch(lines, ns=self.ns(name))
        client = ["link set lo up", f"addr add {lay['client']}/{plen} dev eth0", "link set eth0 up"]
        if self.method == "NAT":
            client.append(f"route add default via {lay['director_front']}")
        self._batch(client, ns=self.ns("client"))
        for name in self.real_servers:
            www = os.path.join(self.tmp, "www-" + name)
            os.makedirs(www, exist_ok=True)
            with open(os.path.join(www, "index.html"), "w") as f:
                f.write(name + "\n")

    def teardown(self):
        for ns in self.namespaces:
            code, out, _ = harness.run([IP, "netns", "pids", ns], timeout=10)
            for pid in (int(p) for p in out.split() if p.isdigit()) if code == 0 else ():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        for proc in self.procs:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=3)
            if proc.returncode is not None:
                harness.STARTED_PIDS.discard(proc.pid)
        if self.namespaces:
            with contextlib.suppress(AssertionError):
                self._batch([f"netns del {ns}" for ns in reversed(self.namespaces)])
        self.namespaces = []
        if not os.environ.get("VIGIL_INTEG_KEEP"):
            shutil.rmtree(self.tmp, ignore_errors=True)

    # -- processes -----------------------------------------------------------------------------
    def spawn(self, host, argv, log_name):
        with open(os.path.join(self.tmp, log_name), "ab") as logf:
            proc = harness.spawn([IP, "netns", "exec", self.ns(host), *argv],
                                 stdin=subprocess.DEVNULL, stdout=logf, stderr=logf)
        self.procs.append(proc)
        return proc

    def start_http(self, name):
        """busybox httpd in the foreground on port 80 of the real server, serving its own name."""
        www = os.path.join(self.tmp, "www-" + name)
        self.http[name] = self.spawn(name, [BUSYBOX, "httpd", "-f", "-p", "0.0.0.0:80", "-h", www],
                                     f"httpd-{name}.log")

    def stop_http(self, name):
        proc = self.http.pop(name, None)
        if proc is not None:
            harness.end_process(proc, grace=5)

    def wait_http(self, name, timeout=30):
        """Until the real server answers the director directly with its own name."""
        address = self.real_servers[name]

        def answers():
            status, body = ns_http_get(self.ns("director"), address, 80, timeout=1)
            return status == 200 and body.strip() == name
        return wait_until(answers, timeout, f"{name}'s httpd to answer on {address}:80")

    def start_real_servers(self):
        """Every real server's httpd, started and answering."""
        for name in self.real_servers:
            self.start_http(name)
        for name in self.real_servers:
            self.wait_http(name)

    def vigild_config(self, checker="HTTP_GET", delay_loop=1, connect_timeout=1, retry=1,
                      delay_before_retry=1, scheduler="rr"):
        lines = [f"virtual_server {self.vip} 80 {{",
                 f"    delay_loop {delay_loop}",
                 f"    lvs_sched {scheduler}",
                 f"    lvs_method {self.method}",
                 "    protocol TCP"]
        for address in self.real_servers.values():
            lines += [f"    real_server {address} 80 {{", "        weight 1", f"        {checker} {{"]
            if checker == "HTTP_GET":
                lines += ["            url {", "                path /", "                status_code 200",
                          "            }"]
            lines += [f"            connect_timeout {connect_timeout}", f"            retry {retry}",
                      f"            delay_before_retry {delay_before_retry}", "        }", "    }"]
        lines += ["}", ""]
        return "\n".join(lines)

    def start_vigild(self, vigild, config, timeout=60, host="director", extra_args=()):
        """vigild on a director; without the pair it runs with --check (the VIP is static there)."""
        conf = os.path.join(self.tmp, f"vigild-{host}.conf")
        with open(conf, "w") as f:
            f.write(config)
        argv = [vigild, *([] if self.pair else ["--check"]), "-f", conf, "--listen", f"127.0.0.1:{METRICS_PORT}",
                "--control-socket", os.path.join(self.tmp, f"vigild-{host}.sock"), *extra_args]
        proc = self.spawn(host, argv, self.log_name(host))
        self.vigilds[host] = proc
        if host == "director":
            self.vigild = proc

        def answering():
            if proc.poll() is not None:
                raise harness.DaemonExited(f"vigild exited with {proc.returncode}:\n{self.vigild_tail(host=host)}")
            status, _ = ns_http_get(self.ns(host), "127.0.0.1", METRICS_PORT, "/healthz", timeout=1)
            return status > 0
        return wait_until(answering, timeout, f"vigild on {host} to answer GET /healthz", fatal=(harness.DaemonExited,))

    def stop_vigild(self, host="director", sig=signal.SIGTERM):
        """Signal a director's vigild and wait for it to exit; returns its exit status."""
        proc = self.vigilds.pop(host, None)
        if proc is None:
            return None
        if host == "director":
            self.vigild = None
        return harness.end_process(proc, grace=10, sig=sig)

    @staticmethod
    def log_name(host):
        return "vigild.log" if host == "director" else f"vigild-{host}.log"

    def vigild_tail(self, chars=2500, host="director"):
        try:
            with open(os.path.join(self.tmp, self.log_name(host)), "rb") as f:
                return f.read().decode("utf-8", "replace")[-chars:]
        except FileNotFoundError:
            return "(no vigild log)"

    # -- observations --------------------------------------------------------------------------
    def request(self, timeout=2.0):
        """One GET through the VIP from the client on a new connection: the body's name, or None."""
        try:
            status, body = ns_http_get(self.ns("client"), self.vip, 80, timeout=timeout)
        except (OSError, httpclient.HTTPException):
            return None
        return body.strip() if status == 200 else None

    def requests(self, count, timeout=2.0):
        return [self.request(timeout) for _ in range(count)]

    def ipvsadm(self, *args, host="director"):
        return _cmd([IP, "netns", "exec", self.ns(host), IPVSADM, *args])

    def table(self, host="director"):
        return parse_table(self.ipvsadm("-Ln", host=host))

    def service_key(self):
        return ("tcp", self.vip, 80)

    def destinations(self, host="director"):
        """Real server names in the director's IPVS service for the VIP (None: no such service)."""
        service = self.table(host).get(self.service_key())
        if service is None:
            return None
        by_address = {a: n for n, a in self.real_servers.items()}
        return sorted(by_address.get(ip, f"{ip}:{port}") for (ip, port) in service["dests"])

    def stats(self):
        return parse_stats(self.ipvsadm("-Ln", "--stats", "--exact"))

    def metrics(self, host="director"):
        status, body = ns_http_get(self.ns(host), "127.0.0.1", METRICS_PORT, "/metrics", timeout=5)
        if status != 200:
            raise AssertionError(f"GET /metrics answered {status}")
        return Exposition(body)

    def vip_owner(self):
        """The directors holding the VIP on eth0 now (one, when VRRP works)."""
        owners = []
        for host in self.directors:
            out = _cmd([IP, "-n", self.ns(host), "-o", "-4", "addr", "show", "dev", "eth0"])
            if re.search(r"\binet " + re.escape(self.vip) + r"/", out):
                owners.append(host)
        return owners

    def real_server_up(self, expo, name):
        """vigil_real_server_up for one real server of the VIP (None when it is not exported)."""
        address = self.real_servers[name]
        values = [v for (n, labels, v, _) in expo.samples
                  if n == "vigil_real_server_up" and self.vip in labels.get("virtual_server", "")
                  and labels.get("real_server", "").rsplit(":", 1)[0] in (address, f"[{address}]")]
        return values[0] if len(values) == 1 else None


def wait_until(check, timeout, what, interval=0.1, fatal=()):
    """Poll check() until truthy; returns the seconds it took. AssertionError with the last complaint."""
    start = time.monotonic()
    last = None
    while True:
        try:
            if check():
                return time.monotonic() - start
            last = "not yet"
        except fatal:
            raise
        except (AssertionError, OSError, ValueError, httpclient.HTTPException) as e:
            last = f"{type(e).__name__}: {e}"
        if time.monotonic() - start >= timeout:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what} (last: {last})")
        time.sleep(interval)


def alternates(answers, names=("rs1", "rs2")):
    """Every request answered, both names equally often, never the same one twice in a row."""
    return (all(a in names for a in answers) and all(answers.count(n) == len(answers) // len(names) for n in names)
            and all(a != b for a, b in zip(answers, answers[1:])))
