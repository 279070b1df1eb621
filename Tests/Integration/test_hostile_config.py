"""A reload can never take the daemon down: the inputs that once crashed or hung vigild's reader.

`vigild -t` answers each within a second with a diagnostic at its file:line; a running vigild given
each by SIGHUP keeps running and serving, reports the refused reload, and takes the next good file.
Special files (a FIFO whose writer never closes, /dev/zero, a directory) are refused at once. The
VRRP side (VIPs and adverts kept across these reloads) is in test_reload_lab.py.
"""

import os
import signal
import time

import hostile_configs as hostile
import vigil_harness as harness
from vigil_harness import BASIC_CONFIG, Vigild, poll_until

ANSWER_WITHIN = 1.0


def test_config_test_answers_each_hostile_file_within_a_second():
    tmp = harness.tempfile.mkdtemp(prefix="vigil-hostile-")
    try:
        timings = []
        for name, build in hostile.CASES.items():
            main = os.path.join(tmp, f"{name}.conf")
            text, line, message = build(main, BASIC_CONFIG)
            hostile.write(main, text)
            started = time.monotonic()
            code, out, err = harness.run([harness.binary("vigild"), "-t", "-f", main], timeout=30)
            took = time.monotonic() - started
            timings.append(f"{name} {took * 1000:.0f} ms")
            assert code == 1, f"{name}: vigild -t exited {code}, want 1 (errors):\n{err[-2000:]}"
            assert message in err, f"{name}: no '{message}' in:\n{err[-2000:]}"
            if line is not None:
                assert f"{main}:{line}:" in err, f"{name}: the diagnostic does not name {main}:{line}:\n{err[-2000:]}"
            assert took < ANSWER_WITHIN, f"{name}: vigild -t took {took:.2f} s (limit {ANSWER_WITHIN} s)"
        main = os.path.join(tmp, "random.conf")
        hostile.write(main, hostile.RANDOM_EXTREMES + BASIC_CONFIG)
        code, _, err = harness.run([harness.binary("vigild"), "-t", "-f", main], timeout=30)
        assert code == 0, f"${{_RANDOM 0 INT_MAX}}: vigild -t exited {code}:\n{err[-2000:]}"
        return "; ".join(timings)
    finally:
        harness.shutil.rmtree(tmp, ignore_errors=True)


def test_config_test_refuses_special_files_at_once():
    tmp = harness.tempfile.mkdtemp(prefix="vigil-hostile-")
    fifo = os.path.join(tmp, "fifo.conf")
    os.mkfifo(fifo)
    # A writer that never closes: reading would block until it did.
    writer = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)
    try:
        for path, kind in ((fifo, "a FIFO"), ("/dev/zero", "a character device")):
            started = time.monotonic()
            code, _, err = harness.run([harness.binary("vigild"), "-t", "-f", path], timeout=30)
            took = time.monotonic() - started
            assert code == 1 and f"it is {kind}, not a regular file" in err, f"{path}: exit {code}:\n{err[-1500:]}"
            assert took < ANSWER_WITHIN, f"{path}: vigild -t took {took:.2f} s"
    finally:
        os.close(writer)
        harness.shutil.rmtree(tmp, ignore_errors=True)


def _replace_config(d, kind, tmp_writer_holder):
    """Puts something hostile where the config file was; returns the message the refusal names."""
    path = d.conf_path
    os.remove(path)
    if kind == "fifo":
        os.mkfifo(path)
        tmp_writer_holder.append(os.open(path, os.O_RDWR | os.O_NONBLOCK))
        return "it is a FIFO, not a regular file"
    if kind == "dev-zero":
        os.symlink("/dev/zero", path)
        return "it is a character device, not a regular file"
    if kind == "directory":
        os.mkdir(path)
        return "it is a directory"
    if kind == "deleted":
        return "no such file"
    raise ValueError(kind)


def _restore_config(d, text):
    path = d.conf_path
    if os.path.isdir(path) and not os.path.islink(path):
        os.rmdir(path)
    elif os.path.lexists(path):
        os.remove(path)
    hostile.write(path, text)


def test_sighup_with_each_hostile_file_keeps_the_daemon_and_takes_the_next_good_file():
    with Vigild(extra_args=("--log-level", "debug")) as d:
        failures = 0
        writers = []
        timings = []
        try:
            cases = [(name, build) for name, build in hostile.CASES.items()]
            specials = ["fifo", "dev-zero", "directory", "deleted"]
            for name, build in cases:
                text, _, message = build(d.conf_path, BASIC_CONFIG)
                hostile.write(d.conf_path, text)
                timings.append(_refused_reload(d, name, message, failures + 1))
                failures += 1
            for kind in specials:
                message = _replace_config(d, kind, writers)
                timings.append(_refused_reload(d, kind, message, failures + 1))
                failures += 1
                _restore_config(d, BASIC_CONFIG)
            # The last good file still reloads: no refused reload held anything up.
            hostile.write(d.conf_path, hostile.RANDOM_EXTREMES + BASIC_CONFIG)
            os.kill(d.pid, signal.SIGHUP)
            poll_until(lambda: d.metrics().value("vigil_config_last_reload_successful") == 1, 10,
                       what="the good reload after the hostile ones")
            d.assert_alive()
            assert d.get("/healthz").status == 200
            # Every reload's file went through the check in a child process before the daemon read it.
            checked = d.stderr().count("the reload's file was read in a child process first")
            assert checked >= len(cases) + 1, f"{checked} reloads checked in a child:\n{d.stderr()[-2000:]}"
            return "; ".join(timings)
        finally:
            for fd in writers:
                os.close(fd)


def _refused_reload(d, name, message, want_failures):
    started = time.monotonic()
    os.kill(d.pid, signal.SIGHUP)
    poll_until(lambda: d.metrics().value("vigil_config_reload_failures_total") >= want_failures, 10,
               interval=0.02, what=f"{name}: the reload to be refused")
    took = time.monotonic() - started
    d.assert_alive()
    metrics = d.metrics()
    assert metrics.value("vigil_config_last_reload_successful") == 0, f"{name}: the reload was not refused"
    error = d.status_json()["config"]["last_reload_error"]
    assert message in error, f"{name}: /status last_reload_error is {error!r}, want '{message}'"
    assert d.get("/healthz").status == 200, f"{name}: /healthz is not 200 after the refused reload"
    return f"{name} {took * 1000:.0f} ms"
