"""A monitored VRRP + health-check lab: two vigild directors, two real servers and a REAL Prometheus
inside network namespaces, for dashboard and live alert tests. Standard library only; needs root.

Layout (documentation addresses only; every namespace carries the run's prefix, see vrrp_lab.Lab):
    h1   192.0.2.1   vigild, vrrp_instance VI_1 `state MASTER` priority 100
    h2   192.0.2.2   vigild, vrrp_instance VI_1 `state BACKUP` priority 50
                     both: VRID 51, advert_int 1, PASS auth, VIP 192.0.2.100/24 on eth0, and
                     virtual_server 192.0.2.100 80 (delay_loop 1, DR, quorum 1) with
                       rs1 192.0.2.11:80 checked by HTTP_GET  (busybox httpd)
                       rs2 192.0.2.12:80 checked by TCP_CHECK (busybox httpd)
                     /metrics on 192.0.2.N:7390 (scraped) and 127.0.0.1:7390 (lab probes),
                     a control socket in the lab's temp dir, and (by default) a systemd watchdog:
                     NOTIFY_SOCKET and WATCHDOG_USEC=2 s, WATCHDOG_PID = vigild, served by a
                     datagram socket the lab drains, so the vigil_watchdog_* metrics are live.
    h3   192.0.2.3   /usr/bin/prometheus, job "vigil", scrape and evaluation interval 1 s (timeout
                     900 ms), listening on h3's own 127.0.0.1:9090; the test reaches its HTTP API
                     through the namespace (vrrp_lab.ns_http_get). Targets are
                     192.0.2.1:7390 and 192.0.2.2:7390, which are the `instance` labels.
    rs1  192.0.2.11, rs2 192.0.2.12, and each name in hosts_extra: 192.0.2.31, .32, ...
    mail 192.0.2.25  an SMTP sink (aiosmtpd on :25; smtp=True): both directors mail alerts there
                     (global_defs notification_email ops@example.org, smtp_alert for VRRP and checks)
All hosts sit on one bridge (vrrp_lab.Lab). The kernel here has no IPVS, so vigild runs its checks
and VRRP but programs nothing (vigil_ipvs_available 0).
Timings (advert_int 1): h2 takes over about 3.8 s (Master_Down of priority 50) after h1 goes silent,
so block_vrrp() shows two masters in Prometheus after about 4-5 s; after stop_director both, the
vigil_vrrp_state series of both targets go stale within about one scrape (a "no master" rule has to
cope with absent series, e.g. `or vector(0)`). Entering the lab takes about 6 s.

API
    with MonitoringLab(rule_files=(), hosts_extra=(), watchdog_usec=2_000_000,
                       director_args=(), quorum=1, smtp=True) as lab:
        rule_files: paths of Prometheus rule files, copied into the lab and loaded at start.
        hosts_extra: names of extra plain hosts on the bridge (see .address(name)).
        director_args: extra vigild arguments for both directors (e.g. ["--test-stall", "checks@5"]
                       on debug builds).
    On entry everything is started and lab.wait_healthy() has passed. Leaving the block (also on an
    exception or the runner's SIGALRM) kills every process in the lab's namespaces (by PID, via
    `ip netns pids`), stops Prometheus and deletes the namespaces and temp files.

    Prometheus (every value comes from the real Prometheus, not from vigild directly):
        lab.query(expr, time=None) -> [(labels dict, float)]       instant query
        lab.query_range(expr, seconds, step=1) -> [(labels, [(ts, float), ...])]  the last `seconds`
        lab.alerts() -> [dict]                   /api/v1/alerts (labels, annotations, state, ...)
        lab.wait_alert(name, state="firing", timeout=30) -> [dict]   the matching alerts
        lab.wait_no_alert(name, timeout=30) -> float   seconds until no alert `name` is pending/firing
        lab.assert_no_alert(name, seconds)       no alert `name` (pending or firing) for the window
        lab.rules() -> [dict]                    /api/v1/rules groups (to check rule health)
        lab.api(path, **params)                  any other /api/v1 call; returns "data"
        lab.wait_query(expr, predicate, timeout) until predicate(lab.query(expr)) is truthy
        lab.instance(host) -> "192.0.2.1:7390"   the instance label of a director's target
    Directors:
        lab.directors -> {"h1": VigildHandle, "h2": VigildHandle} (vrrp_lab; .metrics(), .log(), ...)
        lab.stop_director(host)   SIGTERM (vigild gives up mastership with priority 0 and exits)
        lab.kill_director(host, remove_vip=False)  SIGKILL; the VIP stays on its eth0 as after a
                                  crash (nobody removes it) unless remove_vip
        lab.start_director(host, config=None)  a fresh vigild (after stop or kill) reading its config
                                  file as last written (pass config=lab.config(host) to restore it)
        lab.reload_director(host, config=None)  SIGHUP, optionally after writing a new config text
                                  (a broken one makes the reload fail and count as failed)
        lab.config(host) -> str   the lab's original configuration text of the director
        lab.block_vrrp() / lab.unblock_vrrp()  nftables table `vigil_lab` in h1 and h2 dropping IP
                                  protocol 112 both ways (input and output): both become master
        lab.owners(vip="192.0.2.100") -> ["h1"]   who holds the VIP on its eth0 right now
        lab.wait_master(host, timeout=15)  Prometheus sees only `host` as master, only it holds the VIP
        lab.wait_healthy(timeout=30)   both targets up, exactly one master for VRID 51 (in Prometheus
                                  and on the wire: one VIP owner), both real servers up on both
    Real servers and mail:
        lab.stop_real_server(name) / lab.start_real_server(name)   ("rs1", "rs2"), by PID
        lab.stop_smtp() / lab.start_smtp()   the SMTP sink (stopped: delivery fails at connect)
        lab.smtp_log() -> str    every message the sink accepted
    Other:
        lab.run(host, *argv), lab.ns(host), lab.address(host), lab.lab (the vrrp_lab.Lab)
        lab.fail_notify_scripts(fail=True)   every notify script (notify_master/backup on VI_1,
                                  notify_up/down on the real servers; /bin/sh in the lab's temp dir)
                                  exits 1 from now on, until fail_notify_scripts(False)
        lab.prometheus_log(), lab.notify_pings(host) -> [monotonic seconds of WATCHDOG=1]
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import vigil_harness as harness  # noqa: E402
import vrrp_lab  # noqa: E402
from vigil_harness import Skip  # noqa: E402
from vrrp_lab import Lab, VigildHandle, ns_http_get, wait_for  # noqa: E402

IP = vrrp_lab.IP
PROMETHEUS = "/usr/bin/prometheus"
NFT = "/usr/sbin/nft"
BUSYBOX = "/bin/busybox"

VIP = "192.0.2.100"
VRID = 51
AUTH_PASS = "vigil51"
METRICS_PORT = 7390
PROM_PORT = 9090
DIRECTORS = {"h1": "192.0.2.1", "h2": "192.0.2.2"}
PRIORITY = {"h1": 100, "h2": 50}
STATE = {"h1": "MASTER", "h2": "BACKUP"}
PROM_HOST = "h3"
REAL_SERVERS = {"rs1": "192.0.2.11", "rs2": "192.0.2.12"}
CHECKER = {"rs1": "HTTP_GET", "rs2": "TCP_CHECK"}
EXTRA_BASE = 31
SMTP_HOST = "mail"
SMTP_ADDRESS = "192.0.2.25"
SMTP_PORT = 25
SYSTEM_PYTHON = "/usr/bin/python3"  # python3-aiosmtpd is a Debian package
NFT_TABLE = "vigil_lab"
NOTIFY_SCRIPT = """#!/bin/sh
# The lab's notify script (every notify_* keyword): succeeds unless the flag file $0.fail exists.
[ -e "$0.fail" ] && exit 1
exit 0
"""


def require_monitoring_lab():
    """Root and every tool the lab needs, or a loud skip (not root) / failure (tool missing)."""
    if os.geteuid() != 0:
        raise Skip("NEEDS ROOT: the monitoring lab creates network namespaces, raw sockets and "
                   "nftables rules")
    vrrp_lab.require_lab()
    harness.require_tool(PROMETHEUS, "prometheus")
    harness.require_tool(NFT, "nftables")
    harness.require_tool(BUSYBOX, "busybox-static")


def director_config(host, quorum=1, notify="/bin/true", smtp=True):
    """The keepalived.conf text of director h1 or h2 (notify: the path of every notify script;
    smtp: mail alerts for VRRP and checkers to the lab's SMTP sink)."""
    rs = []
    for name, address in REAL_SERVERS.items():
        rs += [f"    real_server {address} 80 {{",
               "        weight 1",
               f"        notify_up {notify}",
               f"        notify_down {notify}"]
        if CHECKER[name] == "HTTP_GET":
            rs += ["        HTTP_GET {",
                   "            url {",
                   "                path /",
                   "                status_code 200",
                   "            }",
                   "            connect_timeout 1",
                   "            retry 1",
                   "            delay_before_retry 1",
                   "        }"]
        else:
            rs += ["        TCP_CHECK {",
                   "            connect_timeout 1",
                   "            retry 1",
                   "            delay_before_retry 1",
                   "        }"]
        rs.append("    }")
    mail = ["    notification_email {",
            "        ops@example.org",
            "    }",
            "    notification_email_from vigil@example.org",
            f"    smtp_server {SMTP_ADDRESS} {SMTP_PORT}",
            "    smtp_connect_timeout 2",
            "    smtp_alert"] if smtp else []
    lines = [
        "global_defs {",
        f"    router_id {host}",
        *mail,
        "}",
        "",
        "vrrp_instance VI_1 {",
        f"    state {STATE[host]}",
        "    interface eth0",
        f"    virtual_router_id {VRID}",
        f"    priority {PRIORITY[host]}",
        "    advert_int 1",
        f"    notify_master {notify}",
        f"    notify_backup {notify}",
        "    authentication {",
        "        auth_type PASS",
        f"        auth_pass {AUTH_PASS}",
        "    }",
        "    virtual_ipaddress {",
        f"        {VIP}/24 dev eth0",
        "    }",
        "}",
        "",
        f"virtual_server {VIP} 80 {{",
        "    delay_loop 1",
        "    lb_algo rr",
        "    lb_kind DR",
        "    protocol TCP",
        f"    quorum {quorum}",
        *rs,
        "}",
        "",
    ]
    return "\n".join(lines)


class _NotifySocket:
    """systemd's end of NOTIFY_SOCKET for one director: a thread drains it and records pings."""

    def __init__(self, path):
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        self.sock.settimeout(0.2)
        self.pings = []
        self.messages = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._drain, name=f"notify-{os.path.basename(path)}",
                                        daemon=True)
        self._thread.start()

    def _drain(self):
        while not self._stop.is_set():
            try:
                data = self.sock.recv(4096)
            except socket.timeout:
                continue
            except OSError:
                return
            self.messages += 1
            if b"WATCHDOG=1" in data.split(b"\n"):
                self.pings.append(time.monotonic())

    def close(self):
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)


