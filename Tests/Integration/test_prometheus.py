"""A real Prometheus 2.42 scrapes vigild in both formats and finds the expected series."""

import time

from vigil_harness import Prometheus, Vigild, poll_until

JOBS = ("vigil_openmetrics", "vigil_text")

PROCESS_METRICS = ("process_resident_memory_bytes", "process_cpu_seconds_total", "process_open_fds",
                   "process_max_fds", "process_start_time_seconds")


def scrape_configs(port):
    target = f"['127.0.0.1:{port}']"
    return (f"  - job_name: vigil_openmetrics\n"
            f"    static_configs:\n      - targets: {target}\n"
            f"  - job_name: vigil_text\n"
            f"    params:\n      format: [text]\n"
            f"    static_configs:\n      - targets: {target}\n")


def test_real_prometheus_scrapes_both_formats():
    with Vigild() as d, Prometheus(scrape_configs(d.port)) as prom:
        def both_scraped():
            targets = prom.targets()
            by_job = {t["labels"]["job"]: t for t in targets}
            missing = [j for j in JOBS if j not in by_job or by_job[j].get("health") != "up"]
            if missing:
                details = {j: (by_job.get(j, {}).get("health"), by_job.get(j, {}).get("lastError")) for j in JOBS}
                raise AssertionError(f"targets not up yet: {details}")
            ups = {s[0]["job"]: s[1] for s in prom.query("up")}
            return all(j in ups for j in JOBS)

        poll_until(both_scraped, 30, interval=0.3, what="both vigild targets scraped")
        # A second scrape of each job makes vigil_scrapes_total count the first one.
        time.sleep(2.2)

        for t in prom.targets():
            assert t["lastError"] == "", f"target {t['labels']} has lastError {t['lastError']!r}"
            assert t["health"] == "up", t

        for job in JOBS:
            up = prom.query(f'up{{job="{job}"}}')
            assert [v for _, v in up] == [1.0], f"up{{job={job}}} is {up}"

            info = prom.query(f'vigil_build_info{{job="{job}"}}')
            assert len(info) == 1, f"vigil_build_info for job {job}: {info}"
            labels, value = info[0]
            assert value == 1.0, info
            for label in ("version", "revision", "swift_version"):
                assert labels.get(label), f"vigil_build_info from job {job} lacks label {label}: {labels}"

            for name in PROCESS_METRICS:
                found = prom.query(f'{name}{{job="{job}"}}')
                assert len(found) == 1, f"{name} from job {job}: {found}"

        def scrapes(fmt):
            values = [v for _, v in prom.query(f'max(vigil_scrapes_total{{format="{fmt}"}})')]
            return values[0] if values else 0.0

        om = poll_until(lambda: scrapes("openmetrics") > 0 and scrapes("openmetrics"), 10,
                        what='vigil_scrapes_total{format="openmetrics"} > 0')
        text = poll_until(lambda: scrapes("text") > 0 and scrapes("text"), 10,
                          what='vigil_scrapes_total{format="text"} > 0')
        d.assert_alive()
        return f"scrapes served: openmetrics={om:g} text={text:g}"


test_real_prometheus_scrapes_both_formats.timeout = 90
