"""Reload in the VRRP lab: what a SIGHUP changes (and does not change) on the wire and in /metrics.

Two vigild on the lab's bridge (see vrrp_lab.py): h1 `state MASTER` priority 100, h2 `state BACKUP`
priority 50, v2, advert_int 1 s. Needs root. The checker part runs vigild outside the lab (no IPVS
here: checks still run and are exported) against TCP listeners on 127.0.0.1.
"""

import os
import signal
import socket
import threading
import time

import vigil_harness as harness
import vrrp_lab as lab
from vrrp_lab import (MARGIN, VIP4, Lab, assert_state, hold_single_owner, master_down, require_lab,
                      vrrp_config, wait_for, wait_owner)
from vigil_harness import Vigild, poll_until

ADVERT_INT = 1.0
GAP_SLACK = 0.15  # one advert interval plus this, between two adverts of the master on the wire


def _config_path(handle_lab, host, tag):
    return os.path.join(handle_lab.tmp, f"{host}-vigild-{tag}.conf")


def _rewrite(path, text):
    tmp = path + ".new"
    with open(tmp, "w") as f:
        f.write(text)
    os.rename(tmp, path)


def _reload(handle, path, text, want_reloads):
    """Writes the new config, sends SIGHUP and waits until vigild counted the reload."""
    _rewrite(path, text)
    os.kill(handle.pid, signal.SIGHUP)
    wait_for(lambda: handle.metrics().value("vigil_config_reloads_total") >= want_reloads, 5, interval=0.05,
             what=f"{handle.host} to count reload {want_reloads}")
    assert handle.metrics().value("vigil_config_last_reload_successful") == 1, (
        f"{handle.host} rejected the reload:\n{handle.log()[-2000:]}")


def _pair(the_lab, c1, c2):
    h1 = the_lab.vigild("h1", c1, tag="h1")
    h2 = the_lab.vigild("h2", c2, tag="h2")
    wait_owner(the_lab, "h1", VIP4, master_down(100, ADVERT_INT) + MARGIN, "the VIP on h1")
    assert_state(h1, "master")
    assert_state(h2, "backup")
    return h1, h2


def _configs(h1_priority=100):
    return (vrrp_config(state="MASTER", priority=h1_priority, advert_int=ADVERT_INT),
            vrrp_config(state="BACKUP", priority=50, advert_int=ADVERT_INT))


def test_reload_unchanged_master_no_transition_no_advert_gap():
    """(a) SIGHUP on the master with its instance unchanged (the file moved every line down, and
    gained a second instance): no transition on either node, no gap in h1's adverts longer than
    one interval, no priority-0 advert and no gratuitous ARP for the VIP across the reload."""
    require_lab()
    c1, c2 = _configs()
    with Lab() as the_lab:
        h1, h2 = _pair(the_lab, c1, c2)
        # Becoming master sends a second gratuitous ARP burst garp_master_delay (5 s) later: let it pass.
        became = h1.metrics().value("vigil_vrrp_last_transition_timestamp_seconds", vrrp_instance="VI_1")
        time.sleep(max(0.0, became + 5.5 - time.time()))
        before1, before2 = h1.transitions(), h2.transitions()
        cap = the_lab.capture(4.5, capture_filter="vrrp or arp", name="reload-unchanged")
        time.sleep(1.5)
        sent_at = time.time()
        added = vrrp_config(state="BACKUP", priority=50, advert_int=ADVERT_INT, instance="VI_2", vrid=52,
                            vip="192.0.2.200/24")
        _reload(h1, _config_path(the_lab, "h1", "h1"), "# reloaded\n\n\n" + c1 + added, 1)
        cap.wait(10)
        assert h1.metrics().value("vigil_config_last_reload_successful") == 1
        assert h1.transitions() == before1, f"h1 transitions moved: {before1} -> {h1.transitions()}\n{h1.log()[-2000:]}"
        assert h2.transitions() == before2, f"h2 transitions moved: {before2} -> {h2.transitions()}"
        assert_state(h1, "master")
        assert_state(h2, "backup")
        assert h1.vrrp_state("VI_2") in ("backup", "master"), "the added VI_2 does not run"
        rows = cap.fields("vrrp && ip.src == 192.0.2.1 && vrrp.virt_rtr_id == 51", "frame.time_epoch", "vrrp.prio")
        times = [float(r[0]) for r in rows]
        assert len(times) >= 3, f"only {len(times)} adverts of h1 captured"
        assert times[0] < sent_at < times[-1], "the capture does not span the SIGHUP"
        gaps = [b - a for a, b in zip(times, times[1:])]
        assert max(gaps) <= ADVERT_INT + GAP_SLACK, (
            f"a gap of {max(gaps) * 1000:.0f} ms between h1's adverts across the reload (gaps: "
            f"{[round(g * 1000) for g in gaps]} ms)")
        assert {r[1] for r in rows} == {"100"}, f"h1 advertised other priorities: {sorted({r[1] for r in rows})}"
        garps = cap.fields(f"arp && arp.src.proto_ipv4 == {VIP4}", "frame.time_epoch")
        assert not garps, f"{len(garps)} ARP packets announced the VIP again during the reload"
        log = h1.log()
        assert "reload applied" in log, f"no summary line in h1's log:\n{log[-2000:]}"
        assert "vrrp_instance added" in log and "VI_2" in log, f"the added instance is not logged:\n{log[-2000:]}"
        return (f"{len(times)} adverts of h1 across the SIGHUP, largest gap {max(gaps) * 1000:.0f} ms; "
                f"no transition on h1 or h2")
