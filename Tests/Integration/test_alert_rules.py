"""alerts/vigil.rules.yml: promtool accepts it, its unit tests pass, and every alert is documented.

The same rules fire against live vigild in test_alerts_live.py.
"""

import os
import re

from vigil_harness import binary, require_tool, run

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
RULES = os.path.join(ROOT, "alerts", "vigil.rules.yml")
TESTS = os.path.join(ROOT, "alerts", "tests")
RUNBOOK = os.path.join(ROOT, "docs", "RUNBOOK.md")
PROMTOOL = "/usr/bin/promtool"


def alert_blocks():
    """(name, block text) for every alert in the rules file, in file order."""
    with open(RULES, encoding="utf-8") as f:
        text = f.read()
    starts = [m for m in re.finditer(r"^\s+- alert: (\S+)$", text, re.M)]
    return [(m.group(1), text[m.end():(starts[i + 1].start() if i + 1 < len(starts) else len(text))])
            for i, m in enumerate(starts)]


def test_promtool_check_rules():
    require_tool(PROMTOOL, "prometheus")
    code, out, err = run([PROMTOOL, "check", "rules", RULES])
    assert code == 0 and "SUCCESS" in out, f"promtool check rules exited {code}:\n{out}{err}"
    return out.strip().splitlines()[-1].strip()


def test_promtool_test_rules():
    require_tool(PROMTOOL, "prometheus")
    files = sorted(os.path.join(TESTS, f) for f in os.listdir(TESTS) if f.endswith(".yml"))
    assert files, "no promtool unit tests in alerts/tests"
    code, out, err = run([PROMTOOL, "test", "rules", *files], timeout=60)
    assert code == 0 and "FAILED" not in out + err, f"promtool test rules exited {code}:\n{out}{err}"
    tested = set()
    for path in files:
        with open(path, encoding="utf-8") as f:
            tested |= set(re.findall(r"alertname: (\w+)", f.read()))
    untested = [name for name, _ in alert_blocks() if name not in tested]
    assert not untested, f"alerts without a promtool unit test: {untested}"
    return f"{len(tested)} alerts unit-tested in {len(files)} file(s)"


def test_every_alert_has_summary_description_runbook_and_known_metrics():
    with open(RUNBOOK, encoding="utf-8") as f:
        sections = {m.group(1).lower() for m in re.finditer(r"^## (\S+)$", f.read(), re.M)}
    code, listed, err = run([binary("vigild"), "--list-metrics"])
    assert code == 0, err
    known = set(re.findall(r"^\| `([a-z_:]+)`", listed, re.M))
    problems = []
    for name, block in alert_blocks():
        for key in ("summary:", "description:", "runbook_url:", "severity:"):
            if key not in block:
                problems.append(f"{name} has no {key}")
        anchor = re.search(r'runbook_url: "docs/RUNBOOK\.md#(\S+)"', block)
        if not anchor or anchor.group(1) != name.lower() or anchor.group(1) not in sections:
            problems.append(f"{name}: runbook_url does not point at its section in docs/RUNBOOK.md")
        expr = block.split("expr:", 1)[1].split("labels:", 1)[0] if "expr:" in block else ""
        for metric in set(re.findall(r"\b(vigil_[a-z_]+)", expr)):
            base = re.sub(r"_(bucket|sum|count)$", "", metric)
            if metric not in known and base not in known:
                problems.append(f"{name} uses {metric}, which vigild does not export")
    assert not problems, "\n".join(problems)
    return f"{len(alert_blocks())} alerts, each with summary, description, severity and a runbook section"
