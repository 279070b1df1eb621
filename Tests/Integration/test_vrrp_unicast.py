"""VRRP with unicast peers in the namespace lab (needs root): h1 (priority 100, `state MASTER`) and
h2 (priority 50, `state BACKUP`) each name their own address in `unicast_src_ip` and the other in
`unicast_peer { }`.

- vigild pair (VRRPv3, advert_int 0.1): h1 is elected; kill -9 of h1 → h2 owns the VIP on its
  Master_Down (0.38 s, with the lab's 1 s margin); dumpcap on the bridge shows that every VRRP
  packet is unicast: from 192.0.2.1 to 192.0.2.2 (and after the failover from .2 to .1), Ethernet
  destination the peer's MAC, TTL 255, nothing to 224.0.0.18, and tshark's dissector finds the
  checksum good and no expert warnings.
- interop with keepalived 2.2.7, both unicast, same config shape: vigild master / keepalived backup
  (VRRPv2, PASS auth, advert_int 1, the tutorial's shape) and keepalived master / vigild backup
  (VRRPv3, advert_int 0.1): one master (h1) and a silent backup for a few seconds, then kill -9 of
  h1 → h2 takes the VIP on its Master_Down; the capture shows both sides' adverts unicast, TTL 255
  (keepalived's being the reference for the lab's expectations).
"""

import time

import vrrp_lab as lab_mod
from vrrp_lab import (VIP4, Lab, VigildHandle, assert_state, assert_vip_owned_metric, hold_single_owner,
                      master_down, vrrp_config, wait_owner)

ADDR = {"h1": "192.0.2.1", "h2": "192.0.2.2"}
PEER = {"h1": "h2", "h2": "h1"}
MARGIN = lab_mod.MARGIN


def unicast_configs(version, advert_int):
    def one(host, state, priority):
        extra = (f"    unicast_src_ip {ADDR[host]}\n"
                 f"    unicast_peer {{\n        {ADDR[PEER[host]]}\n    }}")
        return vrrp_config(state=state, priority=priority, version=version, advert_int=advert_int, extra=extra)
    return one("h1", "MASTER", 100), one("h2", "BACKUP", 50)


def _logs(*handles):
    return "\n".join(f"--- {h.kind} {h.host}\n{h.log()[-2000:]}" for h in handles)


def assert_unicast_on_wire(lab, cap, senders, version, judge_expert=True):
    """Every VRRP packet in the capture is unicast between the two hosts, TTL 255; each host in
    `senders` sent some. Returns {host: packet count}."""
    macs = {h: lab.mac(h) for h in ("h1", "h2")}
    fields = ["ip.src", "ip.dst", "ip.ttl", "eth.src", "eth.dst", "vrrp.version", "vrrp.virt_rtr_id",
              "vrrp.ip_addr", "vrrp.checksum.status"]
    rows = cap.records("vrrp", fields)
    problems = []
    counts = {h: 0 for h in ("h1", "h2")}
    for r in rows:
        src_host = next((h for h, a in ADDR.items() if a == r["ip.src"]), None)
        if src_host is None:
            problems.append(f"VRRP packet from an unexpected source: {r}")
            continue
        counts[src_host] += 1
        peer = PEER[src_host]
        want = {"ip.dst": ADDR[peer], "ip.ttl": "255", "eth.src": macs[src_host], "eth.dst": macs[peer],
                "vrrp.version": str(version), "vrrp.virt_rtr_id": str(lab_mod.VRID), "vrrp.ip_addr": VIP4,
                "vrrp.checksum.status": "1"}
        diff = {k: (r.get(k), v) for k, v in want.items() if r.get(k) != v}
        if diff:
            problems.append(f"{src_host} packet (got, expected): {diff}")
    multicast = [r for r in rows if r["ip.dst"] == "224.0.0.18"]
    if multicast:
        problems.append(f"{len(multicast)} VRRP packets went to 224.0.0.18")
    for h in senders:
        if counts[h] == 0:
            problems.append(f"no VRRP packets from {h} ({ADDR[h]}) in the capture")
    if judge_expert:
        expert = cap.expert("warn")
        if expert:
            problems.append("tshark expert warnings/errors: " + " | ".join(expert))
    if problems:
        raise AssertionError("; ".join(problems[:6]) + f" ({len(rows)} VRRP packets)\n"
                             + cap.tshark("-V", "-Y", "vrrp", "-c", "1")[-2000:])
    return counts


