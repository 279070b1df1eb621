"""Real kernel IPVS: these machines' kernel has none, so each test boots Debian's 6.1 amd64 kernel
under qemu (scripts/kernel-vm/run.sh, see kernel_vm.py) and runs host-built binaries inside it.

- the kernel's IPVS answers ipvsadm and /proc/net/ip_vs, with every scheduler Vigil offers;
- the tutorial's lab works with IPVS programmed by ipvsadm (DR and NAT): a vigild failure below is
  vigild's, not the lab's;
- the Swift suite of the IPVS netlink adapter (Tests/VigilIPVSTests) runs and passes in the guest,
  including the tests this IPVS-less host has to disable;
- the tutorial with vigild --check on the director, DR and NAT (ipvs_tutorial.py on ipvs_lab.py):
  round robin, a real server stops and leaves IPVS and /metrics within its checker's bound, both
  stop, both return; and IPVS counters in /metrics equal `ipvsadm -Ln --stats`.

Needs root (CI runs as root); without a guest every test is a loud SKIP. Each PASS line carries the
measured times. VIGIL_VM_VERBOSE=1 streams the guest's output.
"""

import json
import os
import re
import shlex
import shutil
import tempfile

import ipvs_lab
import kernel_vm
import vigil_harness as harness

LAB = os.path.join(kernel_vm.HERE, "ipvs_tutorial.py")
PYTHON = "/usr/bin/python3 -I -S"  # not a pyenv shim: that costs seconds under emulation

SCHEDULERS = ("rr", "wrr", "lc", "wlc", "sh", "mh", "dh", "sed", "nq", "fo", "ovf", "lblc", "lblcr")
# twos arrived in Linux 6.2: the 6.1 guest cannot have it, a newer one may.
OPTIONAL_SCHEDULERS = ("twos",)


def _guest_failure(run, what):
    return AssertionError(f"{what}: {kernel_vm.explain_status(run)}\n--- guest output (tail)\n{run.tail()}")


# ---------------------------------------------------------------------------------------------
# (a) the kernel's IPVS itself

SMOKE = """
set -u
ipvsadm -A -t 192.0.2.10:80 -s rr || exit 10
ipvsadm -a -t 192.0.2.10:80 -r 198.51.100.2:80 -m -w 1 || exit 11
ipvsadm -a -t 192.0.2.10:80 -r 198.51.100.3:80 -m -w 2 || exit 12
echo "== ipvsadm -Ln"
ipvsadm -Ln
echo "== /proc/net/ip_vs"
cat /proc/net/ip_vs
echo "== schedulers"
for s in %(schedulers)s; do
    if ipvsadm -E -t 192.0.2.10:80 -s "$s" 2>/dev/null; then r=ok; else r=missing; fi
    echo "scheduler $s $r"
done
echo "== probe"
%(probe)s
echo "== end"
"""


def _section(output, title):
    m = re.search(r"^== " + re.escape(title) + r"\n(.*?)(?=^== )", output, re.S | re.M)
    return m.group(1) if m else ""


def test_kernel_ipvs_smoke():
    """ipvsadm adds a service and two real servers; ipvsadm -Ln and /proc/net/ip_vs show them;
    every scheduler loads; vigild (host-built) resolves the generic netlink family IPVS."""
    kernel_vm.require_guest()
    vigild = os.path.join(harness.BIN_DIR, "vigild")
    probe = f"{shlex.quote(vigild)} --probe" if os.access(vigild, os.X_OK) else "echo 'no vigild built'"
    script = SMOKE % {"schedulers": " ".join(SCHEDULERS + OPTIONAL_SCHEDULERS), "probe": probe}
    with kernel_vm.run_in_guest_full(script, timeout=150) as run:
        if run.status != 0:
            raise _guest_failure(run, "the smoke script failed in the guest")
        out = run.output
        table = ipvs_lab.parse_table(_section(out, "ipvsadm -Ln"))
        service = table.get(("tcp", "192.0.2.10", 80))
        assert service is not None, f"ipvsadm -Ln shows no TCP 192.0.2.10:80:\n{out[-2000:]}"
        assert service["scheduler"] == "rr", f"scheduler {service['scheduler']!r}, expected rr"
        assert service["dests"] == {("198.51.100.2", 80): ("Masq", 1), ("198.51.100.3", 80): ("Masq", 2)}, \
            f"real servers in ipvsadm -Ln: {service['dests']}"
        proc = _section(out, "/proc/net/ip_vs")
        # Addresses and ports in hex: 192.0.2.10 = C000020A, 198.51.100.2 = C6336402, port 80 = 0050.
        assert re.search(r"^TCP\s+C000020A:0050 rr\b", proc, re.M), f"/proc/net/ip_vs:\n{proc}"
        for hex_address, weight in (("C6336402", 1), ("C6336403", 2)):
            assert re.search(rf"->\s+{hex_address}:0050\s+Masq\s+{weight}\b", proc), \
                f"/proc/net/ip_vs lacks {hex_address}:0050 Masq {weight}:\n{proc}"
        schedulers = dict(re.findall(r"^scheduler (\w+) (ok|missing)$", out, re.M))
        missing = [s for s in SCHEDULERS if schedulers.get(s) != "ok"]
        assert not missing, f"schedulers the kernel refused: {missing} (all: {schedulers})"
        family = re.search(r"IPVS family:\s+family id (\d+)", out)
        if os.access(vigild, os.X_OK):
            assert family, f"vigild --probe in the guest did not resolve IPVS:\n{_section(out, 'probe')}"
        optional = [s for s in OPTIONAL_SCHEDULERS if schedulers.get(s) == "ok"]
        return (f"{run.describe()}; {len(SCHEDULERS)} schedulers load"
                + (f" (+{', '.join(optional)})" if optional else f" ({', '.join(OPTIONAL_SCHEDULERS)} not in 6.1)")
                + (f"; vigild --probe: IPVS family id {family.group(1)}" if family else ""))
