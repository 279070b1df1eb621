"""Configuration reload: SIGHUP, the control socket, vigilctl reload, and keeping the last good config."""

import json
import os
import signal
import stat

from vigil_harness import (BASIC_CONFIG, BROKEN_CONFIG, VRRP_2, Vigild, json_mentions, poll_until)


def metric_is(d, name, expected):
    def check():
        value = d.metrics().value(name)
        if value != expected:
            raise AssertionError(f"{name} is {value:g}, want {expected:g}")
        return True
    return check


def wait_metrics(d, what, **expected):
    for name, value in expected.items():
        poll_until(metric_is(d, name, value), 5, what=f"{what}: {name} == {value}")


def test_sighup_reloads_and_keeps_last_good_config():
    with Vigild() as d:
        before = d.metrics()
        assert before.value("vigil_config_reloads_total") == 0.0
        assert not json_mentions(d.status_json(), "VI_2")

        d.write_config(BASIC_CONFIG + VRRP_2)
        os.kill(d.pid, signal.SIGHUP)
        wait_metrics(d, "after a good SIGHUP", vigil_config_reloads_total=1,
                     vigil_config_last_reload_successful=1, vigil_config_reload_failures_total=0)
        status = d.status_json()
        assert json_mentions(status, "VI_2") and json_mentions(status, "192.0.2.200"), (
            f"/status does not show the reloaded VI_2: {json.dumps(status)[:1500]}")
        ts_good = d.metrics().value("vigil_config_last_reload_timestamp_seconds")
        assert ts_good >= before.value("vigil_config_last_reload_timestamp_seconds")

        d.write_config(BASIC_CONFIG + VRRP_2 + BROKEN_CONFIG)
        os.kill(d.pid, signal.SIGHUP)
        wait_metrics(d, "after a bad SIGHUP", vigil_config_reload_failures_total=1,
                     vigil_config_last_reload_successful=0)
        d.assert_alive()
        status = d.status_json()
        assert json_mentions(status, "VI_2"), f"/status lost the last good config: {json.dumps(status)[:1500]}"
        assert not json_mentions(status, "VI_3"), f"/status shows the rejected config: {json.dumps(status)[:1500]}"
        assert d.get("/healthz").status == 200


def test_control_socket_is_owner_only():
    with Vigild() as d:
        st = os.stat(d.wait_for_socket())
        assert stat.S_ISSOCK(st.st_mode), f"{d.sock_path} is not a socket"
        mode = stat.S_IMODE(st.st_mode)
        assert mode == 0o600, f"control socket mode is {mode:o}, want 600"
        r = d.control("GET", "/healthz")
        assert r.status == 200, r


def test_control_socket_post_reload_json():
    with Vigild() as d:
        d.write_config(BASIC_CONFIG + VRRP_2)
        r = d.control("POST", "/reload", body=b"")
        doc = r.json()
        assert doc.get("result") == "reloaded" and isinstance(doc.get("diagnostics"), list), (r, doc)
        assert r.status == 200, (r, doc)
        assert json_mentions(d.status_json(), "VI_2")

        d.write_config(BROKEN_CONFIG)
        r = d.control("POST", "/reload", body=b"")
        doc = r.json()
        assert doc.get("result") == "rejected", (r, doc)
        diags = doc.get("diagnostics")
        assert isinstance(diags, list) and diags and all(isinstance(x, str) for x in diags), doc
        assert any("NOT_A_STATE" in x or ":3" in x for x in diags), f"diagnostics do not point at the error: {diags}"
        assert json_mentions(d.status_json(), "VI_2") and d.alive()
        # A rejected configuration is a client error about the request's effect: 422, body as above.
        assert r.status == 422, f"a rejected reload answered HTTP {r.status}; expected 422 with result 'rejected'"


def test_vigilctl_reload_over_socket():
    with Vigild() as d:
        d.write_config(BASIC_CONFIG + VRRP_2)
        code, out, err = d.vigilctl("--socket", d.wait_for_socket(), "reload")
        assert code == 0, f"vigilctl reload of a good config exited {code}:\n{out}{err}"
        wait_metrics(d, "after vigilctl reload", vigil_config_reloads_total=1,
                     vigil_config_last_reload_successful=1)
        assert json_mentions(d.status_json(), "VI_2")

        d.write_config(BASIC_CONFIG + BROKEN_CONFIG)
        code, out, err = d.vigilctl("--socket", d.wait_for_socket(), "reload")
        assert code == 1, f"vigilctl reload of a broken config exited {code} (want 1):\n{out}{err}"
        assert "NOT_A_STATE" in out + err or "vigil.conf:3" in out + err, (
            f"vigilctl does not show why the config was rejected:\n{out}{err}")
        wait_metrics(d, "after a rejected vigilctl reload", vigil_config_reload_failures_total=1,
                     vigil_config_last_reload_successful=0)
        assert json_mentions(d.status_json(), "VI_2") and d.alive()


def test_vigilctl_reload_over_url_is_refused():
    with Vigild() as d:
        d.write_config(BASIC_CONFIG + VRRP_2)
        code, out, err = d.vigilctl("--url", d.base_url, "reload")
        assert code in (1, 2), f"vigilctl --url reload exited {code}:\n{out}{err}"
        assert "socket" in (out + err).lower(), f"message does not say the control socket is needed:\n{out}{err}"
        m = d.metrics()
        assert m.value("vigil_config_reloads_total") == 0 and not json_mentions(d.status_json(), "VI_2"), (
            "a reload over the TCP URL changed state")
        return f"exit {code}: {(out + err).strip().splitlines()[0] if (out + err).strip() else ''}"
