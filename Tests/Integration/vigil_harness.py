"""Shared helpers for the process-level integration suite: start vigild and Prometheus, talk HTTP.

Only the Python standard library is used. Every process started here is recorded by PID so the
runner can end it (and only it) if a test is interrupted.
"""

import contextlib
import ctypes
import gzip
import http.client as httpclient
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse

BIN_DIR = os.environ.get("VIGIL_BIN_DIR", "")

# PIDs of processes this suite started and has not reaped yet; the runner ends stragglers by PID.
STARTED_PIDS = set()


_CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


def enter_namespace(ns):
    """Moves the calling thread (only it) into network namespace ns; sockets it opens then live there."""
    fd = os.open(f"/run/netns/{ns}", os.O_RDONLY)
    try:
        if _libc.setns(fd, _CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, f"setns({ns}): {os.strerror(err)}")
    finally:
        os.close(fd)


def ns_call(ns, fn):
    """Run fn() on a short-lived thread that has entered network namespace ns; returns its result.

    setns(CLONE_NEWNET) changes only the calling thread, so the caller's own thread never moves;
    sockets created inside fn() stay in ns for their whole life.
    """
    box = {}

    def work():
        try:
            enter_namespace(ns)
            box["result"] = fn()
        except BaseException as e:  # handed to the caller's thread
            box["error"] = e

    t = threading.Thread(target=work, name=f"netns-{ns}")
    t.start()
    t.join()
    if "error" in box:
        raise box["error"]
    return box.get("result")


class Skip(Exception):
    """Raised by a test whose requirement is missing (printed as a loud SKIP)."""


class DaemonExited(AssertionError):
    """vigild ended while a test expected it to run."""


def binary(name):
    path = os.path.join(BIN_DIR, name)
    if not os.access(path, os.X_OK):
        raise AssertionError(f"{name} not found or not executable at {path} (pass --bin-dir)")
    return path


def require_root(reason):
    if os.geteuid() != 0:
        raise Skip(f"needs root: {reason}")


def require_tool(path, package):
    if not os.access(path, os.X_OK):
        raise AssertionError(
            f"{path} is missing: scripts/install-deps.sh must install the Debian package '{package}'")
    return path


def free_port(family=socket.AF_INET, host="127.0.0.1"):
    """A loopback TCP port nobody listens on right now (the kernel's choice)."""
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def end_process(proc, grace=5.0, sig=signal.SIGTERM):
    """Signal one process we started, by PID; SIGKILL that PID only if it outlives the grace."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, sig)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
    STARTED_PIDS.discard(proc.pid)
    return proc.returncode


def spawn(argv, **kwargs):
    proc = subprocess.Popen(argv, **kwargs)
    STARTED_PIDS.add(proc.pid)
    return proc


def run(argv, timeout=20, stdin_data=None):
    """Run a short command to completion; returns (exit code, stdout text, stderr text)."""
    proc = spawn(argv, stdin=subprocess.PIPE if stdin_data is not None else subprocess.DEVNULL,
                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = proc.communicate(stdin_data, timeout=timeout)
    except subprocess.TimeoutExpired:
        end_process(proc, grace=1)
        raise AssertionError(f"{' '.join(argv)} did not finish within {timeout} s")
    STARTED_PIDS.discard(proc.pid)
    return proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")


# ---------------------------------------------------------------------------------------------
# HTTP

class UnixHTTPConnection(httpclient.HTTPConnection):
    """http.client over a unix socket (the control socket)."""

    def __init__(self, path, timeout=10):
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self.unix_path)
        self.sock = s


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # lower-cased names
        self.body = body

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f"<HTTP {self.status} {self.headers.get('content-type', '')!r} {len(self.body)} bytes>"


def http(method, url, headers=None, body=None, timeout=10, unix_socket=None):
    """One request; url is http://host:port/path (for a unix socket pass unix_socket and a path)."""
    if unix_socket is not None:
        conn = UnixHTTPConnection(unix_socket, timeout=timeout)
        target = url
    else:
        parts = urllib.parse.urlsplit(url)
        conn = httpclient.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
    try:
        conn.request(method, target, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        hdrs = {k.lower(): v for k, v in resp.getheaders()}
        return Response(resp.status, hdrs, data)
    finally:
        conn.close()


def get(url, **kwargs):
    return http("GET", url, **kwargs)


def gunzip(data):
    return gzip.decompress(data)


# ---------------------------------------------------------------------------------------------
# The exposition formats

_SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)(\s+\S+)?$')
_LABEL = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(,|$)')


