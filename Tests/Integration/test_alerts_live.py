"""alerts/vigil.rules.yml loaded into a real Prometheus that scrapes two live vigild directors
(monitoring_lab): quiet while the pair is healthy, split brain when VRRP is cut between the
directors with nftables, no master when both directors stop, a failed reload when one is given a
broken configuration. The rules are the shipped file, `for:` durations included.
"""

import os
import time

import vigil_harness as harness

HERE = os.path.dirname(os.path.abspath(__file__))
RULES = os.path.join(HERE, "..", "..", "alerts", "vigil.rules.yml")

QUIET = ("VigilVIPSplitBrain", "VigilVRRPNoMaster", "VigilRealServerDown", "VigilVirtualServerBelowQuorum",
         "VigilVirtualServerNoBackends", "VigilConfigReloadFailed", "VigildDown", "VigilEngineStalled",
         "VigilWatchdogNotFed", "VigilVRRPFlapping")


def _alert_names(lab):
    return sorted({a["labels"]["alertname"] for a in lab.alerts()})


def test_shipped_alerts_fire_on_a_live_director_pair():
    harness.require_root("the lab builds network namespaces and runs VRRP")
    import monitoring_lab
    notes = []
    with monitoring_lab.MonitoringLab(rule_files=[RULES]) as lab:
        # Every rule evaluates in a real Prometheus against real series, without errors.
        rules = [r for group in lab.rules() for r in group["rules"]]
        broken = [(r["name"], r.get("lastError")) for r in rules if r.get("health") not in ("ok", "unknown")]
        assert rules and not broken, f"rules that fail to evaluate: {broken}"

        # Healthy: nothing pending or firing for a while.
        time.sleep(3)
        assert _alert_names(lab) == [], f"alerts in the healthy lab: {lab.alerts()}"
        for name in QUIET[:3]:
            lab.assert_no_alert(name, 2)
        notes.append(f"healthy lab quiet ({len(rules)} rules evaluating)")

        # A reload with a broken configuration: the failed reload shows at once.
        broken_config = lab.config("h2") + "\nvrrp_instance BROKEN {\n    state NOT_A_STATE\n}\n"
        lab.reload_director("h2", config=broken_config)
        firing = lab.wait_alert("VigilConfigReloadFailed", timeout=20)
        assert {a["labels"]["instance"] for a in firing} == {lab.instance("h2")}, firing
        lab.reload_director("h2", config=lab.config("h2"))
        lab.wait_no_alert("VigilConfigReloadFailed", timeout=20)
        notes.append("reload failure fired and cleared")

        # VRRP cut between the directors: both become master and both own the VIP.
        t0 = time.monotonic()
        lab.block_vrrp()
        try:
            firing = lab.wait_alert("VigilVIPSplitBrain", timeout=60)
            took = time.monotonic() - t0
            assert lab.owners() == ["h1", "h2"], f"owners while split: {lab.owners()}"
            assert firing[0]["labels"]["vip"].startswith(monitoring_lab.VIP), firing
        finally:
            lab.unblock_vrrp()
        lab.wait_no_alert("VigilVIPSplitBrain", timeout=60)
        notes.append(f"split brain fired {took:.0f} s after the cut (for: 10s) and cleared")
        lab.assert_no_alert("VigilVRRPNoMaster", 1)

        # Both directors stopped: the VRID has no master (the series vanish) for the rule's 30 s.
        t0 = time.monotonic()
        for host in ("h1", "h2"):
            lab.stop_director(host)
        firing = lab.wait_alert("VigilVRRPNoMaster", timeout=90)
        took = time.monotonic() - t0
        assert firing[0]["labels"]["vrid"] == str(monitoring_lab.VRID), firing
        assert any(a["labels"]["alertname"] == "VigildDown" for a in lab.alerts()), (
            f"VigildDown is not even pending with both directors stopped: {lab.alerts()}")
        notes.append(f"no-master fired {took:.0f} s after both stopped (for: 30s); VigildDown pending")
    return "; ".join(notes)


test_shipped_alerts_fire_on_a_live_director_pair.timeout = 300
