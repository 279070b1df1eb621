"""The two exposition formats, content negotiation, gzip, and naming rules on a live vigild."""

import re
import zlib

from vigil_harness import Exposition, Vigild, gunzip

TEXT_CT = "text/plain; version=0.0.4; charset=utf-8"
OM_CT_PREFIX = "application/openmetrics-text; version=1.0.0"
OM_ACCEPT = "application/openmetrics-text;version=1.0.0"

CONTRACT_METRICS = (
    "vigil_build_info", "process_cpu_seconds_total", "process_resident_memory_bytes",
    "process_virtual_memory_bytes", "process_open_fds", "process_max_fds", "process_start_time_seconds",
    "vigil_config_last_reload_successful", "vigil_config_last_reload_timestamp_seconds",
    "vigil_config_reloads_total", "vigil_config_reload_failures_total", "vigil_config_warnings",
    "vigil_http_requests_total", "vigil_scrapes_total", "vigil_scrape_collector_duration_seconds",
    "vigil_scrape_collector_failures_total", "vigil_engine_last_progress_timestamp_seconds",
)


def check_well_formed(exp, what):
    assert not exp.errors, f"{what}: unparsable lines: {exp.errors[:5]}"
    assert exp.samples, f"{what}: no samples"
    problems = []
    for name, labels, _, line in exp.samples:
        family = exp.family_of(name)
        if family is None:
            problems.append(f"no TYPE for {name}")
        elif family not in exp.help:
            problems.append(f"no HELP for family {family}")
        if not (name.startswith("vigil_") or name.startswith("process_")):
            problems.append(f"name outside vigil_/process_: {name}")
        if "instance" in labels:
            problems.append(f"label 'instance' on {line}")
    for family in exp.type:
        if family not in exp.help:
            problems.append(f"TYPE without HELP: {family}")
    assert not problems, f"{what}: " + "; ".join(sorted(set(problems))[:15])


def test_text_format_content_type_and_families():
    with Vigild() as d:
        d.get("/metrics")
        r = d.get("/metrics")
        assert r.status == 200, r
        assert r.headers.get("content-type") == TEXT_CT, f"Content-Type {r.headers.get('content-type')!r}"
        assert "# EOF" not in r.text, "classic text format must not carry the OpenMetrics # EOF marker"
        exp = Exposition(r.text)
        check_well_formed(exp, "text scrape")
        r2 = d.get("/metrics?format=text", headers={"Accept": OM_ACCEPT})
        assert r2.headers.get("content-type") == TEXT_CT, f"?format=text must override Accept: {r2.headers}"


def test_contract_metrics_present_from_start():
    with Vigild() as d:
        exp = d.metrics()
        have = {exp.family_of(n) or n for n in exp.names()} | exp.names()
        missing = [m for m in CONTRACT_METRICS if m not in have]
        assert not missing, f"metrics missing from the first scrape: {missing}"
        # Known label values are exported as 0 before anything happened, not left absent.
        for fmt in ("text", "openmetrics"):
            assert exp.values("vigil_scrapes_total", format=fmt), (
                f'vigil_scrapes_total{{format="{fmt}"}} absent from the first scrape')
        info = [l for n, l, v, _ in exp.samples if n == "vigil_build_info"]
        assert len(info) == 1 and {"version", "revision", "swift_version"} <= set(info[0]), info
        assert exp.value("vigil_build_info") == 1.0
        assert exp.value("vigil_config_last_reload_successful") == 1.0
        assert exp.value("vigil_config_reloads_total") == 0.0
        assert exp.value("vigil_config_reload_failures_total") == 0.0
        assert exp.value("process_open_fds") > 0
        assert exp.value("process_resident_memory_bytes") > 1 << 20
        assert exp.value("process_max_fds") >= exp.value("process_open_fds")