def test_vigild_unicast_pair_elects_fails_over_and_sends_unicast():
    lab_mod.require_lab()
    version, adv = 3, 0.1
    c1, c2 = unicast_configs(version, adv)
    with Lab() as lab:
        cap = lab.capture(6.0, capture_filter="ip proto 112", name="unicast-vv")
        t0 = time.monotonic()
        h1 = lab.vigild("h1", c1)
        h2 = lab.vigild("h2", c2)
        wait_owner(lab, "h1", VIP4, master_down(100, adv) + MARGIN - (time.monotonic() - t0), "the VIP on h1")
        hold_single_owner(lab, "h1", VIP4, 1.0)
        assert_state(h1, "master")
        assert_state(h2, "backup")
        assert_vip_owned_metric(h1, VIP4, True)
        h1.kill9()
        t_takeover = wait_owner(lab, "h2", VIP4, master_down(50, adv) + MARGIN,
                                "the VIP on h2 after kill -9 of h1")
        low = master_down(50, adv) - adv - 0.05
        assert t_takeover >= low, f"h2 took over after {t_takeover:.3f} s, before {low:.3f} s"
        assert_state(h2, "master")
        assert_vip_owned_metric(h2, VIP4, True)
        moves = {k: v for k, v in h2.transitions().items() if k[:2] == ("backup", "master")}
        assert moves.get(("backup", "master", "master_down_timer"), 0) >= 1, f"h2 transitions: {h2.transitions()}"
        # h2 advertises to its (dead) peer for the rest of the capture.
        cap.wait(15)
        counts = assert_unicast_on_wire(lab, cap, ("h1", "h2"), version)
        return (f"v3 adv 0.1 unicast: kill -9 → h2 owns VIP after {t_takeover * 1000:.0f} ms "
                f"(Master_Down {master_down(50, adv) * 1000:.0f} ms); adverts on the wire h1→.2 {counts['h1']}, "
                f"h2→.1 {counts['h2']}, all unicast, TTL 255")


test_vigild_unicast_pair_elects_fails_over_and_sends_unicast.timeout = 20


def scenario_unicast_interop(impls, version, adv, hold):
    """impls[0] on h1 (master), impls[1] on h2 (backup), both unicast; one master for `hold` s with
    the backup silent on the wire, then kill -9 of h1 → h2 takes over on its Master_Down."""
    c1, c2 = unicast_configs(version, adv)
    with Lab() as lab:
        t0 = time.monotonic()
        h1 = lab.start(impls[0], "h1", c1)
        h2 = lab.start(impls[1], "h2", c2)
        wait_owner(lab, "h1", VIP4, master_down(100, adv) + MARGIN - (time.monotonic() - t0), "the VIP on h1")
        # One capture from the agreed state through h2's first adverts as master.
        duration = hold + master_down(50, adv) + adv + 0.6
        cap = lab.capture(duration, capture_filter="ip proto 112", name="unicast-interop")
        t_cap = time.monotonic()
        samples = hold_single_owner(lab, "h1", VIP4, hold)
        assert_state(h1, "master")
        assert_state(h2, "backup")
        assert_vip_owned_metric(h1, VIP4, True)
        assert_vip_owned_metric(h2, VIP4, False)
        h1.assert_alive()
        h2.assert_alive()
        t_kill = time.monotonic()
        h1.kill9()
        t_takeover = wait_owner(lab, "h2", VIP4, master_down(50, adv) + MARGIN,
                                f"{impls[1]} on h2 to take the VIP after kill -9 of {impls[0]}\n{_logs(h1, h2)}")
        low = master_down(50, adv) - adv - 0.05
        assert t_takeover >= low, f"{impls[1]} took over after {t_takeover:.3f} s, before {low:.3f} s"
        assert_state(h2, "master")
        assert_vip_owned_metric(h2, VIP4, True)
        if isinstance(h2, VigildHandle):
            moves = h2.transitions()
            assert moves.get(("backup", "master", "master_down_timer"), 0) >= 1, f"h2 transitions: {moves}"
        cap.wait(duration + 5)
        counts = assert_unicast_on_wire(lab, cap, ("h1", "h2"), version)
        # The backup stays silent: its packets all follow the kill.
        h2_times = [float(r[0]) for r in cap.fields("vrrp && ip.src == 192.0.2.2", "frame.time_relative")]
        silent = t_kill - t_cap - 0.2
        assert all(t > silent for t in h2_times), (
            f"{impls[1]} (backup) sent adverts before h1 was killed (capture-relative times {h2_times[:5]}, "
            f"kill at ~{t_kill - t_cap:.2f} s)")
        auth = " PASS" if version == 2 else ""
        return (f"v{version}{auth} adv {adv:g} unicast: one master ({impls[0]} h1) for {hold:g} s ({samples} "
                f"samples); kill -9 → {impls[1]} owns VIP after {t_takeover * 1000:.0f} ms (Master_Down "
                f"{master_down(50, adv) * 1000:.0f} ms); on the wire h1→.2 {counts['h1']}, h2→.1 {counts['h2']}, "
                f"all unicast, TTL 255")


def test_interop_unicast_vigild_master_keepalived_backup():
    lab_mod.require_lab()
    return scenario_unicast_interop(("vigild", "keepalived"), version=2, adv=1, hold=3.0)


test_interop_unicast_vigild_master_keepalived_backup.timeout = 30


def test_interop_unicast_keepalived_master_vigild_backup():
    lab_mod.require_lab()
    return scenario_unicast_interop(("keepalived", "vigild"), version=3, adv=0.1, hold=2.0)


test_interop_unicast_keepalived_master_vigild_backup.timeout = 20
