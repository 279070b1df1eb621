"""`make demo`'s lab runs end to end, in the emulated kernel with IPVS, and everything it narrates
happens: scripts/demo/tutorial_demo.py exits non-zero as soon as a step does not."""

import os
import re
import shlex

import kernel_vm
import vigil_harness as harness

HERE = os.path.dirname(os.path.abspath(__file__))
DEMO = os.path.join(HERE, "..", "..", "scripts", "demo", "tutorial_demo.py")
STEPS = 7


def test_demo_lab_in_emulated_kernel():
    harness.require_root("the demo's lab creates network namespaces inside the guest")
    kernel_vm.require_guest()
    vigild = harness.binary("vigild")
    script = f"python3 {shlex.quote(os.path.abspath(DEMO))} --vigild {shlex.quote(vigild)}"
    with kernel_vm.run_in_guest_full(script, timeout=420) as run:
        output = run.output
        assert run.status == 0 and "demo finished" in output, (
            f"the demo failed (exit {run.status}):\n{run.tail(6000)}")
        shown = [int(n) for n in re.findall(r"^\[(\d+)\] ", output, re.M)]
        assert shown == list(range(1, STEPS + 1)), f"steps narrated: {shown}"
        timings = dict(re.findall(r"^  (\S.*?)\s{2,}(\d+) ms$", output, re.M))
        for needed in ("VIP drift to director 2", "VIP drift back to director 1", "rs2 out of IPVS after its httpd stopped"):
            assert needed in timings, f"no measured '{needed}' in:\n{run.tail(3000)}"
        drift = int(timings["VIP drift to director 2"])
        # SIGTERM sends priority 0: the backup takes over after Skew_Time (0.8 s at priority 50), not
        # Master_Down (3.8 s); emulation adds its share.
        assert drift < 3000, f"the VIP took {drift} ms to reach director 2 after a SIGTERM"
        return (f"{run.describe()}; " + ", ".join(f"{k} {v} ms" for k, v in timings.items()))


test_demo_lab_in_emulated_kernel.timeout = 480