test_kernel_ipvs_smoke.timeout = 300  # includes preparing the kernel when nothing is cached yet


# ---------------------------------------------------------------------------------------------
# (b) the IPVS netlink adapter's Swift suite, inside the guest

SWIFT_FILTER = os.environ.get("VIGIL_VM_SWIFT_FILTER", r"VigilIPVSTests\.")


class SwiftTestRun:
    """A Swift Testing event stream (--event-stream-output-path, version 0), read back."""

    def __init__(self, text):
        self.outcomes = {}      # test or suite id → ("passed" | "failed" | "skipped", message)
        self.functions = set()  # ids of test functions (not suites) in the run's plan
        self.suites = set()
        self.orphan_issues = []  # failures recorded outside any test
        self.ended = False
        for line in (text or "").splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            payload = record.get("payload", {})
            if record.get("kind") == "test":
                (self.functions if payload.get("kind") == "function" else self.suites).add(payload.get("id"))
            elif record.get("kind") == "event":
                self._event(payload)

    def _event(self, payload):
        kind, test = payload.get("kind"), payload.get("testID")
        message = " ".join(m.get("text", "") for m in payload.get("messages", []))
        if kind == "runEnded":
            self.ended = True
        elif kind == "testSkipped":
            self.outcomes[test] = ("skipped", message)
        elif kind in ("testCancelled", "testCaseCancelled"):
            self.outcomes[test] = ("failed", message)
        elif kind == "issueRecorded":
            issue = payload.get("issue", {})
            if issue.get("isKnown", False) or not issue.get("isFailure", issue.get("severity") != "warning"):
                return
            if test in self.functions or test in self.suites:
                self.outcomes[test] = ("failed", message)
            else:
                self.orphan_issues.append(message)
        elif kind == "testEnded" and test is not None:
            self.outcomes.setdefault(test, ("passed", message))

    def with_outcome(self, outcome):
        return {t: m for t, (o, m) in self.outcomes.items() if o == outcome}

    def passed_functions(self, under=None):
        """Test functions that passed (those of suite `under` only, when given)."""
        return [t for t in self.functions if self.outcomes.get(t, ("",))[0] == "passed"
                and (under is None or t == under or t.startswith(under + "/"))]


def _run_bundle_on_host(bundle, events_path):
    code, out, err = harness.run([bundle, "--testing-library", "swift-testing", "--filter", SWIFT_FILTER,
                                  "--event-stream-output-path", events_path, "--event-stream-version", "0"],
                                 timeout=120)
    with open(events_path) as f:
        return code, SwiftTestRun(f.read()), out + err


