#!/usr/bin/env python3
"""Scenarios on ipvs_lab.TutorialLab, each reported step by step as JSON for the host-side tests.

    python3 ipvs_tutorial.py tutorial --method DR|NAT --vigild PATH [--checker HTTP_GET|TCP_CHECK]
                                      [--json RESULT.json] [--metric-names FILE] [--slack S]
    python3 ipvs_tutorial.py baseline --method DR|NAT [--json RESULT.json]   (ipvsadm, no vigild)
    python3 ipvs_tutorial.py plan --json-dir DIR [--vigild PATH] baseline:DR tutorial:NAT:TCP_CHECK ...

tutorial: vigild --check on the director (delay_loop 1, connect_timeout 1, retry 1,
delay_before_retry 1): requests through the VIP alternate between rs1 and rs2; IPVS counters in
/metrics equal `ipvsadm -Ln --stats --exact`; rs2's httpd stops → rs2 leaves `ipvsadm -Ln` and
/metrics shows it down within delay_loop + retry × (connect_timeout + delay_before_retry) + slack,
and only rs1 answers; rs1 stops too → nothing answers; both return → back in, alternating again.
baseline: the same lab with IPVS programmed by ipvsadm, proving the layout itself.
Exit status: 0 all passed, 1 a run failed, 77 skipped (not root).
"""

import argparse
import contextlib
import json
import os
import sys
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import vigil_harness as harness  # noqa: E402  (after the path is set)
from ipvs_lab import LAYOUTS, TutorialLab, alternates, ipvs_counter_names, parse_metric_names, wait_until  # noqa: E402


class StepSkipped(Exception):
    """A step whose requirement is missing: reported as skipped, the scenario goes on."""


def log(message):
    print(f"ipvs-lab: {message}", flush=True)


def list_metric_names(vigild):
    code, out, err = harness.run([vigild, "--list-metrics"], timeout=60)
    if code != 0:
        raise StepSkipped(f"`vigild --list-metrics` exited {code}: {(err.strip() or out.strip())[:200]}")
    return parse_metric_names(out)


# ---------------------------------------------------------------------------------------------
# The scenario

class Report:
    """Steps with their status, seconds and details; written as JSON for the host-side test."""

    def __init__(self, method):
        self.doc = {"method": method, "steps": [], "ok": False, "failure": None}
        self.started = time.monotonic()

    @contextlib.contextmanager
    def step(self, name, fatal=True):
        """One step; an exception fails it (and the scenario, unless fatal=False)."""
        entry = {"name": name, "status": "running", "detail": ""}
        self.doc["steps"].append(entry)
        start = time.monotonic()
        try:
            yield entry
            entry["status"] = "passed"
        except StepSkipped as e:
            entry["status"] = "skipped"
            entry["detail"] = str(e)
        except Exception as e:
            entry["status"] = "failed"
            entry["detail"] = f"{type(e).__name__}: {e}"
            if fatal:
                raise
        except BaseException as e:  # the runner's time limit, ^C
            entry["status"] = "failed"
            entry["detail"] = f"{type(e).__name__}: {e}"
            raise
        finally:
            entry["seconds"] = round(time.monotonic() - start, 3)
            log(f"{entry['status'].upper():7} {name} ({entry['seconds']:.1f} s)"
                + (f": {entry['detail']}" if entry["detail"] else ""))

    def write(self, path):
        self.doc["seconds"] = round(time.monotonic() - self.started, 3)
        if path:
            with open(path + ".tmp", "w") as f:
                json.dump(self.doc, f, indent=1)
            os.replace(path + ".tmp", path)