class MonitoringLab:
    """See the module docstring."""

    def __init__(self, rule_files=(), hosts_extra=(), watchdog_usec=2_000_000, director_args=(),
                 quorum=1, smtp=True):
        require_monitoring_lab()
        self.rule_files = list(rule_files)
        self.hosts_extra = list(hosts_extra)
        self.watchdog_usec = watchdog_usec
        self.director_args = list(director_args)
        self.quorum = quorum
        self.smtp = smtp
        self.smtp_proc = None
        self.lab = None
        self.directors = {}
        self.real_server_procs = {}
        self.prom_proc = None
        self._configs = {}
        self._notify = {}
        self._addresses = dict(DIRECTORS, h3="192.0.2.3", **REAL_SERVERS, **{SMTP_HOST: SMTP_ADDRESS})
        for i, name in enumerate(self.hosts_extra):
            if name in self._addresses or name == "lan":
                raise ValueError(f"hosts_extra: {name!r} is taken")
            self._addresses[name] = f"192.0.2.{EXTRA_BASE + i}"
        self._blocked = False
        self._starts = 0

    # -- lifecycle -----------------------------------------------------------------------------
    def __enter__(self):
        self.lab = Lab(hosts=("h1", "h2", PROM_HOST))
        self.lab.__enter__()
        try:
            self._build()
        except BaseException:
            self._teardown()
            raise
        return self

    def __exit__(self, *exc):
        if exc and exc[0] is not None:
            self._print_diagnostics()
        self._teardown()
        return False

    def _build(self):
        for name in (*REAL_SERVERS, *([SMTP_HOST] if self.smtp else []), *self.hosts_extra):
            self._add_host(name, self._addresses[name])
        if self.smtp:
            self.start_smtp()
        self.prom_dir = os.path.join(self.lab.tmp, "prometheus")
        os.makedirs(self.prom_dir)
        self._write_prometheus_config()
        self._start_prometheus()
        for name in REAL_SERVERS:
            self.start_real_server(name, wait=False)
        for name in REAL_SERVERS:
            self._wait_real_server(name)
        self.notify_script = os.path.join(self.lab.tmp, "notify.sh")
        with open(self.notify_script, "w") as f:
            f.write(NOTIFY_SCRIPT)
        os.chmod(self.notify_script, 0o755)
        for host in DIRECTORS:
            self._configs[host] = director_config(host, self.quorum, self.notify_script, self.smtp)
        # h1 first: it starts as MASTER; h2 as BACKUP hears it and stays backup.
        for host in DIRECTORS:
            self.start_director(host)
        self._wait_prometheus_ready()
        self.wait_healthy()

    def _teardown(self):
        # Prometheus first (by PID, gracefully), then everything else in the namespaces.
        if self.prom_proc is not None:
            with contextlib.suppress(Exception):
                harness.end_process(self.prom_proc, grace=5)
        if self.smtp_proc is not None:
            with contextlib.suppress(Exception):
                harness.end_process(self.smtp_proc, grace=2)
        for proc in list(self.real_server_procs.values()):
            with contextlib.suppress(Exception):
                harness.end_process(proc, grace=2)
        self.real_server_procs.clear()
        if self.lab is not None:
            if self._blocked:
                with contextlib.suppress(Exception):
                    self.unblock_vrrp()
            self.lab.teardown()
        for notify in self._notify.values():
            notify.close()
        self._notify.clear()

    def _print_diagnostics(self):
        with contextlib.suppress(Exception):
            for host, handle in self.directors.items():
                print(f"--- vigild {host} log (tail)\n{handle.log()[-1500:]}")
            log = self.prometheus_log()
            if log.strip():
                print(f"--- prometheus log (tail)\n{log[-1500:]}")

    # -- hosts ---------------------------------------------------------------------------------
    def _add_host(self, name, address):
        """A namespace with eth0 on the lab's bridge (as vrrp_lab.Lab does for h1..h3)."""
        lab = self.lab
        ns = lab.ns(name)
        lab._add_ns(ns)
        lab._sysctl(ns, "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0",
                    "net.ipv6.conf.default.router_solicitations=0")
        vrrp_lab._cmd([IP, "link", "add", "eth0", "netns", ns, "type", "veth", "peer", "name", f"v{name}",
                       "netns", lab.lan])
        lab._batch(ns, ["link set lo up", f"addr add {address}/24 dev eth0", "link set eth0 up"])
        lab._batch(lab.lan, [f"link set v{name} master br0", f"link set v{name} up"])

    def ns(self, host):
        return self.lab.ns(host)

    def address(self, host):
        return self._addresses[host]

    def instance(self, host):
        return f"{DIRECTORS[host]}:{METRICS_PORT}"

    def run(self, host, *argv, timeout=10, check=True):
        return self.lab.run(host, *argv, timeout=timeout, check=check)

    def owners(self, vip=VIP):
        return self.lab.owners(vip, hosts=tuple(DIRECTORS))

    # -- real servers --------------------------------------------------------------------------
    def start_real_server(self, name, wait=True):
        """busybox httpd on port 80 of rs1/rs2, serving a page that names the server."""
        if name in self.real_server_procs and self.real_server_procs[name].poll() is None:
            return
        www = os.path.join(self.lab.tmp, "www-" + name)
        os.makedirs(www, exist_ok=True)
        with open(os.path.join(www, "index.html"), "w") as f:
            f.write(name + "\n")
        self.real_server_procs[name] = self.lab._spawn(
            name, [BUSYBOX, "httpd", "-f", "-p", f"{REAL_SERVERS[name]}:80", "-h", www],
            os.path.join(self.lab.tmp, f"httpd-{name}.log"))
        if wait:
            self._wait_real_server(name)

    def _wait_real_server(self, name):
        proc = self.real_server_procs[name]

        def answers():
            if proc.poll() is not None:
                raise AssertionError(f"busybox httpd in {name} exited with {proc.returncode}")
            try:
                return _ns_http(self.ns(PROM_HOST), REAL_SERVERS[name], 80, "/", timeout=1)[0] == 200
            except OSError:
                return False
        wait_for(answers, 10, interval=0.05, what=f"{name}'s httpd to answer on {REAL_SERVERS[name]}:80")

    def stop_real_server(self, name):
        proc = self.real_server_procs.pop(name, None)
        if proc is not None:
            harness.end_process(proc, grace=2)

    # -- mail --------------------------------------------------------------------------------
    def start_smtp(self, wait=True):
        """The SMTP sink in host "mail" (aiosmtpd, printing every message to its log)."""
        harness.require_tool(SYSTEM_PYTHON, "python3")
        if self.smtp_proc is not None and self.smtp_proc.poll() is None:
            return
        self.smtp_log_path = os.path.join(self.lab.tmp, "smtp.log")
        self.smtp_proc = self.lab._spawn(
            SMTP_HOST, [SYSTEM_PYTHON, "-u", "-m", "aiosmtpd", "-n", "-l", f"{SMTP_ADDRESS}:{SMTP_PORT}"],
            self.smtp_log_path)
        if wait:
            proc = self.smtp_proc

            def listening():
                if proc.poll() is not None:
                    raise AssertionError(f"aiosmtpd exited with {proc.returncode} (is python3-aiosmtpd "
                                         f"installed?): {self.smtp_log()[-1500:]}")
                try:
                    s = vrrp_lab.ns_socket(self.ns(PROM_HOST), socket.AF_INET, socket.SOCK_STREAM)
                    try:
                        s.settimeout(1)
                        s.connect((SMTP_ADDRESS, SMTP_PORT))
                        return s.recv(100).startswith(b"220")
                    finally:
                        s.close()
                except OSError:
                    return False
            wait_for(listening, 15, interval=0.1, what=f"aiosmtpd to greet on {SMTP_ADDRESS}:{SMTP_PORT}")

    def stop_smtp(self):
        """Stop the SMTP sink, by PID: vigild's mail delivery fails at connect from now on."""
        if self.smtp_proc is not None:
            harness.end_process(self.smtp_proc, grace=2)
            self.smtp_proc = None

    def smtp_log(self):
        """What the SMTP sink printed: every message it accepted, headers and body."""
        try:
            with open(self.smtp_log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except (FileNotFoundError, AttributeError):
            return ""

    # -- directors -----------------------------------------------------------------------------
    def config(self, host):
        return self._configs[host]

    def start_director(self, host, config=None, wait_ready=True):
        """A fresh vigild in host (h1 or h2); returns its VigildHandle. It reads its configuration
        file as last written (at lab start, by reload_director, or now from `config` when given)."""
        old = self.directors.get(host)
        if old is not None and old.alive():
            raise AssertionError(f"vigild in {host} is still running (pid {old.pid})")
        self._starts += 1
        name = f"{host}-vigild-{self._starts}"
        conf = os.path.join(self.lab.tmp, f"{host}-vigild.conf")
        if config is not None or not os.path.exists(conf):
            self._write_config(conf, self._configs[host] if config is None else config)
        log = os.path.join(self.lab.tmp, name + ".log")
        sock = os.path.join(self.lab.tmp, f"{host}-vigild.sock")
        argv = [harness.binary("vigild"), "-f", conf,
                "--listen", f"127.0.0.1:{METRICS_PORT}", "--listen", f"{DIRECTORS[host]}:{METRICS_PORT}",
                "--control-socket", sock, *self.director_args]
        env = None
        if self.watchdog_usec:
            if host not in self._notify:
                self._notify[host] = _NotifySocket(os.path.join(self.lab.tmp, f"{host}-notify.sock"))
            env = dict(os.environ, NOTIFY_SOCKET=self._notify[host].path,
                       WATCHDOG_USEC=str(int(self.watchdog_usec)))
            # `ip netns exec` and sh both exec: $$ is vigild's own PID, as systemd would name it.
            argv = ["/bin/sh", "-c", 'WATCHDOG_PID=$$ exec "$@"', "sh", *argv]
        with open(log, "ab") as logf:
            proc = harness.spawn([IP, "netns", "exec", self.ns(host), *argv], stdin=subprocess.DEVNULL,
                                 stdout=logf, stderr=logf, env=env)
        self.lab.procs.append(proc)
        handle = VigildHandle(self.lab, host, proc, log)
        self.directors[host] = handle
        if wait_ready:
            handle.wait_ready()
        return handle

    @staticmethod
    def _write_config(path, text):
        with open(path + ".new", "w") as f:
            f.write(text)
        os.replace(path + ".new", path)

    def stop_director(self, host, timeout=5):
        """SIGTERM to vigild in host, by PID; returns the seconds it took to exit."""
        return self.directors[host].stop(signal.SIGTERM, timeout=timeout)

    def kill_director(self, host, remove_vip=False):
        """SIGKILL to vigild in host, by PID. Its VIP, if it had it, stays on eth0 (as after a crash)
        unless remove_vip (as if the machine had died with it)."""
        self.directors[host].kill9()
        harness.STARTED_PIDS.discard(self.directors[host].pid)
        if remove_vip and self.lab.has_address(host, VIP):
            self.run(host, IP, "addr", "del", f"{VIP}/24", "dev", "eth0", check=False)

    def reload_director(self, host, config=None):
        """SIGHUP vigild in host, after writing `config` (text) over its file when given."""
        handle = self.directors[host]
        handle.assert_alive()
        if config is not None:
            self._write_config(os.path.join(self.lab.tmp, f"{host}-vigild.conf"), config)
        os.kill(handle.pid, signal.SIGHUP)

    def fail_notify_scripts(self, fail=True):
        """From now on every notify script of both directors exits 1 (fail=False: 0 again)."""
        flag = self.notify_script + ".fail"
        if fail:
            open(flag, "w").close()
        else:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(flag)

    def notify_pings(self, host):
        notify = self._notify.get(host)
        return list(notify.pings) if notify else []

    # -- VRRP cut ------------------------------------------------------------------------------
    def block_vrrp(self):
        """Drop IP protocol 112 (VRRP, IPv4 and IPv6) in and out of h1 and h2 with nftables."""
        ruleset = (f"table inet {NFT_TABLE} {{\n"
                   "  chain input { type filter hook input priority -100; policy accept; meta l4proto 112 drop; }\n"
                   "  chain output { type filter hook output priority -100; policy accept; meta l4proto 112 drop; }\n"
                   "}\n")
        path = os.path.join(self.lab.tmp, "block-vrrp.nft")
        with open(path, "w") as f:
            f.write(ruleset)
        self._blocked = True
        for host in DIRECTORS:
            self.run(host, NFT, "-f", path)

    def unblock_vrrp(self):
        for host in DIRECTORS:
            self.run(host, NFT, "delete", "table", "inet", NFT_TABLE, check=False)
        self._blocked = False

    # -- Prometheus ----------------------------------------------------------------------------
    def _write_prometheus_config(self):
        rules = []
        for i, src in enumerate(self.rule_files):
            dst = os.path.join(self.prom_dir, f"rules-{i}-{os.path.basename(src)}")
            shutil.copyfile(src, dst)
            rules.append(dst)
        targets = ", ".join(f"'{self.instance(h)}'" for h in DIRECTORS)
        text = ("global:\n  scrape_interval: 1s\n  scrape_timeout: 900ms\n  evaluation_interval: 1s\n")
        if rules:
            text += "rule_files:\n" + "".join(f"  - {json.dumps(p)}\n" for p in rules)
        text += ("scrape_configs:\n  - job_name: vigil\n    static_configs:\n"
                 f"      - targets: [{targets}]\n")
        self.prom_config = os.path.join(self.prom_dir, "prometheus.yml")
        with open(self.prom_config, "w") as f:
            f.write(text)

    def _start_prometheus(self):
        argv = [PROMETHEUS, f"--config.file={self.prom_config}",
                f"--storage.tsdb.path={os.path.join(self.prom_dir, 'data')}",
                f"--web.listen-address=127.0.0.1:{PROM_PORT}", "--log.level=warn"]
        self.prom_log = os.path.join(self.prom_dir, "prometheus.log")
        self.prom_proc = self.lab._spawn(PROM_HOST, argv, self.prom_log)

    def _wait_prometheus_ready(self, timeout=20):
        def ready():
            if self.prom_proc.poll() is not None:
                raise AssertionError(f"prometheus exited with {self.prom_proc.returncode}: "
                                     f"{self.prometheus_log()[-2000:]}")
            try:
                return ns_http_get(self.ns(PROM_HOST), PROM_PORT, "/-/ready", timeout=1)[0] == 200
            except OSError:
                return False
        wait_for(ready, timeout, interval=0.1, what="Prometheus /-/ready in h3")

    def prometheus_log(self):
        try:
            with open(self.prom_log, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except (FileNotFoundError, AttributeError):
            return ""

    def api(self, path, **params):
        target = f"/api/v1/{path}" + (("?" + urllib.parse.urlencode(params)) if params else "")
        status, body = ns_http_get(self.ns(PROM_HOST), PROM_PORT, target, timeout=5)
        if status != 200:
            raise AssertionError(f"Prometheus {target} answered {status}: {body[:500]}")
        doc = json.loads(body)
        if doc.get("status") != "success":
            raise AssertionError(f"Prometheus {target}: {doc}")
        return doc["data"]

    def query(self, expr, time=None):
        """Instant query: [(labels, float value)] (a scalar result gives one row with empty labels)."""
        params = {"query": expr}
        if time is not None:
            params["time"] = f"{time:.3f}"
        data = self.api("query", **params)
        if data["resultType"] == "scalar":
            return [({}, float(data["result"][1]))]
        if data["resultType"] == "matrix":
            return [(item["metric"], float(item["values"][-1][1])) for item in data["result"] if item["values"]]
        return [(item["metric"], float(item["value"][1])) for item in data["result"]]

    def query_range(self, expr, seconds, step=1):
        """The last `seconds` at `step`: [(labels, [(timestamp, float), ...])]."""
        end = time.time()
        data = self.api("query_range", query=expr, start=f"{end - seconds:.3f}", end=f"{end:.3f}", step=step)
        return [(item["metric"], [(float(t), float(v)) for t, v in item["values"]]) for item in data["result"]]

    def wait_query(self, expr, predicate, timeout, what=None):
        """Polls the instant query until predicate(rows) is truthy; returns the rows."""
        box = {}

        def ok():
            box["rows"] = self.query(expr)
            return predicate(box["rows"])
        try:
            wait_for(ok, timeout, interval=0.25, what=what or expr)
        except AssertionError as e:
            raise AssertionError(f"{e}; last result of {expr}: {box.get('rows')}") from None
        return box["rows"]

    def alerts(self):
        return self.api("alerts")["alerts"]

    def rules(self):
        return self.api("rules")["groups"]

    def _matching(self, name, states=("pending", "firing")):
        return [a for a in self.alerts() if a.get("labels", {}).get("alertname") == name and a.get("state") in states]

    def wait_alert(self, name, state="firing", timeout=30):
        """Until alert `name` is in `state`; returns those alerts (AssertionError with all alerts)."""
        box = {}

        def ok():
            box["found"] = self._matching(name, (state,))
            return bool(box["found"])
        try:
            wait_for(ok, timeout, interval=0.25, what=f"alert {name} {state}")
        except AssertionError as e:
            raise AssertionError(f"{e}; alerts now: {self.alerts()}") from None
        return box["found"]

    def wait_no_alert(self, name, timeout=30):
        """Until no alert `name` is pending or firing; returns the seconds it took."""
        try:
            return wait_for(lambda: not self._matching(name), timeout, interval=0.25,
                            what=f"alert {name} to be gone")
        except AssertionError as e:
            raise AssertionError(f"{e}; alerts now: {self._matching(name)}") from None

    def assert_no_alert(self, name, seconds):
        """No alert `name`, pending or firing, at any poll during `seconds`."""
        end = time.monotonic() + seconds
        while True:
            found = self._matching(name)
            if found:
                raise AssertionError(f"alert {name} is {found[0].get('state')}: {found}")
            if time.monotonic() >= end:
                return
            time.sleep(0.25)

    def wait_master(self, host, timeout=15):
        """Until Prometheus sees `host` as the only master of VRID 51 and only `host` holds the VIP."""
        others = [h for h in DIRECTORS if h != host]
        master = f'vigil_vrrp_state{{job="vigil",vrid="{VRID}",state="master"}} == 1'
        seen = {}

        def ok():
            rows = self.query(master)
            seen.update(masters=[r[0].get("instance") for r in rows], owners=self.owners())
            return seen["masters"] == [self.instance(host)] and seen["owners"] == [host]
        try:
            return wait_for(ok, timeout, interval=0.25, what=f"{host} to be the only master (not {others})")
        except AssertionError as e:
            raise AssertionError(f"{e}; last seen: {seen}") from None

    # -- health --------------------------------------------------------------------------------
    def wait_healthy(self, timeout=30):
        """Both targets up, exactly one master for VRID 51 (Prometheus and the wire), real servers up."""
        inst = "|".join(self.instance(h).replace(".", "\\\\.") for h in DIRECTORS)
        sel = f'job="vigil",instance=~"{inst}"'
        seen = {}

        def healthy():
            up = self.query(f"up{{{sel}}}")
            masters = self.query(f'sum(vigil_vrrp_state{{{sel},vrid="{VRID}",state="master"}})')
            rs_up = self.query(f"vigil_real_server_up{{{sel}}}")
            owners = self.owners()
            seen.update(up=up, masters=masters, rs_up=rs_up, owners=owners)
            return (len(up) == 2 and all(v == 1 for _, v in up)
                    and [v for _, v in masters] == [1.0]
                    and len(rs_up) == 2 * len(REAL_SERVERS) and all(v == 1 for _, v in rs_up)
                    and len(owners) == 1)
        try:
            return wait_for(healthy, timeout, interval=0.25, what="the lab to be healthy")
        except AssertionError as e:
            raise AssertionError(f"{e}; last seen: {seen}") from None


def _ns_http(ns, host, port, path, timeout=2):
    """GET http://HOST:PORT/PATH from inside ns: (status, body text)."""
    conn = vrrp_lab._NSHTTPConnection(ns, host, port, timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8", "replace")
    finally:
        conn.close()