test_reload_unchanged_master_no_transition_no_advert_gap.timeout = 60


def test_reload_priority_moves_the_master():
    """(b) h1's priority lowered to 30 (below h2's 50, h2 preempts): h1 advertises 30 and h2 takes
    over without h1 resigning; raised back to 100: h1 preempts again on its Master_Down."""
    require_lab()
    c1, c2 = _configs()
    with Lab() as the_lab:
        h1, h2 = _pair(the_lab, c1, c2)
        path = _config_path(the_lab, "h1", "h1")
        cap = the_lab.capture(3.0, capture_filter="vrrp", name="reload-priority")
        time.sleep(0.3)
        low, _ = _configs(h1_priority=30)
        t0 = time.monotonic()
        _reload(h1, path, low, 1)
        wait_owner(the_lab, "h2", VIP4, master_down(50, ADVERT_INT) + ADVERT_INT + MARGIN,
                   "h2 to preempt after h1's priority fell to 30")
        t_down = time.monotonic() - t0
        wait_for(lambda: not the_lab.has_address("h1", VIP4), ADVERT_INT + 0.5, what="h1 to release the VIP")
        assert_state(h2, "master")
        assert_state(h1, "backup")
        cap.wait(10)
        prios = [r[0] for r in cap.fields("vrrp && ip.src == 192.0.2.1", "vrrp.prio")]
        assert "30" in prios, f"h1 never advertised its new priority 30: {prios}"
        assert "0" not in prios, "h1 resigned with priority 0; a priority change is not a removal"
        moves = {k: v for k, v in h1.transitions().items() if k[1] == "backup"}
        assert moves, f"h1 has no transition to backup: {h1.transitions()}"
        assert h1.metrics().value("vigil_vrrp_effective_priority", vrrp_instance="VI_1") == 30

        t1 = time.monotonic()
        _reload(h1, path, c1, 2)
        wait_owner(the_lab, "h1", VIP4, master_down(100, ADVERT_INT) + ADVERT_INT + MARGIN,
                   "h1 to preempt again at priority 100")
        t_up = time.monotonic() - t1
        hold_single_owner(the_lab, "h1", VIP4, 1.0)
        assert_state(h1, "master")
        assert_state(h2, "backup")
        return f"lowered: h2 master after {t_down * 1000:.0f} ms; raised: h1 master again after {t_up * 1000:.0f} ms"
test_reload_priority_moves_the_master.timeout = 60


def test_reload_invalid_config_keeps_vrrp_running():
    """(c) A broken file: the reload is rejected, the log names file:line, nothing moves in VRRP."""
    require_lab()
    c1, c2 = _configs()
    with Lab() as the_lab:
        h1, h2 = _pair(the_lab, c1, c2)
        before1, before2 = h1.transitions(), h2.transitions()
        path = _config_path(the_lab, "h1", "h1")
        broken_line = c1.count("\n") + harness.BROKEN_LINE
        _rewrite(path, c1 + harness.BROKEN_CONFIG.replace("priority 80", "priority 10"))
        os.kill(h1.pid, signal.SIGHUP)
        wait_for(lambda: h1.metrics().value("vigil_config_reload_failures_total") == 1, 5, interval=0.05,
                 what="h1 to reject the reload")
        assert h1.metrics().value("vigil_config_last_reload_successful") == 0
        log = h1.log()
        assert f"{path}:{broken_line}" in log, f"the log does not name {path}:{broken_line}:\n{log[-2000:]}"
        hold_single_owner(the_lab, "h1", VIP4, 2.5)
        assert h1.transitions() == before1 and h2.transitions() == before2, "a rejected reload moved VRRP"
        assert_state(h1, "master")
        assert h1.metrics().value("vigil_vrrp_effective_priority", vrrp_instance="VI_1") == 100
        assert not h1.metrics().values("vigil_vrrp_state", vrrp_instance="VI_3"), "the rejected VI_3 is running"
        return f"rejected at {os.path.basename(path)}:{broken_line}; VI_1 stayed master with no transition"