def parse_labels(text):
    if not text:
        return {}
    inner = text[1:-1]
    labels = {}
    pos = 0
    while pos < len(inner):
        m = _LABEL.match(inner, pos)
        if not m:
            raise ValueError(f"bad label set {text!r}")
        labels[m.group(1)] = m.group(2).replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")
        pos = m.end()
    return labels


class Exposition:
    """A parsed classic-text or OpenMetrics exposition: HELP/TYPE per family plus samples."""

    def __init__(self, text):
        self.text = text
        self.help = {}
        self.type = {}
        self.samples = []  # (name, labels, value float, raw line)
        self.errors = []
        for n, line in enumerate(text.split("\n"), 1):
            if not line:
                continue
            if line.startswith("#"):
                parts = line.split(None, 3)
                if len(parts) >= 3 and parts[1] == "HELP":
                    self.help[parts[2]] = parts[3] if len(parts) > 3 else ""
                elif len(parts) >= 4 and parts[1] == "TYPE":
                    self.type[parts[2]] = parts[3]
                continue
            m = _SAMPLE.match(line)
            if not m:
                self.errors.append(f"line {n}: cannot parse {line!r}")
                continue
            try:
                labels = parse_labels(m.group(2))
                value = float(m.group(3))
            except ValueError as e:
                self.errors.append(f"line {n}: {e} in {line!r}")
                continue
            self.samples.append((m.group(1), labels, value, line))

    def family_of(self, sample_name):
        """The TYPE'd family a sample belongs to (exact name first, then known suffixes)."""
        if sample_name in self.type:
            return sample_name
        for suffix in ("_total", "_bucket", "_sum", "_count", "_created", "_info", "_gsum", "_gcount"):
            if sample_name.endswith(suffix):
                base = sample_name[: -len(suffix)]
                if base in self.type:
                    return base
        return None

    def values(self, name, **labels):
        return [v for (n, l, v, _) in self.samples
                if n == name and all(l.get(k) == val for k, val in labels.items())]

    def value(self, name, **labels):
        vals = self.values(name, **labels)
        if len(vals) != 1:
            raise AssertionError(f"expected one sample {name}{labels or ''}, found {len(vals)}")
        return vals[0]

    def names(self):
        return {n for (n, _, _, _) in self.samples}


# ---------------------------------------------------------------------------------------------
# Configurations (documentation addresses only)

VRRP_1 = """\
vrrp_instance VI_1 {
    state MASTER
    interface eth0
    virtual_router_id 51
    priority 100
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass s3cr3tPW
    }
    virtual_ipaddress {
        192.0.2.100/24
    }
}
"""

VRRP_2 = """\
vrrp_instance VI_2 {
    state BACKUP
    interface eth0
    virtual_router_id 52
    priority 90
    advert_int 1
    virtual_ipaddress {
        192.0.2.200/24
    }
}
"""

VIRTUAL_SERVER = """\
virtual_server 192.0.2.100 80 {
    delay_loop 6
    lb_algo rr
    lb_kind NAT
    protocol TCP
    real_server 198.51.100.11 80 {
        TCP_CHECK {
            connect_timeout 3
        }
    }
}
"""

BASIC_CONFIG = VRRP_1 + VIRTUAL_SERVER

# An error on a known line: line 3 of this text has an invalid state.
BROKEN_CONFIG = """\
vrrp_instance VI_3 {
    interface eth0
    state NOT_A_STATE
    virtual_router_id 53
    priority 80
    virtual_ipaddress {
        192.0.2.150/24
    }
}
"""
BROKEN_LINE = 3


# ---------------------------------------------------------------------------------------------
# vigild

