#!/usr/bin/env python3
"""Runs the process-level integration suite: vigild and vigilctl as real processes, plus promtool
and a real Prometheus.

    python3 Tests/Integration/run.py --bin-dir .build/debug [--filter SUBSTRING] [--timeout 60]

Prints one line per test (PASS/FAIL/SKIP), the failure details, then `N passed, N failed,
N skipped`. Exits 0 only when nothing failed.
"""

import argparse
import contextlib
import importlib
import os
import signal
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
# Keep the source tree clean: no __pycache__ next to the tests.
sys.dont_write_bytecode = True


class TestTimeout(BaseException):
    """Raised inside a test by SIGALRM; BaseException so tests cannot swallow it by accident."""


def discover(filter_text):
    tests = []
    for filename in sorted(os.listdir(HERE)):
        if not (filename.startswith("test_") and filename.endswith(".py")):
            continue
        try:
            module = importlib.import_module(filename[:-3])
        except Exception:
            detail = traceback.format_exc()

            def import_failed(detail=detail):
                raise AssertionError(f"cannot import {filename}:\n{detail}")
            tests.append((f"{filename[:-3]}.<import>", import_failed))
            continue
        for name, func in vars(module).items():
            if name.startswith("test_") and callable(func):
                full = f"{module.__name__}.{name}"
                if filter_text is None or filter_text in full:
                    tests.append((full, func))
    return tests


def on_alarm(signum, frame):
    raise TestTimeout()


def end_stragglers(harness):
    """A test that was interrupted may leave a process it started: end it, by PID only."""
    for pid in list(harness.STARTED_PIDS):
        with contextlib.suppress(ProcessLookupError, ChildProcessError):
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        harness.STARTED_PIDS.discard(pid)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin-dir", required=True, help="folder holding vigild and vigilctl")
    parser.add_argument("--filter", help="run only tests whose module.name contains this")
    parser.add_argument("--timeout", type=float, default=60, help="per-test time limit in seconds")
    args = parser.parse_args()

    os.environ["VIGIL_BIN_DIR"] = os.path.abspath(args.bin_dir)
    sys.path.insert(0, HERE)
    import vigil_harness as harness
    harness.BIN_DIR = os.environ["VIGIL_BIN_DIR"]

    # 1,000 concurrent scrapes need more descriptors than the common soft limit of 1024.
    with contextlib.suppress(ValueError, OSError):
        import resource
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if hard == resource.RLIM_INFINITY or soft < hard:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard if hard != resource.RLIM_INFINITY else 65536, hard))

    signal.signal(signal.SIGALRM, on_alarm)
    tests = discover(args.filter)
    if not tests:
        print(f"no tests match {args.filter!r}")
    passed = failed = skipped = 0
    failures = []
    suite_start = time.monotonic()
    for name, func in tests:
        limit = getattr(func, "timeout", args.timeout)
        start = time.monotonic()
        outcome, detail, note = "PASS", "", None
        signal.setitimer(signal.ITIMER_REAL, limit)
        try:
            note = func()
        except harness.Skip as e:
            outcome, detail = "SKIP", str(e)
        except TestTimeout:
            outcome, detail = "FAIL", f"timed out after {limit:g} s\n" + traceback.format_exc()
        except Exception as e:
            outcome, detail = "FAIL", f"{type(e).__name__}: {e}\n" + traceback.format_exc()
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        end_stragglers(harness)
        elapsed = time.monotonic() - start
        if outcome == "PASS":
            passed += 1
            print(f"PASS {name} ({elapsed:.1f} s)" + (f" - {note}" if note else ""), flush=True)
        elif outcome == "SKIP":
            skipped += 1
            print(f"SKIP {name}: {detail}", flush=True)
        else:
            failed += 1
            lines = [l for l in detail.splitlines() if l.strip()]
            first = lines[0] if lines else ""
            if first.endswith(":") and len(lines) > 1:
                first += " " + lines[1].strip()
            print(f"FAIL {name}: {first} ({elapsed:.1f} s)", flush=True)
            failures.append((name, detail))
    if failures:
        print("\n== failure details")
        for name, detail in failures:
            print(f"\n--- {name}\n{detail.rstrip()}")
        print()
    print(f"(integration suite took {time.monotonic() - suite_start:.1f} s)")
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