test_reload_invalid_config_keeps_vrrp_running.timeout = 60


def test_reload_removed_instance_resigns():
    """VI_1 removed from the master (VI_2 put in its place): h1 sends priority 0 and releases the
    VIP, so h2 takes over after Skew_Time, not Master_Down; VI_1's state is no longer reported."""
    require_lab()
    c1, c2 = _configs()
    with Lab() as the_lab:
        h1, h2 = _pair(the_lab, c1, c2)
        cap = the_lab.capture(3.0, capture_filter="vrrp", name="reload-removed")
        time.sleep(1.2)  # dumpcap reports that it captures a little before it does; see an advert first
        t0 = time.monotonic()
        other = vrrp_config(state="BACKUP", priority=50, advert_int=ADVERT_INT, instance="VI_2", vrid=52,
                            vip="192.0.2.200/24")
        _reload(h1, _config_path(the_lab, "h1", "h1"), other, 1)
        try:
            t_handover = wait_owner(the_lab, "h2", VIP4, lab.skew_time(50, ADVERT_INT) + 0.8,
                                    "h2 to take over after VI_1 was removed from h1")
        except AssertionError as e:
            raise AssertionError(f"{e}\n--- h1\n{h1.log()[-3000:]}\n--- h2\n{h2.log()[-1500:]}") from None
        t_owned = time.monotonic() - t0
        assert not the_lab.has_address("h1", VIP4), "h1 kept the VIP of a removed instance"
        cap.wait(10)
        prios = [r[0] for r in cap.fields("vrrp && ip.src == 192.0.2.1 && vrrp.virt_rtr_id == 51", "vrrp.prio")]
        assert prios and prios[-1] == "0", (
            f"h1's last advert for VRID 51 is not priority 0: {prios}; all: "
            f"{cap.fields('vrrp', 'frame.time_epoch', 'ip.src', 'vrrp.virt_rtr_id', 'vrrp.prio')}")
        assert h1.vrrp_state("VI_2") in ("backup", "master"), "the added VI_2 does not run"
        assert not h1.metrics().values("vigil_vrrp_state", vrrp_instance="VI_1"), "VI_1 is still reported"
        h1.assert_alive()
        return (f"h2 owned the VIP {t_owned * 1000:.0f} ms after the SIGHUP (Skew_Time(50) = "
                f"{lab.skew_time(50, ADVERT_INT) * 1000:.0f} ms; {t_handover * 1000:.0f} ms after the reload was counted)")
test_reload_removed_instance_resigns.timeout = 60


def _reload_both(h1, h2, the_lab, c1, c2, want_reloads):
    """Both nodes at once, as an operator changing VIPs must (within Master_Down_Interval): each
    checks the address list of the other's adverts, so one node alone would drop them."""
    p1, p2 = _config_path(the_lab, "h1", "h1"), _config_path(the_lab, "h2", "h2")
    _rewrite(p1, c1)
    _rewrite(p2, c2)
    os.kill(h2.pid, signal.SIGHUP)
    os.kill(h1.pid, signal.SIGHUP)
    for handle in (h1, h2):
        wait_for(lambda: handle.metrics().value("vigil_config_reloads_total") >= want_reloads, 5, interval=0.05,
                 what=f"{handle.host} to count reload {want_reloads}")
        assert handle.metrics().value("vigil_config_last_reload_successful") == 1, handle.log()[-2000:]


