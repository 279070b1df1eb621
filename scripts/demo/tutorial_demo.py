#!/usr/bin/env python3
"""The LVS tutorial's experiment with Vigil, narrated and measured.

A namespace lab on documentation addresses: two directors running vigild (MASTER 100 and BACKUP
50, VRID 51, PASS auth, the VIP 192.0.2.100), two real servers whose busybox httpd answers with its
own name, and a client. IPVS round-robins in direct routing. Then: real server 2 stops, director 1
stops, director 1 returns; every step is timed and checked.

Needs root and a kernel with IPVS: scripts/demo.sh runs it on this machine when the kernel has
IPVS, otherwise inside the emulated kernel (scripts/kernel-vm/run.sh). Exits non-zero as soon as
something it narrates does not happen. Ctrl-C (or any failure) tears the lab down.

    tutorial_demo.py --vigild PATH [--hold SECONDS]
"""

import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "Tests", "Integration"))

import ipvs_lab  # noqa: E402
from ipvs_lab import METRICS_PORT, TutorialLab, alternates, wait_until  # noqa: E402

VRID = 51
DIRECTORS = {"director": ("director 1", "MASTER", 100), "director2": ("director 2", "BACKUP", 50)}


def say(text=""):
    print(text, flush=True)


def step(number, text):
    say()
    say(f"[{number}] {text}")


def config(lab, host):
    _, state, priority = DIRECTORS[host]
    vrrp = "\n".join([
        "global_defs {",
        f"    router_id {host}",
        "}",
        "vrrp_instance VI_1 {",
        f"    state {state}",
        "    interface eth0",
        f"    virtual_router_id {VRID}",
        f"    priority {priority}",
        "    advert_int 1",
        "    authentication {",
        "        auth_type PASS",
        "        auth_pass demo-pw",
        "    }",
        "    virtual_ipaddress {",
        f"        {lab.vip}/32 dev eth0",
        "    }",
        "}",
        "",
    ])
    return vrrp + lab.vigild_config(checker="HTTP_GET", delay_loop=1, connect_timeout=1, retry=1,
                                    delay_before_retry=1)


def metric_lines(lab, host, names):
    """The lines of a director's /metrics that an operator would look at for this step."""
    expo = lab.metrics(host)
    lines = []
    for name, labels, value, _ in expo.samples:
        if name not in names:
            continue
        if name == "vigil_vrrp_state" and labels.get("state") != "master":
            continue
        shown = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
        lines.append(f"      {name}{{{shown}}} {value:g}")
    return lines


def show_metrics(lab, names, hosts=None):
    for host in hosts or [h for h in DIRECTORS if h in lab.vigilds]:
        say(f"    {DIRECTORS[host][0]} /metrics:")
        for line in metric_lines(lab, host, names):
            say(line)


def ms(seconds):
    return f"{seconds * 1000:.0f} ms"


def wait_owner(lab, host, timeout):
    return wait_until(lambda: lab.vip_owner() == [host], timeout, f"the VIP on {DIRECTORS[host][0]} only",
                      interval=0.02)


def wait_answer(lab, expected, timeout):
    return wait_until(lambda: lab.request(timeout=0.5) in expected, timeout,
                      f"the VIP to answer with {'/'.join(expected)}", interval=0.05)


