"""VRRP in a lab of network namespaces: two vigild on a bridge (and keepalived-only baselines that
validate the lab itself). Needs root; see vrrp_lab.py for the layout.

Timers (v2, advert_int 1, h1 priority 100, h2 priority 50):
Master_Down(100) = 3.61 s, Master_Down(50) = 3.80 s, Skew_Time(50) = 0.80 s.
"""

import contextlib
import os
import re
import signal

import vrrp_lab as lab
from vrrp_lab import require_baseline, require_lab

VV = ("vigild", "vigild")
KK = ("keepalived", "keepalived")


# -- vigild pair -------------------------------------------------------------------------------

def test_vigild_pair_elects_and_fails_over_on_kill9():
    require_lab()
    return lab.scenario_elect_and_kill9(VV, version=2, advert_int=1)
test_vigild_pair_elects_and_fails_over_on_kill9.timeout = 30


def test_vigild_pair_sigterm_handover_and_preempt():
    require_lab()
    return lab.scenario_sigterm_and_preempt(VV, version=2, advert_int=1)
test_vigild_pair_sigterm_handover_and_preempt.timeout = 30


def test_vigild_pair_nopreempt():
    require_lab()
    return lab.scenario_nopreempt(VV, version=3, advert_int=0.1)
test_vigild_pair_nopreempt.timeout = 20


def test_vigild_pair_ipv6_vip_v3():
    require_lab()
    return lab.scenario_elect_and_kill9(VV, version=3, advert_int=0.1, family=6, stable=1.0)
test_vigild_pair_ipv6_vip_v3.timeout = 20


def test_vigild_master_ignores_malformed_adverts():
    require_lab()
    return lab.scenario_malformed(VV)
test_vigild_master_ignores_malformed_adverts.timeout = 30


def test_tshark_judges_vigild_packets():
    require_lab()
    return lab.scenario_tshark_judge(VV)
test_tshark_judges_vigild_packets.timeout = 30


def test_tshark_judges_vigild_packets_v3_ipv4():
    require_lab()
    return lab.scenario_tshark_judge(VV, version=3, advert_int=0.1)
test_tshark_judges_vigild_packets_v3_ipv4.timeout = 20


def test_tshark_judges_vigild_packets_v3_ipv6():
    require_lab()
    return lab.scenario_tshark_judge(VV, version=3, advert_int=0.1, family=6)
test_tshark_judges_vigild_packets_v3_ipv6.timeout = 20


# -- keepalived-only baselines: they validate the lab and the expectations against the reference.
# The fast one always runs; the rest take ~45 s and run with VIGIL_LAB_BASELINE=1.

def test_keepalived_pair_v3_fast_failover():
    require_lab()
    return lab.scenario_elect_and_kill9(KK, version=3, advert_int=0.1)
test_keepalived_pair_v3_fast_failover.timeout = 20


def test_keepalived_pair_kill9_v2():
    require_lab()
    require_baseline()
    return lab.scenario_elect_and_kill9(KK, version=2, advert_int=1)
test_keepalived_pair_kill9_v2.timeout = 30


def test_keepalived_pair_sigterm_and_preempt_v2():
    require_lab()
    require_baseline()
    return lab.scenario_sigterm_and_preempt(KK, version=2, advert_int=1)
test_keepalived_pair_sigterm_and_preempt_v2.timeout = 30


def test_keepalived_pair_nopreempt():
    require_lab()
    require_baseline()
    return lab.scenario_nopreempt(KK)
test_keepalived_pair_nopreempt.timeout = 20


def test_keepalived_pair_ipv6_vip_v3():
    require_lab()
    require_baseline()
    return lab.scenario_elect_and_kill9(KK, version=3, advert_int=0.1, family=6, stable=1.0)
test_keepalived_pair_ipv6_vip_v3.timeout = 20


def test_keepalived_pair_malformed_adverts():
    """Expected to FAIL: keepalived's quirk 1 (invalid adverts stop the master's own adverts)."""
    require_lab()
    require_baseline()
    return lab.scenario_malformed(KK)
test_keepalived_pair_malformed_adverts.timeout = 30


def test_keepalived_pair_tshark_judge():
    require_lab()
    require_baseline()
    return lab.scenario_tshark_judge(KK)
test_keepalived_pair_tshark_judge.timeout = 30


def test_keepalived_pair_tshark_judge_v3_ipv6():
    require_lab()
    require_baseline()
    return lab.scenario_tshark_judge(KK, version=3, advert_int=0.1, family=6)
test_keepalived_pair_tshark_judge_v3_ipv6.timeout = 20