def test_reload_vips_change_on_master_without_transition():
    """A VIP added to the instance (on both nodes) appears on the master h1 and is announced; once
    removed it leaves. Neither moves VRRP (no transition on either node) nor touches the VIP that
    stayed."""
    require_lab()
    c1, c2 = _configs()
    extra_vip = "192.0.2.101"
    vips = f"{VIP4}/24 dev eth0\n        {extra_vip}/24"
    with Lab() as the_lab:
        h1, h2 = _pair(the_lab, c1, c2)
        became = h1.metrics().value("vigil_vrrp_last_transition_timestamp_seconds", vrrp_instance="VI_1")
        time.sleep(max(0.0, became + 5.5 - time.time()))  # past the second GARP burst of becoming master
        before1, before2 = h1.transitions(), h2.transitions()
        cap = the_lab.capture(2.5, capture_filter="arp", name="reload-vips")
        time.sleep(0.3)
        _reload_both(h1, h2, the_lab,
                     vrrp_config(state="MASTER", priority=100, advert_int=ADVERT_INT, vip=vips),
                     vrrp_config(state="BACKUP", priority=50, advert_int=ADVERT_INT, vip=vips), 1)
        wait_for(lambda: the_lab.has_address("h1", extra_vip), 2, what=f"{extra_vip} on h1")
        assert the_lab.has_address("h1", VIP4) and not the_lab.has_address("h2", extra_vip)
        cap.wait(10)
        garps = cap.fields(f"arp && arp.src.proto_ipv4 == {extra_vip}", "frame.time_epoch")
        assert garps, f"the added VIP {extra_vip} was not announced"
        assert not cap.fields(f"arp && arp.src.proto_ipv4 == {VIP4}", "frame.time_epoch"), (
            f"the VIP that stayed ({VIP4}) was announced again")
        assert h1.metrics().value("vigil_vip_owned", vrrp_instance="VI_1", vip=f"{extra_vip}/24") == 1

        _reload_both(h1, h2, the_lab, c1, c2, 2)
        wait_for(lambda: not the_lab.has_address("h1", extra_vip), 2, what=f"{extra_vip} to leave h1")
        hold_single_owner(the_lab, "h1", VIP4, 4.5)  # longer than Master_Down: no advert was dropped
        assert h1.transitions() == before1 and h2.transitions() == before2, (
            f"a VIP change moved VRRP: h1 {h1.transitions()}, h2 {h2.transitions()}; "
            f"drops on h2: {h2.dropped()}")
        assert not h1.metrics().values("vigil_vip_owned", vip=f"{extra_vip}/24"), "the removed VIP is still reported"
        return f"{extra_vip} added ({len(garps)} gratuitous ARPs) and removed on the master with no transition"
test_reload_vips_change_on_master_without_transition.timeout = 60


# -- checkers --------------------------------------------------------------------------------------

class _Listener:
    """A TCP listener on 127.0.0.1 that accepts and closes, on a thread of its own."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.stopped = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stopped:
            try:
                conn, _ = self.sock.accept()
                conn.close()
            except OSError:
                return

    def close(self):
        self.stopped = True
        self.sock.close()


def _virtual_server(ports):
    reals = "".join(f"""\
    real_server 127.0.0.1 {port} {{
        TCP_CHECK {{
            connect_timeout 1
        }}
    }}
""" for port in ports)
    return f"""\
virtual_server 192.0.2.100 80 {{
    delay_loop 0.2
    lb_algo rr
    lb_kind NAT
    protocol TCP
{reals}}}
"""


def _closed_port():
    """A port nobody listens on (bound once, then released)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_reload_keeps_checker_state_of_unchanged_real_servers():
    """(d) A reload that adds a real server: the unchanged ones keep their checker state. The up one
    keeps counting (vigil_checks_total is not reset) and stays up; the down one stays down with no
    transition (a checker started afresh would begin up, as at startup); the new one starts checking."""
    first, added = _Listener(), _Listener()
    dead = _closed_port()
    try:
        with Vigild(config=_virtual_server([first.port, dead])) as d:
            vs = "192.0.2.100:80/tcp"
            up = dict(virtual_server=vs, real_server=f"127.0.0.1:{first.port}")
            down = dict(virtual_server=vs, real_server=f"127.0.0.1:{dead}")
            new = dict(virtual_server=vs, real_server=f"127.0.0.1:{added.port}")

            def checks(m=None, labels=up):
                m = m or d.metrics()
                return sum(m.values("vigil_checks_total", result="success", **labels))

            poll_until(lambda: checks() >= 5, 10, what="five checks of the first real server")
            poll_until(lambda: d.metrics().value("vigil_real_server_up", **down) == 0, 10,
                       what="the real server without a listener to go down")
            before = checks()
            transitions_before = d.metrics().values("vigil_real_server_transitions_total", **down)
            d.write_config("\n# moved down\n" + _virtual_server([first.port, dead, added.port]))
            os.kill(d.pid, signal.SIGHUP)
            poll_until(lambda: d.metrics().value("vigil_config_reloads_total") == 1, 5, what="the reload")
            after = d.metrics()
            assert after.value("vigil_config_last_reload_successful") == 1
            assert checks(after) >= before, f"vigil_checks_total went back from {before} to {checks(after)}"
            assert after.value("vigil_real_server_up", **up) == 1
            assert after.value("vigil_real_server_up", **down) == 0, "the down real server came back up on reload"
            poll_until(lambda: checks(labels=new) >= 1, 5, what="the added real server to be checked")
            poll_until(lambda: checks() >= before + 3, 5, what="the kept checker to carry on")
            m = d.metrics()
            assert m.value("vigil_real_server_up", **up) == 1
            assert m.value("vigil_real_server_up", **new) == 1
            assert not any(m.values("vigil_real_server_transitions_total", **up)), (
                f"the up real server made a transition: {m.values('vigil_real_server_transitions_total', **up)}")
            assert m.values("vigil_real_server_transitions_total", **down) == transitions_before, (
                "the down real server made a transition across the reload")
            assert "reload applied" in d.stderr(), d.stderr()[-2000:]
            return (f"checks of the kept real server: {before:g} before, {checks(m):g} after; the down one "
                    f"stayed down; the new one is up")
    finally:
        first.close()
        added.close()