def compare_counters(lab, counter_names, timeout=12.0):
    """Poll until /metrics' IPVS counters equal `ipvsadm -Ln --stats --exact` (the kernel refreshes
    them every ~2 s): ipvsadm, then /metrics, then ipvsadm again, all equal. Returns a summary."""
    service = lab.service_key()
    last = "no comparison yet"
    deadline = time.monotonic() + timeout
    while True:
        before = lab.stats()
        expo = lab.metrics()
        after = lab.stats()
        problems = []
        exported = 0
        if before != after:
            problems.append("ipvsadm's counters moved during the scrape")
        for name, column in counter_names.items():
            for (n, labels, value, _) in expo.samples:
                if n != name or labels.get("local_address") != lab.vip or labels.get("local_port") != "80":
                    continue
                if labels.get("proto", "tcp").lower() != "tcp":
                    continue
                exported += 1
                remote = labels.get("remote_address", "")
                key = service + ((remote, int(labels.get("remote_port", "0"))) if remote else ())
                if key not in after:
                    problems.append(f"{n}{labels} has no row in ipvsadm --stats")
                elif after[key][column] != value:
                    problems.append(f"{n} for {key[1:]}: /metrics {value:g}, ipvsadm {after[key][column]}")
        if exported == 0:
            problems.append(f"/metrics has no sample of {sorted(counter_names)} for {lab.vip}:80")
        if service not in after or after[service][0] < 1:
            problems.append(f"ipvsadm counts no connection for the service yet: {after.get(service)}")
        if not problems:
            conns, inpkts, outpkts, inbytes, outbytes = after[service]
            return (f"{exported} samples equal; service conns {conns}, packets in/out {inpkts}/{outpkts}, "
                    f"bytes in/out {inbytes}/{outbytes}")
        last = "; ".join(problems[:6])
        if time.monotonic() >= deadline:
            raise AssertionError(f"IPVS counters in /metrics never matched ipvsadm within {timeout:g} s: {last}")
        time.sleep(0.5)


