"""vigilctl against a live vigild, over TCP and over the control socket."""

import json
import os
import re
import tempfile

from vigil_harness import Vigild, binary, free_port, json_mentions, run


def test_status_table_over_url():
    with Vigild() as d:
        code, out, err = d.vigilctl("--url", d.base_url, "status")
        assert code == 0, f"exit {code}:\n{out}{err}"
        assert "VI_1" in out and "192.0.2.100" in out, f"status table lacks VI_1 / its VIP:\n{out}"
        row = [l for l in out.splitlines() if "VI_1" in l]
        assert any("192.0.2.100" in l for l in row), f"VI_1's row does not show its VIP:\n{out}"


def test_status_json_over_url_and_socket():
    with Vigild() as d:
        for where in (["--url", d.base_url], ["--socket", d.wait_for_socket()]):
            code, out, err = d.vigilctl(*where, "status", "--json")
            assert code == 0, f"{where}: exit {code}:\n{out}{err}"
            try:
                doc = json.loads(out)
            except ValueError as e:
                raise AssertionError(f"{where}: status --json is not JSON ({e}):\n{out[:500]}")
            assert json_mentions(doc, "VI_1") and json_mentions(doc, "192.0.2.100"), f"{where}: {out[:800]}"


def test_metrics_over_url():
    with Vigild() as d:
        code, out, err = d.vigilctl("--url", d.base_url, "metrics")
        assert code == 0, f"exit {code}:\n{out}{err}"
        assert re.search(r"^vigil_build_info\{", out, re.M), f"no vigil_build_info sample:\n{out[:800]}"
        assert "# TYPE" in out


def test_unreachable_url_exits_2_with_message():
    port = free_port()
    code, out, err = run([binary("vigilctl"), "--url", f"http://127.0.0.1:{port}", "status"])
    message = (out + err).strip()
    assert code == 2, f"exit {code} (want 2) when nothing listens on {port}:\n{message}"
    assert message, "no message at all"
    assert str(port) in message or re.search(r"connect|reach|refused", message, re.I), (
        f"message does not say what could not be reached:\n{message}")
    with tempfile.TemporaryDirectory() as tmp:
        code, out, err = run([binary("vigilctl"), "--socket", os.path.join(tmp, "none.sock"), "status"])
        assert code == 2, f"exit {code} (want 2) for a missing socket:\n{out}{err}"
    return f"message: {message.splitlines()[0]}"
