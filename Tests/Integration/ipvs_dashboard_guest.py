#!/usr/bin/env python3
"""Inside the emulated kernel (scripts/kernel-vm/run.sh): the demo's director pair with kernel IPVS,
scraped by a real Prometheus, answers the dashboard queries this host's kernel cannot (IPVS).

    ipvs_dashboard_guest.py --vigild PATH --queries IN.json --out OUT.json

IN.json: [[where, expr], ...] with the dashboard variables already substituted. OUT.json: {"ok": bool,
"results": {where: number of series}, "failure": text}. Standard library only; run as root.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import vigil_harness as harness  # noqa: E402
from ipvs_lab import METRICS_PORT, TutorialLab, ns_http_get, wait_until  # noqa: E402

PROMETHEUS = "/usr/bin/prometheus"
PROM_PORT = 9090


def vrrp_config(lab, state, priority):
    return "\n".join([
        "vrrp_instance VI_1 {", f"    state {state}", "    interface eth0", "    virtual_router_id 51",
        f"    priority {priority}", "    advert_int 1", "    authentication {", "        auth_type PASS",
        "        auth_pass demo-pw", "    }", "    virtual_ipaddress {", f"        {lab.vip}/32 dev eth0", "    }", "}", "",
    ]) + lab.vigild_config(checker="HTTP_GET")


def prometheus_api(lab, path, **params):
    target = f"/api/v1/{path}?" + urllib.parse.urlencode(params)
    status, body = ns_http_get(lab.ns("client"), "127.0.0.1", PROM_PORT, target, timeout=10)
    if status != 200:
        raise AssertionError(f"Prometheus {target} answered {status}: {body[:300]}")
    return json.loads(body)["data"]


def run(vigild, queries):
    with TutorialLab("DR", pair=True) as lab:
        lab.start_real_servers()
        targets = []
        for host, (state, priority) in {"director": ("MASTER", 100), "director2": ("BACKUP", 50)}.items():
            address = lab.directors[host]
            lab.start_vigild(vigild, vrrp_config(lab, state, priority), host=host,
                             extra_args=["--listen", f"{address}:{METRICS_PORT}"])
            targets.append(f"{address}:{METRICS_PORT}")
        wait_until(lambda: lab.vip_owner() == ["director"], 60, "the VIP on director 1")
        wait_until(lambda: lab.destinations("director") == ["rs1", "rs2"], 60, "IPVS programmed")
        tmp = tempfile.mkdtemp(prefix="vigil-guest-prom-")
        with open(os.path.join(tmp, "prometheus.yml"), "w") as f:
            f.write("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n  scrape_timeout: 900ms\n"
                    "scrape_configs:\n  - job_name: vigil\n    static_configs:\n"
                    f"      - targets: {json.dumps(targets)}\n")
        lab.spawn("client", [PROMETHEUS, f"--config.file={tmp}/prometheus.yml", f"--storage.tsdb.path={tmp}/data",
                             f"--web.listen-address=127.0.0.1:{PROM_PORT}", "--log.level=warn"], "prometheus.log")
        try:
            def both_up():
                ups = [float(r["value"][1]) for r in prometheus_api(lab, "query", query='up{job="vigil"}')["result"]]
                return len(ups) == 2 and all(v == 1 for v in ups)
            wait_until(both_up, 120, "Prometheus scraping both directors", interval=0.5)
            # Traffic for the counters, spread over several scrapes so rates have two points.
            for _ in range(6):
                lab.requests(4)
                time.sleep(1)
            results = {}
            for where, expr in queries:
                results[where] = len(prometheus_api(lab, "query", query=expr)["result"])
            return results
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--vigild", required=True)
    parser.add_argument("--queries", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    with open(args.queries) as f:
        queries = json.load(f)
    report = {"ok": False, "results": {}, "failure": None}
    try:
        report["results"] = run(os.path.abspath(args.vigild), queries)
        report["ok"] = True
    except BaseException as e:  # reported to the host, which fails the test with it
        report["failure"] = f"{type(e).__name__}: {e}"
    with open(args.out, "w") as f:
        json.dump(report, f)
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    harness.BIN_DIR = harness.BIN_DIR or "."
    sys.exit(main())