def test_ipvs_netlink_suite_in_guest():
    """The built test bundle, filtered to VigilIPVSTests, passes inside the guest; the tests and
    suites this IPVS-less host disables (the kernel suite) run there and pass, none skipped."""
    kernel_vm.require_guest()
    bundle = os.path.join(harness.BIN_DIR, "VigilPackageTests.xctest")
    if not os.access(bundle, os.X_OK):
        raise AssertionError(f"{bundle} is missing: build it with `swift build --build-tests`")
    host_has_ipvs = os.path.exists("/proc/net/ip_vs")
    tmp = tempfile.mkdtemp(prefix="vigil-vm-host-")
    try:
        host_code, host, host_out = _run_bundle_on_host(bundle, os.path.join(tmp, "events.jsonl"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if not host.ended:
        raise AssertionError(f"the test bundle did not finish on the host (exit {host_code}):\n{host_out[-2000:]}")
    if not host.functions:
        raise AssertionError(f"no test matches --filter {SWIFT_FILTER!r} in {bundle}")
    kernel_tests = sorted(host.with_outcome("skipped"))
    if not kernel_tests and not host_has_ipvs:
        raise AssertionError(
            f"none of the {len(host.functions)} tests matching {SWIFT_FILTER!r} is disabled on this IPVS-less "
            "host, so the bundle has no suite that needs the kernel's IPVS (the netlink adapter's suite, "
            "enabled only when the generic netlink family IPVS resolves, is missing)")

    script = (f"{shlex.quote(bundle)} --testing-library swift-testing --filter {shlex.quote(SWIFT_FILTER)} "
              '--event-stream-output-path "$VIGIL_VM_SHARE/events.jsonl" --event-stream-version 0')
    with kernel_vm.run_in_guest_full(script, timeout=240) as run:
        guest = SwiftTestRun(run.file("events.jsonl"))
        if not guest.ended:
            raise _guest_failure(run, "the test bundle did not finish inside the guest")
        failed = guest.with_outcome("failed")
        skipped = guest.with_outcome("skipped")
        problems = []
        if failed or guest.orphan_issues:
            problems.append(f"failed in the guest: {json.dumps(failed, indent=1)[:3000]} {guest.orphan_issues[:5]}")
        not_run = [t for t in kernel_tests
                   if guest.outcomes.get(t, ("not run",))[0] != "passed" or not guest.passed_functions(under=t)]
        if not_run:
            problems.append("tests the host disables did not run and pass in the guest: "
                            + "; ".join(f"{t}: {guest.outcomes.get(t, ('not run', ''))}" for t in not_run[:10]))
        if run.status != 0 and not problems:
            problems.append(f"the bundle exited {run.status}")
        if problems:
            raise AssertionError("\n".join(problems) + f"\n--- guest output (tail)\n{run.tail()}")
        kernel_functions = {f for t in kernel_tests for f in guest.passed_functions(under=t)}
        return (f"{run.describe()}; {len(guest.passed_functions())} tests passed in the guest, "
                f"{len(kernel_functions)} of them disabled on the host (no IPVS)"
                + (f"; skipped in the guest too: {sorted(skipped)}" if skipped else ""))
test_ipvs_netlink_suite_in_guest.timeout = 300


# ---------------------------------------------------------------------------------------------
# (c) the tutorial with vigild on the director (ipvs_tutorial.py; one guest boot for every lab run)

LAB_RUNS = ("baseline:DR", "baseline:NAT", "tutorial:DR:HTTP_GET", "tutorial:NAT:TCP_CHECK")
_lab_cache = {}


def _steps(report):
    return ", ".join(f"{s['name']}: {s['status']} {s.get('seconds', 0):.1f} s" for s in report.get("steps", []))


def _lab_runs():
    """Every lab run in one guest and one python process: ({"kind-method": report}, description)."""
    if "runs" in _lab_cache:
        return _lab_cache["runs"][:2]
    if "skip" in _lab_cache:
        raise harness.Skip(_lab_cache["skip"])
    if "error" in _lab_cache:
        raise AssertionError(_lab_cache["error"])
    try:
        return _boot_lab_runs()
    except harness.Skip as e:
        _lab_cache["skip"] = str(e)
        raise
    except BaseException as e:  # the runner's time limit too: later tests must not boot again
        _lab_cache.setdefault("error", f"the lab runs failed: {type(e).__name__}: {str(e)[:3000]}")
        raise


def _boot_lab_runs():
    kernel_vm.require_guest()
    vigild = harness.binary("vigild")
    lines = []
    names_arg = ""
    # The names come from the host's (fast) run; without --list-metrics the guest's run says why.
    code, out, _ = harness.run([vigild, "--list-metrics"], timeout=30)
    if code == 0:
        names_arg = '--metric-names "$VIGIL_VM_SHARE/metric-names"'
        lines.append("cat > \"$VIGIL_VM_SHARE/metric-names\" <<'EOF'\n"
                     + "\n".join(ipvs_lab.parse_metric_names(out)) + "\nEOF")
    lines.append(f'{PYTHON} {shlex.quote(LAB)} plan --vigild {shlex.quote(vigild)} {names_arg} '
                 f'--json-dir "$VIGIL_VM_SHARE" ' + " ".join(LAB_RUNS))
    with kernel_vm.run_in_guest_full("\n".join(lines), timeout=360) as run:
        runs = {}
        for item in LAB_RUNS:
            kind, method = item.split(":")[:2]
            text = run.file(f"{kind}-{method}.json")
            if text is not None:
                runs[f"{kind}-{method}"] = json.loads(text)
        if not runs:
            _lab_cache["error"] = str(_guest_failure(run, "the lab runs wrote no report"))
            raise AssertionError(_lab_cache["error"])
        _lab_cache["runs"] = (runs, run.describe(), run.tail())
    return runs, run.describe()


def _report(runs, kind, method):
    report = runs.get(f"{kind}-{method}")
    if report is None:
        tail = _lab_cache["runs"][2]
        raise AssertionError(f"no report from the {kind} {method} run (the guest stopped before it?)\n"
                             f"--- guest output (tail)\n{tail}")
    if report.get("skipped"):
        raise harness.Skip(report["skipped"])
    return report


def _assert_tutorial(method):
    runs, described = _lab_runs()
    report = _report(runs, "tutorial", method)
    if not report.get("ok"):
        failed = next((s for s in report["steps"] if s["status"] == "failed"), None)
        where = f"step '{failed['name']}'" if failed else "the scenario"
        hint = ""
        if failed and failed["name"] == "vigild programs IPVS":
            hint = " (vigild's IPVS reconciler must program the kernel in --check mode; until it does, this fails)"
        raise AssertionError(f"{method}: {where} failed{hint}: {report.get('failure')}\nsteps: {_steps(report)}")
    t = report.get("timings", {})
    bounds = report.get("bounds", {})
    counters = next((s for s in report["steps"] if s["name"].startswith("counters")), {})
    return (f"{method}: scenario {report['seconds']:.1f} s ({described} for all lab runs); vigild answering "
            f"{t.get('vigild_start')} s, table programmed {t.get('programmed')} s later; rs2 stopped → out of "
            f"IPVS {t.get('rs2_out_of_table')} s, down in /metrics {t.get('rs2_down_in_metrics')} s (bound "
            f"{bounds.get('down')} + {bounds.get('slack')} s slack); both back {t.get('back_in_table')} s; "
            f"counters {counters.get('status', '?')}")


def test_ipvs_lab_baseline_dr_and_nat():
    """ipvs_lab.py's layouts forward round robin with IPVS programmed by ipvsadm, in DR and NAT."""
    runs, described = _lab_runs()
    notes = []
    for method in ("DR", "NAT"):
        report = _report(runs, "baseline", method)
        if not report.get("ok"):
            raise AssertionError(f"{method} baseline failed: {report.get('failure')}\nsteps: {_steps(report)}")
        notes.append(f"{method} {report['seconds']:.1f} s {' '.join(report.get('round_robin', []))}")
    return f"{described}; " + "; ".join(notes)
test_ipvs_lab_baseline_dr_and_nat.timeout = 420  # the first caller boots the guest for all lab runs


def test_tutorial_dr_with_vigild():
    """DR (the tutorial's flat LAN), HTTP_GET checks: round robin, rs2 stops → out of IPVS and
    /metrics within delay_loop + retry × (connect_timeout + delay_before_retry) + slack, only rs1
    answers; both stop → nothing answers; both restart → back in, round robin again."""
    return _assert_tutorial("DR")
test_tutorial_dr_with_vigild.timeout = 420


def test_tutorial_nat_with_vigild():
    """The same with NAT (real servers behind the director) and TCP_CHECK."""
    return _assert_tutorial("NAT")
test_tutorial_nat_with_vigild.timeout = 420


def test_ipvs_counters_match_ipvsadm():
    """In the NAT and DR runs, every IPVS counter family `vigild --list-metrics` names (connections,
    packets and bytes in and out, per service and per real server) equals
    `ipvsadm -Ln --stats --exact` (polled: the kernel refreshes them every ~2 s)."""
    runs, _ = _lab_runs()
    notes = []
    for method in ("NAT", "DR"):
        report = _report(runs, "tutorial", method)
        step = next((s for s in report.get("steps", []) if s["name"].startswith("counters")), None)
        if step is None:
            first = (report.get("failure") or "").splitlines()[:1]
            raise AssertionError(f"the {method} scenario stopped before comparing counters: "
                                 f"{first[0] if first else '?'}; steps: {_steps(report)}")
        if step["status"] == "skipped":
            raise harness.Skip(f"IPVS COUNTERS NOT COMPARED: {step['detail']}")
        if step["status"] != "passed":
            raise AssertionError(f"{method}: {step['detail']}")
        notes.append(f"{method}: {report.get('counters')} ({step['seconds']:.1f} s of polling)")
    return "; ".join(notes)
test_ipvs_counters_match_ipvsadm.timeout = 420