def test_openmetrics_negotiated_by_accept():
    with Vigild() as d:
        r = d.get("/metrics", headers={"Accept": OM_ACCEPT})
        assert r.status == 200, r
        ct = r.headers.get("content-type", "")
        assert ct.startswith(OM_CT_PREFIX), f"Content-Type {ct!r}"
        assert r.text.endswith("# EOF\n"), f"body ends with {r.text[-40:]!r}"
        assert r.text.count("# EOF") == 1
        exp = Exposition(r.text)
        check_well_formed(exp, "OpenMetrics scrape")
        counters = [f for f, t in exp.type.items() if t == "counter"]
        assert counters, "no counter families in the OpenMetrics body"
        with_total = [f for f in counters if f.endswith("_total")]
        assert not with_total, f"OpenMetrics counter TYPE lines must omit _total: {with_total}"
        assert "vigil_config_reloads" in counters, f"counter families: {counters}"
        assert exp.values("vigil_config_reloads_total"), "counter samples must still end in _total"

        # What Prometheus 2.42 actually sends.
        prom_accept = ("application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
                       "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1")
        r = d.get("/metrics", headers={"Accept": prom_accept})
        assert r.headers.get("content-type", "").startswith(OM_CT_PREFIX), r.headers
        r = d.get("/metrics", headers={"Accept": "text/plain;version=0.0.4;q=0.9,application/openmetrics-text;q=0.1"})
        assert r.headers.get("content-type") == TEXT_CT, f"text preferred by q but got {r.headers}"


def test_openmetrics_by_query_parameter():
    with Vigild() as d:
        r = d.get("/metrics?format=openmetrics")
        assert r.status == 200, r
        assert r.headers.get("content-type", "").startswith(OM_CT_PREFIX), r.headers
        assert r.text.endswith("# EOF\n")
        check_well_formed(Exposition(r.text), "?format=openmetrics")


def test_gzip_when_accepted():
    with Vigild() as d:
        plain = d.get("/metrics")
        r = d.get("/metrics", headers={"Accept-Encoding": "gzip"})
        assert r.status == 200, r
        assert r.headers.get("content-encoding") == "gzip", f"headers {r.headers}"
        body = gunzip(r.body).decode()
        assert r.headers.get("content-type") == TEXT_CT
        check_well_formed(Exposition(body), "gunzipped text scrape")
        assert len(r.body) < len(plain.body), "gzip body is not smaller than the plain one"
        r = d.get("/metrics?format=openmetrics", headers={"Accept-Encoding": "gzip"})
        assert r.headers.get("content-encoding") == "gzip", r.headers
        om = gunzip(r.body).decode()
        assert om.endswith("# EOF\n")
        check_well_formed(Exposition(om), "gunzipped OpenMetrics scrape")
        # Equal preference: either coding is correct HTTP, but it must be the one the header names.
        r = d.get("/metrics?format=openmetrics", headers={"Accept-Encoding": "gzip, deflate"})
        coding = r.headers.get("content-encoding")
        assert coding in ("gzip", "deflate"), r.headers
        om = gunzip(r.body).decode() if coding == "gzip" else zlib.decompress(r.body).decode()
        assert om.endswith("# EOF\n")
        check_well_formed(Exposition(om), "gunzipped OpenMetrics scrape")
        r = d.get("/metrics")
        assert "content-encoding" not in r.headers, f"gzip without Accept-Encoding: {r.headers}"


def test_head_healthz_status_and_index():
    with Vigild() as d:
        r = d.request("HEAD", "/metrics")
        assert r.status == 200 and r.body == b"", r
        assert r.headers.get("content-type") == TEXT_CT, r.headers
        r = d.get("/healthz")
        assert r.status == 200 and r.text.strip() == "ok", (r, r.text)
        r = d.get("/status")
        assert r.status == 200, r
        assert r.headers.get("content-type", "").startswith("application/json"), r.headers
        r.json()
        r = d.get("/")
        assert r.status == 200 and "/metrics" in r.text, (r, r.text[:200])


def test_http_requests_counted_by_handler_and_code():
    with Vigild() as d:
        d.get("/nope")
        d.get("/metrics")
        exp = d.metrics()
        series = [l for n, l, v, _ in exp.samples if n == "vigil_http_requests_total"]
        assert series and all({"handler", "code"} <= set(l) for l in series), series
        assert any(l["code"] == "404" for l in series), f"404 not counted: {series}"
        assert any(l["code"] == "200" for l in series), f"200 not counted: {series}"
