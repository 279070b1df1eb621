"""Secrets from the configuration never leave the daemon."""

from vigil_harness import Vigild

SECRET = "s3cr3tPW"


def test_auth_pass_not_exposed():
    with Vigild() as d:
        assert SECRET in open(d.conf_path).read()
        places = {
            "/status": d.get("/status").text,
            "/metrics": d.get("/metrics").text,
            "/metrics?format=openmetrics": d.get("/metrics?format=openmetrics").text,
            "/ (index)": d.get("/").text,
            "control socket /status": d.control("GET", "/status").text,
            "vigilctl status --json": "".join(d.vigilctl("--url", d.base_url, "status", "--json")[1:]),
            "vigilctl status": "".join(d.vigilctl("--url", d.base_url, "status")[1:]),
            "vigild stderr": d.stderr(),
        }
        leaks = [where for where, text in places.items() if SECRET in text]
        assert not leaks, f"auth_pass {SECRET!r} appears in: {leaks}"