class Vigild:
    """Runs `vigild -f CONF --listen 127.0.0.1:PORT --control-socket TMP/vigild.sock` for a test.

    Use as a context manager; on exit vigild gets SIGTERM (SIGKILL after 5 s) and the temp dir
    is removed.
    """

    def __init__(self, config=BASIC_CONFIG, listen=None, extra_args=(), wait_healthy=True,
                 control_socket=True, pass_listen=True, env=None):
        self.config = config
        self.env = env  # extra environment variables for vigild
        self.tmp = tempfile.mkdtemp(prefix="vigil-integ-")
        self.conf_path = os.path.join(self.tmp, "vigil.conf")
        self.sock_path = os.path.join(self.tmp, "vigild.sock") if control_socket else None
        self.stderr_path = os.path.join(self.tmp, "vigild.stderr")
        self.port = None
        self.listen = listen
        self.extra_args = list(extra_args)
        self.wait_healthy = wait_healthy
        self.pass_listen = pass_listen  # False: the config's vigil_http_listen must be used
        self.proc = None
        self._stderr_file = None

    # -- lifecycle -----------------------------------------------------------------------------
    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def argv(self):
        # --check (keepalived's -C): these configs name eth0 in the test's own namespace, so VRRP
        # must not run here; the VRRP lab runs vigild inside namespaces of its own.
        argv = [binary("vigild"), "--check", "-f", self.conf_path]
        for addr in self.listen if self.pass_listen else ():
            argv += ["--listen", addr]
        if self.sock_path:
            argv += ["--control-socket", self.sock_path]
        return argv + self.extra_args

    def start(self):
        self.write_config(self.config)
        choose_port = self.listen is None
        for attempt in range(3):
            if choose_port:
                self.port = free_port()
                self.listen = [f"127.0.0.1:{self.port}"]
            else:
                m = re.match(r"^127\.0\.0\.1:(\d+)$", self.listen[0])
                self.port = int(m.group(1)) if m else None
            if self._stderr_file is None:
                self._stderr_file = open(self.stderr_path, "ab")
            env = dict(os.environ, **(self.env(self._stderr_file) if callable(self.env) else (self.env or {})))
            self.proc = spawn(self.argv(), stdin=subprocess.DEVNULL, stdout=self._stderr_file,
                              stderr=self._stderr_file, env=env)
            if not self.wait_healthy:
                return
            try:
                self.wait_until_answering(15)
                return
            except DaemonExited:
                # Another process may have taken the free port between our probe and vigild's bind.
                if choose_port and "in use" in self.stderr().lower() and attempt < 2:
                    continue
                raise

    def stop(self):
        if self.proc is not None:
            end_process(self.proc)
        if self._stderr_file is not None:
            self._stderr_file.close()
            self._stderr_file = None
        if os.environ.get("VIGIL_INTEG_KEEP"):
            return
        shutil.rmtree(self.tmp, ignore_errors=True)

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc.poll() is None

    def stderr(self):
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def assert_alive(self):
        if not self.alive():
            raise DaemonExited(f"vigild exited with {self.proc.returncode}; stderr:\n{self.stderr()[-3000:]}")

    def wait_until_answering(self, timeout):
        """Wait until GET /healthz gets any HTTP answer (its status is for the tests to judge)."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            self.assert_alive()
            try:
                return get(self.url("/healthz"), timeout=1)
            except OSError as e:
                last = e
                time.sleep(0.05)
        raise AssertionError(f"vigild did not answer GET /healthz on {self.listen} within {timeout} s "
                             f"(last error: {last}); stderr:\n{self.stderr()[-3000:]}")

    def write_config(self, text):
        # Write then rename so a reload never reads a half-written file.
        tmp = self.conf_path + ".new"
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, self.conf_path)

    # -- talking to it -------------------------------------------------------------------------
    @property
    def base_url(self):
        return f"http://{self.listen[0]}"

    def url(self, path):
        return self.base_url + path

    def get(self, path, **kwargs):
        return get(self.url(path), **kwargs)

    def request(self, method, path, **kwargs):
        return http(method, self.url(path), **kwargs)

    def wait_for_socket(self, timeout=5):
        """The control socket may appear a moment after the TCP listener answers."""
        deadline = time.monotonic() + timeout
        while not os.path.exists(self.sock_path):
            self.assert_alive()
            if time.monotonic() >= deadline:
                raise AssertionError(f"control socket {self.sock_path} does not exist {timeout} s after "
                                     f"start; stderr:\n{self.stderr()[-2000:]}")
            time.sleep(0.05)
        return self.sock_path

    def control(self, method, path, **kwargs):
        return http(method, path, unix_socket=self.wait_for_socket(), **kwargs)

    def metrics(self, fmt="text"):
        r = self.get(f"/metrics?format={fmt}")
        if r.status != 200:
            raise AssertionError(f"GET /metrics?format={fmt} answered {r.status}: {r.text[:300]}")
        return Exposition(r.text)

    def status_json(self, **kwargs):
        r = self.get("/status", **kwargs)
        if r.status != 200:
            raise AssertionError(f"GET /status answered {r.status}: {r.text[:300]}")
        return r.json()

    def fd_count(self):
        return len(os.listdir(f"/proc/{self.pid}/fd"))

    def rss_bytes(self):
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        raise AssertionError("no VmRSS in /proc/PID/status")

    def vigilctl(self, *args, timeout=20):
        return run([binary("vigilctl"), *args], timeout=timeout)


def poll_until(check, timeout, interval=0.1, what="condition"):
    """Call check() until it returns a truthy value; AssertionError with its last complaint."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            result = check()
            if result:
                return result
            last = f"{what}: got {result!r}"
        except (AssertionError, OSError, ValueError) as e:
            last = f"{what}: {e}"
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {last}")
        time.sleep(interval)


