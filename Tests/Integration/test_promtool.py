"""promtool, Prometheus' own linter, accepts a live scrape of vigild."""

from vigil_harness import Vigild, require_tool, run

PROMTOOL = "/usr/bin/promtool"


def lint(body):
    code, out, err = run([PROMTOOL, "check", "metrics"], stdin_data=body)
    complaints = (out + err).strip()
    assert code == 0 and not complaints, (
        f"promtool check metrics exited {code} with:\n{complaints}\n--- scraped body:\n{body.decode()[:4000]}")


def test_promtool_check_metrics_on_live_text_scrape():
    require_tool(PROMTOOL, "prometheus")
    with Vigild() as d:
        # Scrape twice so the second body includes the first scrape's own counters.
        d.get("/metrics")
        r = d.get("/metrics")
        assert r.status == 200, r
        lint(r.body)
        r = d.get("/metrics?format=text", headers={"Accept": "application/openmetrics-text;version=1.0.0"})
        assert r.status == 200, r
        lint(r.body)