def run_tutorial(method, vigild, report, checker="HTTP_GET", slack=3.0, metric_names=None, requests=6):
    """The tutorial: round robin, one real server stops, both stop, both return; counters agree."""
    delay_loop, connect_timeout, retry, delay_before_retry = 1, 1, 1, 1
    down_bound = delay_loop + retry * (connect_timeout + delay_before_retry)
    timings = report.doc.setdefault("timings", {})
    report.doc["bounds"] = {"down": down_bound, "up": delay_loop, "slack": slack}
    with report.step("lab"):
        lab = TutorialLab(method).__enter__()
    try:
        with report.step("real servers answer"):
            lab.start_real_servers()
        with report.step("vigild starts"):
            timings["vigild_start"] = round(lab.start_vigild(vigild, lab.vigild_config(
                checker=checker, delay_loop=delay_loop, connect_timeout=connect_timeout, retry=retry,
                delay_before_retry=delay_before_retry)), 3)

        with report.step("vigild programs IPVS"):
            try:
                timings["programmed"] = round(wait_until(
                    lambda: lab.destinations() == ["rs1", "rs2"], 15,
                    f"ipvsadm -Ln in the director to list {lab.vip}:80 with rs1 and rs2"), 3)
            except AssertionError as e:
                raise AssertionError(
                    f"vigild --check did not program IPVS: {e}\n`ipvsadm -Ln`:\n{lab.ipvsadm('-Ln')}"
                    f"vigild log:\n{lab.vigild_tail()}") from None
            wait_until(lambda: all(lab.real_server_up(lab.metrics(), n) == 1 for n in lab.real_servers), 10,
                       "vigil_real_server_up 1 for rs1 and rs2 in /metrics")

        with report.step("round robin"):
            answers = lab.requests(requests)
            report.doc["round_robin"] = answers
            assert alternates(answers), f"requests through {lab.vip} answered {answers}: not rs1/rs2 alternating"

        # Not fatal: a counter mismatch is reported on its own and the failover steps still run.
        with report.step("counters equal ipvsadm --stats", fatal=False):
            names = metric_names if metric_names is not None else list_metric_names(vigild)
            counters = ipvs_counter_names(names)
            if not counters:
                raise StepSkipped("`vigild --list-metrics` names no IPVS counter family "
                                  "(vigil_ipvs_*_{connections,incoming_packets,...}_total): NOT COMPARED")
            report.doc["counter_names"] = sorted(counters)
            report.doc["counters"] = compare_counters(lab, counters)

        with report.step("rs2 stops: leaves IPVS and /metrics"):
            t0 = time.monotonic()
            lab.stop_http("rs2")
            limit = down_bound + slack
            wait_until(lambda: lab.destinations() == ["rs1"], limit + 5, "rs2 to leave ipvsadm -Ln")
            t_table = time.monotonic() - t0
            wait_until(lambda: lab.real_server_up(lab.metrics(), "rs2") == 0, limit + 5,
                       "vigil_real_server_up{rs2} 0")
            t_metric = time.monotonic() - t0
            timings["rs2_out_of_table"] = round(t_table, 3)
            timings["rs2_down_in_metrics"] = round(t_metric, 3)
            assert max(t_table, t_metric) <= limit, (
                f"rs2 left the table after {t_table:.2f} s and /metrics showed it down after {t_metric:.2f} s; "
                f"bound delay_loop + retry × (connect_timeout + delay_before_retry) + slack = {limit:g} s")
            answers = lab.requests(requests)
            assert answers == ["rs1"] * requests, f"with rs2 down the VIP answered {answers}"

        with report.step("both stop: nothing answers"):
            t0 = time.monotonic()
            lab.stop_http("rs1")
            limit = down_bound + slack
            wait_until(lambda: not lab.destinations(), limit + 5, "rs1 to leave ipvsadm -Ln too")
            t_table = time.monotonic() - t0
            wait_until(lambda: lab.real_server_up(lab.metrics(), "rs1") == 0, limit + 5,
                       "vigil_real_server_up{rs1} 0")
            timings["rs1_out_of_table"] = round(t_table, 3)
            assert t_table <= limit, f"rs1 left the table after {t_table:.2f} s (bound {limit:g} s)"
            answers = lab.requests(3, timeout=2.0)
            assert answers == [None] * 3, f"with both real servers down the VIP still answered {answers}"

        with report.step("both return: back in IPVS and round robin"):
            lab.start_real_servers()
            t0 = time.monotonic()  # from when both answer again: the checker cannot see them earlier
            limit = delay_loop + slack
            wait_until(lambda: lab.destinations() == ["rs1", "rs2"], limit + 10, "rs1 and rs2 back in ipvsadm -Ln")
            t_table = time.monotonic() - t0
            wait_until(lambda: all(lab.real_server_up(lab.metrics(), n) == 1 for n in lab.real_servers), limit + 10,
                       "vigil_real_server_up 1 for both again")
            t_metric = time.monotonic() - t0
            timings["back_in_table"] = round(t_table, 3)
            timings["back_up_in_metrics"] = round(t_metric, 3)
            assert max(t_table, t_metric) <= limit, (
                f"back in the table after {t_table:.2f} s, up in /metrics after {t_metric:.2f} s "
                f"(bound delay_loop + slack = {limit:g} s)")
            answers = lab.requests(requests)
            assert alternates(answers), f"after the restart the VIP answered {answers}"
        report.doc["ok"] = True
    finally:
        lab.teardown()


def run_baseline(method, report, requests=6):
    """The lab alone, IPVS programmed with ipvsadm: proves the layout forwards (round robin) and that
    ipvsadm --stats counts the traffic, so a failing vigild scenario is vigild's failure."""
    with report.step("lab"):
        lab = TutorialLab(method).__enter__()
    try:
        with report.step("real servers answer"):
            lab.start_real_servers()
        with report.step("ipvsadm programs the service"):
            forward = "-g" if method == "DR" else "-m"
            lab.ipvsadm("-A", "-t", f"{lab.vip}:80", "-s", "rr")
            for address in lab.real_servers.values():
                lab.ipvsadm("-a", "-t", f"{lab.vip}:80", "-r", f"{address}:80", forward, "-w", "1")
            assert lab.destinations() == ["rs1", "rs2"], f"ipvsadm -Ln:\n{lab.ipvsadm('-Ln')}"
        with report.step("round robin"):
            answers = lab.requests(requests)
            report.doc["round_robin"] = answers
            assert alternates(answers), f"requests through {lab.vip} answered {answers}"
        with report.step("ipvsadm --stats counts the connections"):
            service = lab.service_key()
            wait_until(lambda: lab.stats().get(service, (0,))[0] == requests, 8,
                       f"ipvsadm --stats to count {requests} connections for {lab.vip}:80")
            report.doc["stats"] = {" ".join(map(str, k)): v for k, v in lab.stats().items()}
        report.doc["ok"] = True
    finally:
        lab.teardown()