def test_virtual_ipaddress_excluded_is_owned_but_not_advertised():
    """keepalived's virtual_ipaddress_excluded: the master holds those addresses too (and announces
    them), but its adverts list only virtual_ipaddress, so peers configured without them still agree."""
    require_lab()
    excluded = "203.0.113.50"
    config = lab.vrrp_config(priority=150, extra="    virtual_ipaddress_excluded {\n"
                                                  f"        {excluded}/32 dev eth0\n    }}")
    with lab.Lab(hosts=("h1", "h2")) as l:
        cap = l.capture(lab.master_down(150, 1) + 3, name="excluded")
        h1 = l.start("vigild", "h1", config)
        lab.wait_owner(l, "h1", lab.VIP4, lab.master_down(150, 1) + lab.MARGIN, "the VIP on h1")
        lab.wait_owner(l, "h1", excluded, 2, "the excluded address on h1")
        cap.wait(lab.master_down(150, 1) + 8)
        counts = {r["vrrp.addr_count"] for r in cap.records("vrrp", ["vrrp.addr_count", "vrrp.ip_addr"])}
        listed = {a for r in cap.records("vrrp", ["vrrp.ip_addr"]) for a in r["vrrp.ip_addr"].split(",")}
        assert counts == {"1"} and listed == {lab.VIP4}, f"adverts listed {listed} (counts {counts})"
        garps = cap.fields(f"arp && arp.src.proto_ipv4 == {excluded}", "frame.number")
        assert garps, "no gratuitous ARP for the excluded address"
        h1.stop()
        assert not l.has_address("h1", excluded), "the excluded address stayed after SIGTERM"
        return f"h1 owns {lab.VIP4} and {excluded}; adverts list only {lab.VIP4}; {len(garps)} GARPs for {excluded}"
test_virtual_ipaddress_excluded_is_owned_but_not_advertised.timeout = 30


def test_sigterm_does_not_wait_for_a_hanging_notify_stop():
    """SIGTERM → exit in under 100 ms although notify_stop sleeps a minute: the script is started
    (it writes its mark before sleeping) and left running, never waited for; the VIP is released."""
    require_lab()
    with lab.Lab(hosts=("h1",)) as l:
        mark = os.path.join(l.tmp, "notify-stop-ran")
        pid_file = os.path.join(l.tmp, "notify-stop.pid")
        script = os.path.join(l.tmp, "notify-stop.sh")
        with open(script, "w") as f:
            f.write(f"#!/bin/sh\necho $$ > {pid_file}\necho STOP > {mark}\nexec sleep 60\n")
        os.chmod(script, 0o755)
        h1 = l.start("vigild", "h1", lab.vrrp_config(priority=150, extra=f"    notify_stop {script}"))
        lab.wait_owner(l, "h1", lab.VIP4, lab.master_down(150, 1) + lab.MARGIN, "the VIP on h1")
        took = h1.stop()
        try:
            assert took < 0.1, f"vigild took {took * 1000:.0f} ms to exit after SIGTERM with a hanging notify_stop"
            assert not l.has_address("h1", lab.VIP4), "the VIP stayed after SIGTERM"
            lab.wait_for(lambda: os.path.exists(mark), 2, what="notify_stop to have run")
        finally:
            with contextlib.suppress(FileNotFoundError, ValueError, ProcessLookupError):
                with open(pid_file) as f:
                    os.kill(int(f.read().strip()), signal.SIGKILL)
        return f"exit {took * 1000:.0f} ms after SIGTERM; notify_stop started and left running"
test_sigterm_does_not_wait_for_a_hanging_notify_stop.timeout = 30


def _events(lab_, host, tag, since=None):
    sock = os.path.join(lab_.tmp, f"{host}-vigild-{tag}.sock")
    argv = [lab.harness.binary("vigilctl"), "events", "--socket", sock] + (["--since", str(since)] if since else [])
    code, out, err = lab.harness.run(argv)
    assert code == 0, f"vigilctl events exited {code}: {err}"
    return out


def test_vigilctl_events_say_why_the_vip_moved():
    """`vigilctl events` on the backup after kill -9 of the master names the timer and the last
    advert (address, priority, how long ago); after a SIGTERM handover, the priority-0 advert."""
    require_lab()
    c1 = lab.vrrp_config(priority=100)
    c2 = lab.vrrp_config(state="BACKUP", priority=50)
    with lab.Lab(hosts=("h1", "h2")) as l:
        h1 = l.vigild("h1", c1, tag="ev1")
        l.vigild("h2", c2, tag="ev2")
        lab.wait_owner(l, "h1", lab.VIP4, lab.master_down(100, 1) + lab.MARGIN, "the VIP on h1")
        h1.kill9()
        lab.wait_owner(l, "h2", lab.VIP4, lab.master_down(50, 1) + lab.MARGIN, "the VIP on h2 after kill -9")
        out = _events(l, "h2", "ev2")
        found = re.search(r"VI_1: BACKUP → MASTER: master down timer expired \(last advert from 192\.0\.2\.1, "
                          r"priority 100, (\d+) ms ago\)", out)
        assert found, f"no master-down cause in vigilctl events:\n{out}"
        ago = int(found.group(1))
        assert 3500 <= ago <= 4300, f"the last advert was {ago} ms before the takeover (Master_Down(50) = 3805 ms)"
        seen = len(out.splitlines())
        h1 = l.vigild("h1", c1, tag="ev3")
        lab.wait_owner(l, "h1", lab.VIP4, lab.master_down(100, 1) + lab.MARGIN, "the VIP back on h1 (preempt)")
        h1.stop()
        lab.wait_owner(l, "h2", lab.VIP4, 2, "the VIP on h2 after SIGTERM")
        later = "\n".join(_events(l, "h2", "ev2").splitlines()[seen:])
        assert "BACKUP → MASTER: priority 0 received from 192.0.2.1" in later, f"no priority-0 cause:\n{later}"
        assert "announcement  VI_1: first gratuitous ARP/NA burst sent" in later, f"no announcement event:\n{later}"
        return f"kill -9: last advert {ago} ms before the takeover; SIGTERM: priority 0 received from 192.0.2.1"
test_vigilctl_events_say_why_the_vip_moved.timeout = 60