test_reload_keeps_checker_state_of_unchanged_real_servers.timeout = 60


def test_reload_hostile_files_keep_the_master_and_its_adverts():
    """Every input that once crashed or hung the reader, by SIGHUP on the master: each reload is
    refused (vigil_config_last_reload_successful 0), h1 keeps running, keeps the VIP as its only
    owner, keeps advertising once a second (no gap on the wire), and neither node transitions."""
    import hostile_configs as hostile
    require_lab()
    c1, c2 = _configs()
    with Lab() as the_lab:
        h1, h2 = _pair(the_lab, c1, c2)
        before1, before2 = h1.transitions(), h2.transitions()
        path = _config_path(the_lab, "h1", "h1")
        cases = list(hostile.CASES.items())
        cap = the_lab.capture(4.0 * len(cases) + 4, capture_filter="vrrp", name="reload-hostile")
        sent_before = h1.metrics().value("vigil_vrrp_adverts_sent_total", vrrp_instance="VI_1")
        started = time.time()
        for failures, (name, build) in enumerate(cases, start=1):
            text, _, message = build(path, c1)
            hostile.write(path, text)
            os.kill(h1.pid, signal.SIGHUP)
            wait_for(lambda: h1.metrics().value("vigil_config_reload_failures_total") >= failures, 10, interval=0.05,
                     what=f"h1 to refuse the reload of {name}")
            assert h1.metrics().value("vigil_config_last_reload_successful") == 0, f"{name} was accepted"
            hold_single_owner(the_lab, "h1", VIP4, 2.5)
        elapsed = time.time() - started
        cap.wait(4.0 * len(cases) + 10)
        assert h1.transitions() == before1 and h2.transitions() == before2, "a refused reload moved VRRP"
        assert_state(h1, "master")
        sent = h1.metrics().value("vigil_vrrp_adverts_sent_total", vrrp_instance="VI_1") - sent_before
        assert sent >= int(elapsed / ADVERT_INT) - 1, f"h1 sent {sent:g} adverts in {elapsed:.1f} s"
        rows = cap.fields("vrrp && ip.src == 192.0.2.1 && vrrp.virt_rtr_id == 51", "frame.time_epoch", "vrrp.prio")
        times = [float(r[0]) for r in rows]
        assert times and times[0] < started + ADVERT_INT + GAP_SLACK and times[-1] > started + elapsed - ADVERT_INT, (
            f"the capture ({times[:1]} to {times[-1:]}) does not span the reloads ({started:.3f} + {elapsed:.1f} s)")
        gaps = [b - a for a, b in zip(times, times[1:])]
        assert {r[1] for r in rows} == {"100"}, f"h1 advertised other priorities: {sorted({r[1] for r in rows})}"
        assert gaps and max(gaps) <= ADVERT_INT + GAP_SLACK, f"h1's largest advert gap was {max(gaps or [0]):.3f} s"
        hostile.write(path, c1)
        os.kill(h1.pid, signal.SIGHUP)
        wait_for(lambda: h1.metrics().value("vigil_config_last_reload_successful") == 1, 10, interval=0.05,
                 what="h1 to take the good file again")
        return f"{len(cases)} hostile reloads refused in {elapsed:.1f} s; {sent:g} adverts, largest gap {max(gaps):.3f} s"
test_reload_hostile_files_keep_the_master_and_its_adverts.timeout = 120