def json_mentions(obj, needle):
    """Whether a string equal to / containing needle appears anywhere in a JSON value (keys too)."""
    if isinstance(obj, str):
        return needle in obj
    if isinstance(obj, dict):
        return any(json_mentions(k, needle) or json_mentions(v, needle) for k, v in obj.items())
    if isinstance(obj, list):
        return any(json_mentions(v, needle) for v in obj)
    return False


# ---------------------------------------------------------------------------------------------
# Prometheus

class Prometheus:
    """A real /usr/bin/prometheus on a free loopback port with a generated config in a temp dir."""

    BIN = "/usr/bin/prometheus"

    def __init__(self, scrape_configs_yaml, scrape_interval="1s"):
        require_tool(self.BIN, "prometheus")
        self.tmp = tempfile.mkdtemp(prefix="vigil-integ-prom-")
        self.port = free_port()
        self.config_path = os.path.join(self.tmp, "prometheus.yml")
        self.log_path = os.path.join(self.tmp, "prometheus.log")
        with open(self.config_path, "w") as f:
            f.write(f"global:\n  scrape_interval: {scrape_interval}\n  scrape_timeout: {scrape_interval}\n"
                    f"  evaluation_interval: {scrape_interval}\n"
                    f"scrape_configs:\n{scrape_configs_yaml}")
        self.proc = None
        self._log = None

    def __enter__(self):
        self._log = open(self.log_path, "ab")
        self.proc = spawn([self.BIN, f"--config.file={self.config_path}",
                           f"--storage.tsdb.path={os.path.join(self.tmp, 'data')}",
                           f"--web.listen-address=127.0.0.1:{self.port}",
                           "--log.level=warn"],
                          stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log, cwd=self.tmp)
        try:
            poll_until(self._ready, 30, interval=0.2, what="Prometheus /-/ready")
        except BaseException:
            self.__exit__()
            raise
        return self

    def _ready(self):
        if self.proc.poll() is not None:
            raise AssertionError(f"prometheus exited with {self.proc.returncode}: {self.log()[-2000:]}")
        return get(f"http://127.0.0.1:{self.port}/-/ready", timeout=1).status == 200

    def __exit__(self, *exc):
        if self.proc is not None:
            end_process(self.proc, grace=10)
        if self._log is not None:
            self._log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)
        return False

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def api(self, path, **params):
        query = urllib.parse.urlencode(params)
        r = get(f"http://127.0.0.1:{self.port}/api/v1/{path}" + (f"?{query}" if query else ""), timeout=5)
        if r.status != 200:
            raise AssertionError(f"Prometheus /api/v1/{path} answered {r.status}: {r.text[:500]}")
        doc = r.json()
        if doc.get("status") != "success":
            raise AssertionError(f"Prometheus /api/v1/{path}: {doc}")
        return doc["data"]

    def query(self, expr):
        """Instant vector query: list of (labels dict, float value)."""
        data = self.api("query", query=expr)
        return [(item["metric"], float(item["value"][1])) for item in data["result"]]

    def targets(self):
        return self.api("targets")["activeTargets"]
