"""vigild as a process: listening, signals, startup errors."""

import os
import re
import signal
import socket
import time

from vigil_harness import BASIC_CONFIG, BROKEN_CONFIG, BROKEN_LINE, Vigild, end_process, free_port, get


def stop_time_ms(sig):
    with Vigild() as d:
        d.get("/metrics")
        t0 = time.perf_counter()
        os.kill(d.pid, sig)
        _, status = os.waitpid(d.pid, 0)
        elapsed = (time.perf_counter() - t0) * 1000
        d.proc.returncode = os.waitstatus_to_exitcode(status)
        code = d.proc.returncode
        assert code == 0, f"vigild exited {code} on {sig.name}; stderr:\n{d.stderr()[-2000:]}"
        return elapsed


def check_fast_exit(sig):
    times = [stop_time_ms(sig) for _ in range(3)]
    shown = ", ".join(f"{t:.1f}" for t in times)
    assert min(times) < 100, f"{sig.name}: best exit time {min(times):.1f} ms >= 100 ms (all: {shown} ms)"
    assert max(times) < 250, f"{sig.name}: an exit took {max(times):.1f} ms >= 250 ms (all: {shown} ms)"
    return f"{sig.name} exit 0 in {shown} ms"


def test_sigterm_exits_zero_within_100ms():
    return check_fast_exit(signal.SIGTERM)


def test_sigint_exits_zero_within_100ms():
    return check_fast_exit(signal.SIGINT)


def test_logs_listening_address():
    with Vigild() as d:
        lines = [l for l in d.stderr().splitlines() if "listening" in l]
        assert any(f"127.0.0.1:{d.port}" in l for l in lines), (
            f"no 'listening' line naming 127.0.0.1:{d.port}; stderr:\n{d.stderr()[-2000:]}")


def test_listen_repeats_port_zero_and_ipv6():
    with Vigild(listen=["127.0.0.1:0", "[::1]:0"], wait_healthy=False) as d:
        found = {}

        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and len(found) < 2:
            d.assert_alive()
            for line in d.stderr().splitlines():
                if "listening" not in line:
                    continue
                m = re.search(r"127\.0\.0\.1:(\d+)", line)
                if m and int(m.group(1)) != 0:
                    found["v4"] = f"127.0.0.1:{m.group(1)}"
                m = re.search(r"\[::1\]:(\d+)", line)
                if m and int(m.group(1)) != 0:
                    found["v6"] = f"[::1]:{m.group(1)}"
            time.sleep(0.05)
        assert len(found) == 2, f"expected 'listening' lines with the chosen ports; found {found}; stderr:\n{d.stderr()[-2000:]}"
        for addr in found.values():
            r = get(f"http://{addr}/healthz", timeout=5)
            assert r.status == 200, f"{addr}: {r}"
        return f"bound {found['v4']} and {found['v6']}"


def test_listen_from_config_global_defs():
    port = free_port()
    config = f"global_defs {{\n    vigil_http_listen 127.0.0.1:{port}\n}}\n" + BASIC_CONFIG
    with Vigild(config=config, listen=[f"127.0.0.1:{port}"], pass_listen=False) as d:
        assert d.get("/metrics").status == 200


def test_port_in_use_fails_fast_naming_the_address():
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen(1)
        port = blocker.getsockname()[1]
        with Vigild(listen=[f"127.0.0.1:{port}"], wait_healthy=False) as d:
            t0 = time.monotonic()
            try:
                code = d.proc.wait(timeout=5)
            except Exception:
                end_process(d.proc)
                raise AssertionError(f"vigild still running 5 s after starting on a busy port; stderr:\n{d.stderr()[-2000:]}")
            elapsed = time.monotonic() - t0
            err = d.stderr()
            assert code == 1, f"exit code {code} on a busy port (contract: 1); stderr:\n{err[-2000:]}"
            assert f"127.0.0.1:{port}" in err, f"stderr does not name 127.0.0.1:{port}:\n{err[-2000:]}"
            assert re.search(r"in use", err, re.I), f"stderr does not say the address is in use:\n{err[-2000:]}"
            return f"exit {code} after {elapsed * 1000:.0f} ms"


def test_config_error_exits_1_naming_file_and_line():
    with Vigild(config=BROKEN_CONFIG, wait_healthy=False) as d:
        try:
            code = d.proc.wait(timeout=10)
        except Exception:
            end_process(d.proc)
            raise AssertionError(f"vigild kept running with a broken config; stderr:\n{d.stderr()[-2000:]}")
        err = d.stderr()
        assert code == 1, f"exit code {code} with a broken config; stderr:\n{err[-2000:]}"
        assert re.search(rf"vigil\.conf:{BROKEN_LINE}\b", err), f"stderr does not name vigil.conf:{BROKEN_LINE}:\n{err[-2000:]}"


def test_logs_to_the_journal_with_priorities_when_stderr_is_the_journal():
    """Under systemd, JOURNAL_STREAM names stderr's device:inode; lines then carry <N> priorities."""
    def journal_env(stderr_file):
        info = os.fstat(stderr_file.fileno())
        return {"JOURNAL_STREAM": f"{info.st_dev}:{info.st_ino}"}

    with Vigild(env=journal_env) as d:
        d.get("/metrics")
        text = d.stderr()
    lines = [line for line in text.splitlines() if line]
    assert lines, "vigild logged nothing"
    assert all(re.match(r"^<[0-7]>", line) for line in lines), f"lines without a priority prefix:\n{text}"
    assert any(line.startswith("<6>listening ") for line in lines), text
    assert not any(re.match(r"^<\d>\d{4}-\d\d-\d\dT", line) for line in lines), "journal lines must not carry our own timestamp"

    with Vigild(env={"JOURNAL_STREAM": "1:1"}) as d:
        plain = d.stderr()
    assert re.search(r"^\d{4}-\d\d-\d\dT[0-9:.]+Z info vigild: listening ", plain, re.M), plain
    return "journal: <6>-prefixed lines; elsewhere: timestamped lines"