def run(vigild, hold):
    timings = {}
    step(1, "building the lab: client, two directors, two real servers on 192.0.2.0/24")
    with TutorialLab("DR", pair=True) as lab:
        say(f"    VIP {lab.vip}; director 1 {lab.directors['director']}, director 2 {lab.directors['director2']}; "
            f"rs1 {lab.real_servers['rs1']}, rs2 {lab.real_servers['rs2']}; client {lab.layout['client']}")
        lab.start_real_servers()
        say("    rs1 and rs2 answer with their own names")

        step(2, "starting vigild on both directors (VRID 51: MASTER 100, BACKUP 50)")
        t0 = time.monotonic()
        for host in DIRECTORS:
            lab.start_vigild(vigild, config(lab, host), host=host)
        wait_owner(lab, "director", 30)
        timings["VIP on director 1 after start"] = time.monotonic() - t0
        say(f"    the VIP is on director 1, {ms(timings['VIP on director 1 after start'])} after the start")
        wait_until(lambda: lab.destinations("director") == ["rs1", "rs2"]
                   and lab.destinations("director2") == ["rs1", "rs2"], 30,
                   "both real servers in both directors' IPVS tables")
        say("    both directors programmed IPVS (rr, direct routing) with rs1 and rs2; director 1's table:")
        for line in lab.ipvsadm("-Ln").splitlines():
            say("      " + line)
        say("    where to look while it runs (inside the lab's namespaces):")
        for host in DIRECTORS:
            say(f"      ip netns exec {lab.ns(host)} curl -s 127.0.0.1:{METRICS_PORT}/metrics   # {DIRECTORS[host][0]}")
        show_metrics(lab, {"vigil_vrrp_state", "vigil_vip_owned"})

        step(3, "four requests from the client to the VIP")
        answers = lab.requests(4)
        say(f"    answers: {', '.join(str(a) for a in answers)}")
        if not alternates(answers):
            raise AssertionError(f"the requests did not alternate between rs1 and rs2: {answers}")

        step(4, "stopping rs2's httpd")
        lab.stop_http("rs2")
        t0 = time.monotonic()
        wait_until(lambda: lab.destinations("director") == ["rs1"], 30, "rs2 out of director 1's IPVS table",
                   interval=0.05)
        timings["rs2 out of IPVS after its httpd stopped"] = time.monotonic() - t0
        say(f"    HTTP_GET noticed: rs2 left the IPVS table {ms(timings['rs2 out of IPVS after its httpd stopped'])} "
            "after its httpd stopped (delay_loop 1 s + 1 retry × (connect_timeout 1 s + delay_before_retry 1 s))")
        wait_until(lambda: lab.destinations("director2") == ["rs1"], 30, "rs2 out of director 2's IPVS table")
        say("    director 2 (the backup) took rs2 out of its own table too, ready for a failover")
        answers = lab.requests(4)
        say(f"    answers: {', '.join(str(a) for a in answers)}")
        if answers != ["rs1"] * 4:
            raise AssertionError(f"with rs2 down, requests were answered by {answers}")
        show_metrics(lab, {"vigil_real_server_up"}, hosts=["director"])

        step(5, "stopping vigild on director 1 (SIGTERM: a priority-0 advert, then the VIP is released)")
        t0 = time.monotonic()
        lab.stop_vigild("director")
        wait_owner(lab, "director2", 30)
        timings["VIP drift to director 2"] = time.monotonic() - t0
        wait_answer(lab, {"rs1"}, 10)
        timings["client answered through director 2"] = time.monotonic() - t0
        say(f"    the VIP drifted to director 2 in {ms(timings['VIP drift to director 2'])}; the client is answered "
            f"again {ms(timings['client answered through director 2'])} after the stop")
        show_metrics(lab, {"vigil_vrrp_state", "vigil_vip_owned"}, hosts=["director2"])

        step(6, "starting vigild on director 1 again (priority 100 preempts)")
        t0 = time.monotonic()
        lab.start_vigild(vigild, config(lab, "director"), host="director")
        wait_owner(lab, "director", 30)
        timings["VIP drift back to director 1"] = time.monotonic() - t0
        wait_until(lambda: lab.destinations("director") == ["rs1"], 30, "director 1's IPVS table rebuilt")
        wait_answer(lab, {"rs1"}, 10)
        say(f"    the VIP drifted back to director 1 in {ms(timings['VIP drift back to director 1'])} (vigild start included)")
        show_metrics(lab, {"vigil_vrrp_state", "vigil_vip_owned"})

        step(7, "rs2 returns")
        lab.start_http("rs2")
        lab.wait_http("rs2")
        t0 = time.monotonic()
        wait_until(lambda: lab.destinations("director") == ["rs1", "rs2"], 30, "rs2 back in IPVS")
        timings["rs2 back in IPVS"] = time.monotonic() - t0
        answers = lab.requests(4)
        say(f"    rs2 is back in {ms(timings['rs2 back in IPVS'])}; answers: {', '.join(str(a) for a in answers)}")
        if not alternates(answers):
            raise AssertionError(f"after rs2 returned the requests did not alternate: {answers}")

        say()
        say("measured:")
        width = max(len(k) for k in timings)
        for what, seconds in timings.items():
            say(f"  {what:<{width}}  {ms(seconds):>8}")
        if hold > 0:
            say(f"\nthe lab stays up for {hold:g} s (Ctrl-C ends it)")
            time.sleep(hold)
    say("\ndemo finished; the lab is gone")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vigild", required=True, help="the vigild binary to run")
    parser.add_argument("--hold", type=float, default=0, help="keep the lab up this many seconds at the end")
    args = parser.parse_args()
    if os.geteuid() != 0:
        say("tutorial_demo.py needs root (network namespaces, IPVS)")
        return 2
    if not os.path.exists("/proc/net/ip_vs") and os.system("modprobe ip_vs >/dev/null 2>&1") != 0:
        say("this kernel has no IPVS; scripts/demo.sh runs the demo in the emulated kernel instead")
        return 2
    ipvs_lab.harness.BIN_DIR = os.path.dirname(os.path.abspath(args.vigild))
    try:
        return run(os.path.abspath(args.vigild), args.hold)
    except KeyboardInterrupt:
        say("\ninterrupted; the lab was torn down")
        return 130
    except AssertionError as e:
        say(f"\nDEMO FAILED: {e}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