def run_one(kind, method, json_path, vigild=None, checker="HTTP_GET", slack=3.0, metric_names=None):
    """One baseline or tutorial run with its report written to json_path: 0 passed, 1 failed, 77 skipped."""
    log(f"== {kind} {method}" + (f" {checker}" if kind == "tutorial" else ""))
    report = Report(method)
    report.doc["kind"] = kind
    try:
        if kind == "baseline":
            run_baseline(method, report)
        else:
            run_tutorial(method, vigild, report, checker=checker, slack=slack, metric_names=metric_names)
    except harness.Skip as e:
        report.doc["skipped"] = str(e)
        log(f"SKIP: {e}")
        report.write(json_path)
        return 77
    except Exception as e:
        report.doc["failure"] = f"{type(e).__name__}: {e}"
        log(f"FAILED: {report.doc['failure'].splitlines()[0][:300]}")
        report.write(json_path)
        return 1
    report.write(json_path)
    log(f"{kind} {method} done in {time.monotonic() - report.started:.1f} s: "
        f"{json.dumps(report.doc.get('timings', {}))}")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    tut = sub.add_parser("tutorial", help="run the tutorial scenario with vigild on the director")
    tut.add_argument("--method", choices=sorted(LAYOUTS), default="DR")
    tut.add_argument("--checker", choices=("HTTP_GET", "TCP_CHECK"), default="HTTP_GET")
    base = sub.add_parser("baseline", help="the lab with IPVS programmed by ipvsadm (no vigild)")
    base.add_argument("--method", choices=sorted(LAYOUTS), default="DR")
    plan = sub.add_parser("plan", help="several runs in one process (one guest boot): "
                                       "baseline:METHOD or tutorial:METHOD:CHECKER, each reported in "
                                       "JSON_DIR/KIND-METHOD.json")
    plan.add_argument("runs", nargs="+")
    plan.add_argument("--json-dir", required=True)
    for p in (tut, plan):
        p.add_argument("--vigild", required=p is tut)
        p.add_argument("--metric-names", help="file with metric names (else `vigild --list-metrics` runs)")
        p.add_argument("--slack", type=float, default=3.0, help="seconds allowed beyond the checker's bound")
    for p in (tut, base):
        p.add_argument("--json", help="write the step report here")
    args = parser.parse_args()

    names = None
    if getattr(args, "metric_names", None):
        with open(args.metric_names) as f:
            names = [l.strip() for l in f if l.strip()]
    vigild = os.path.abspath(args.vigild) if getattr(args, "vigild", None) else None
    if args.command == "baseline":
        return run_one("baseline", args.method, args.json)
    if args.command == "tutorial":
        return run_one("tutorial", args.method, args.json, vigild, args.checker, args.slack, names)
    worst = 0
    for item in args.runs:
        parts = item.split(":")
        kind, method = parts[0], parts[1] if len(parts) > 1 else "DR"
        if kind not in ("baseline", "tutorial") or method not in LAYOUTS or (kind == "tutorial" and not vigild):
            log(f"bad run {item!r} (baseline:METHOD or tutorial:METHOD:CHECKER, --vigild for tutorials)")
            return 2
        checker = parts[2] if len(parts) > 2 else "HTTP_GET"
        code = run_one(kind, method, os.path.join(args.json_dir, f"{kind}-{method}.json"), vigild, checker,
                       args.slack, names)
        worst = max(worst, 1 if code == 1 else 0)
    return worst


if __name__ == "__main__":
    sys.exit(main())
