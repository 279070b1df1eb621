"""The Grafana dashboards in dashboards/ against the real metrics: structure, PromQL, and live data.

1. static (no root): every dashboard is valid JSON with the `datasource` (type datasource, query
   prometheus), `job` and `instance` variables (label_values of vigil_build_info, multi-value,
   with All); every panel has a description and a unit (rows are exempt: they hold no data; text
   panels would be too, there are none), uses the datasource variable on the panel and on every
   target (no UID is hard-coded anywhere); every label a query groups by, matches on or names in
   its legend is a label of the metrics it reads (catches IPVS panels the lab cannot fill); every range selector is [$__rate_interval]; every
   metric selector filters job=~"$job" and instance=~"$instance" (no bare metric names); every
   graph target has a legend naming its series; every metric name exists in the catalog of the
   vigild under test (`vigild --list-metrics`), except the mail metrics other work adds soon
   (PENDING), which are allowed only while that catalog lacks them. Also the Grafana
   provisioning files in contrib/grafana/.
2. promtool: every query, with the variables substituted ($__rate_interval → 1m, $job and
   $instance → .*), written as a recording rule into a temporary rules file, passes
   `promtool check rules`; so do the selectors of the variable queries.
3. live (root): in a monitoring_lab.MonitoringLab (two vigild directors, two real servers, a real
   Prometheus scraping both every second) with the events that create event-only series caused on
   purpose (malformed adverts from h3 → drops; rs2 stopped and restarted with failing notify
   scripts → real server transitions, failed checks, notify runs and failures; VRRP cut with
   nftables → split brain, h2 master, notify_master failing; a SIGHUP reload), every query returns
   at least one series, except an explicit, printed list: IPVS counters when the kernel has no
   IPVS (vigil_ipvs_available 0 on every target), the pending mail metrics when the binary
   does not export them yet, and LAB_CONFIG_EXEMPT (series the lab's configuration cannot have). A few panels are also checked for meaning: the state timeline maps
   h1 to MASTER and h2 to BACKUP, Masters per VRID and Holders per VIP are 1, and 2 during the cut.
"""

import glob
import json
import os
import re
import tempfile
import time

import vigil_harness as harness

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
DASHBOARDS = os.path.join(ROOT, "dashboards")
GRAFANA = os.path.join(ROOT, "contrib", "grafana")
PROMTOOL = "/usr/bin/promtool"

DS = {"type": "prometheus", "uid": "${datasource}"}
# Panel types that carry no data and therefore need no unit (rows also need no description).
NO_UNIT_TYPES = {"row", "text"}
NO_DESCRIPTION_TYPES = {"row"}
# Mail metrics other work adds (with their labels); allowed on dashboards before the binary exports them.
PENDING = {"vigil_mail_sent_total": (), "vigil_mail_failed_total": ("stage",),
           "vigil_mail_suppressed_total": ("reason",), "vigil_mail_queue_length": (),
           "vigil_mail_last_success_timestamp_seconds": ()}
# Series that exist only for configurations the lab does not have (checked only when empty).
LAB_CONFIG_EXEMPT = {
    "vigil_vrrp_neighbor_advertisements_sent_total":
        "exists only for VRRP instances with IPv6 virtual addresses; the lab's VI_1 is VRRPv2 with an IPv4 VIP",
}
# Series Prometheus adds itself.
SYNTHETIC = {"up"}
SUBSTITUTIONS = {"__rate_interval": "1m", "__interval": "1m", "__range": "1h", "job": ".*", "instance": ".*"}

PROMQL_WORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless",
                "bool", "offset", "inf", "nan"}


# ---------------------------------------------------------------------------------------------
# Reading the dashboards

def dashboard_files():
    files = sorted(glob.glob(os.path.join(DASHBOARDS, "*.json")))
    assert files, f"no dashboards in {DASHBOARDS}"
    return files


def load(path):
    with open(path, encoding="utf-8") as f:
        try:
            return json.load(f)
        except json.JSONDecodeError as e:
            raise AssertionError(f"{os.path.relpath(path, ROOT)} is not valid JSON: {e}") from None


def panels(board):
    """Every panel, including those inside collapsed rows."""
    for p in board.get("panels", []):
        yield p
        for inner in p.get("panels", []) or []:
            yield inner


def queries():
    """[(where, panel, target, expr)] for every target of every dashboard."""
    out = []
    for path in dashboard_files():
        board = load(path)
        for p in panels(board):
            for t in p.get("targets", []) or []:
                where = f"{os.path.basename(path)} panel {p.get('id')} {p.get('title')!r} target {t.get('refId')}"
                out.append((where, p, t, t.get("expr", "")))
    return out


def variable_queries(board):
    """The PromQL selector inside each `label_values(SELECTOR, label)` variable query."""
    out = []
    for var in board.get("templating", {}).get("list", []):
        if var.get("type") != "query":
            continue
        q = var.get("query")
        q = q.get("query") if isinstance(q, dict) else q
        m = re.fullmatch(r"\s*label_values\((.*),\s*([a-zA-Z_]\w*)\s*\)\s*", q or "")
        if m:
            out.append((var["name"], m.group(1)))
    return out


def substitute(expr):
    def repl(m):
        name = m.group(1) or m.group(2)
        if name not in SUBSTITUTIONS:
            raise AssertionError(f"unknown variable ${name} in {expr!r}")
        return SUBSTITUTIONS[name]
    return re.sub(r"\$\{(\w+)(?::\w+)?\}|\$(\w+)", repl, expr)


# ---------------------------------------------------------------------------------------------
# PromQL, just enough to check selectors and names

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'')
_SELECTOR = re.compile(r"([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{([^}]*)\}")


def selectors(expr):
    """[(metric name, matcher text)] for every `name{...}` in expr."""
    return _SELECTOR.findall(expr)


def bare_names(expr):
    """Identifiers that look like metric names written without a {...} selector."""
    text = _SELECTOR.sub(" ", expr)
    text = _STRING.sub(" ", text)
    text = re.sub(r"\[[^\]]*\]", " ", text)
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)
    names = []
    for m in re.finditer(r"[a-zA-Z_:][a-zA-Z0-9_:]*", text):
        word = m.group(0)
        rest = text[m.end():].lstrip()
        if rest.startswith("(") or word.lower() in PROMQL_WORDS:
            continue
        if re.fullmatch(r"\d*[eE]\d+", word) or (m.start() > 0 and (text[m.start() - 1].isdigit() or text[m.start() - 1] == ".")):
            continue
        names.append(word)
    return names


def ranges(expr):
    return re.findall(r"\[([^\]]*)\]", _STRING.sub('""', expr))


def keeps_instance(expr):
    """False when the outermost aggregation drops the instance label (sum by (vrid) (...))."""
    m = re.match(r"\s*(sum|max|min|count|avg)\s+by\s*\(([^)]*)\)", expr)
    return not (m and "instance" not in [x.strip() for x in m.group(2).split(",")])


_CATALOG = {}


def catalog():
    """{name: type} from `vigild --list-metrics` of the binary under test."""
    return {name: kind for name, (kind, _) in catalog_with_labels().items()}


def catalog_with_labels():
    """{name: (type, (label, ...))} from `vigild --list-metrics` of the binary under test."""
    if _CATALOG.get("bin") != harness.binary("vigild"):
        code, out, err = harness.run([harness.binary("vigild"), "--list-metrics"], timeout=20)
        assert code == 0, f"vigild --list-metrics exited {code}: {err}"
        names = {}
        for line in out.splitlines():
            m = re.match(r"^\|\s*`([a-zA-Z_:][a-zA-Z0-9_:]*)`\s*\|\s*(\w+)\s*\|([^|]*)\|", line)
            if m:
                names[m.group(1)] = (m.group(2), tuple(re.findall(r"`([a-zA-Z_]\w*)`", m.group(3))))
        assert len(names) > 20, f"cannot read the catalog from vigild --list-metrics:\n{out[:500]}"
        _CATALOG.update(bin=harness.binary("vigild"), names=names)
    return _CATALOG["names"]


def labels_of(metric, cat):
    """The labels a series of `metric` can carry in Prometheus (None: unknown metric)."""
    base = {"job", "instance"}
    if metric in SYNTHETIC:
        return base
    for name, (kind, labels) in cat.items():
        if metric == name:
            return base | set(labels)
        if kind == "histogram" and metric in (name + "_bucket", name + "_sum", name + "_count"):
            return base | set(labels) | ({"le"} if metric.endswith("_bucket") else set())
    if metric in PENDING:
        return base | set(PENDING[metric])
    return None


def label_problems(expr, legend, cat):
    """Labels grouped by, matched on or named in the legend that no referenced metric carries."""
    available = set()
    for metric in metric_names(expr):
        available |= labels_of(metric, cat) or set()
    used = set()
    for _, matchers in selectors(expr):
        used |= set(re.findall(r"([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)", _STRING.sub('""', matchers)))
    for group in re.findall(r"\b(?:by|without|on|ignoring)\s*\(([^)]*)\)", expr):
        used |= {x.strip() for x in group.split(",") if x.strip()}
    used |= set(re.findall(r"\{\{\s*([a-zA-Z_]\w*)\s*\}\}", legend or ""))
    return sorted(used - available)


def series_names(cat):
    """Every sample name the catalog can produce (histograms: _bucket, _sum, _count)."""
    out = set()
    for name, kind in cat.items():
        out.add(name)
        if kind == "histogram":
            out |= {name + "_bucket", name + "_sum", name + "_count"}
    return out


def pending_absent(cat):
    return {n for n in PENDING if n not in cat}


def metric_names(expr):
    return {name for name, _ in selectors(expr)} | set(bare_names(expr))


# ---------------------------------------------------------------------------------------------
# 1. static

def test_dashboards_static():
    cat = catalog()
    cat_labels = catalog_with_labels()
    known = series_names(cat) | SYNTHETIC | set(PENDING)
    problems = []
    uids = {}
    counts = {}
    used = set()
    for path in dashboard_files():
        name = os.path.basename(path)
        board = load(path)
        uid = board.get("uid")
        if not uid or uid in uids:
            problems.append(f"{name}: uid {uid!r} missing or also used by {uids.get(uid)}")
        uids[uid] = name
        if not isinstance(board.get("schemaVersion"), int) or board["schemaVersion"] < 36:
            problems.append(f"{name}: schemaVersion {board.get('schemaVersion')!r} (want 36 or later)")
        if not board.get("title"):
            problems.append(f"{name}: no title")
        variables = {v.get("name"): v for v in board.get("templating", {}).get("list", [])}
        ds = variables.get("datasource")
        if not ds or ds.get("type") != "datasource" or ds.get("query") != "prometheus":
            problems.append(f"{name}: no `datasource` variable of type datasource/prometheus: {ds}")
        expected = {"job": "label_values(vigil_build_info, job)",
                    "instance": 'label_values(vigil_build_info{job=~"$job"}, instance)'}
        for var, query in expected.items():
            v = variables.get(var) or {}
            q = v.get("query")
            q = q.get("query") if isinstance(q, dict) else q
            if (v.get("type") != "query" or q != query or v.get("datasource") != DS or not v.get("multi")
                    or not v.get("includeAll")):
                problems.append(f"{name}: variable {var} must be a multi-value query variable with All on "
                                f"{DS} with query {query!r}: {v}")
        # No UID hard-coded: every "uid" in the file is the dashboard's own, the variable, or Grafana's.
        for m in re.finditer(r'"uid"\s*:\s*"([^"]*)"', json.dumps(board)):
            if m.group(1) not in (uid, "${datasource}", "-- Grafana --"):
                problems.append(f"{name}: hard-coded uid {m.group(1)!r}")
        ids = set()
        n_panels = 0
        for p in panels(board):
            ptype, title = p.get("type"), p.get("title")
            where = f"{name} panel {p.get('id')} {title!r}"
            if p.get("id") in ids:
                problems.append(f"{where}: duplicate id")
            ids.add(p.get("id"))
            gp = p.get("gridPos") or {}
            if not all(isinstance(gp.get(k), int) for k in "hwxy") or gp["x"] + gp["w"] > 24:
                problems.append(f"{where}: bad gridPos {gp}")
            if ptype not in NO_DESCRIPTION_TYPES and not (p.get("description") or "").strip():
                problems.append(f"{where}: no description")
            if ptype in NO_UNIT_TYPES:
                continue
            n_panels += 1
            unit = p.get("fieldConfig", {}).get("defaults", {}).get("unit")
            if not unit:
                problems.append(f"{where}: no fieldConfig.defaults.unit")
            if p.get("datasource") != DS:
                problems.append(f"{where}: panel datasource is {p.get('datasource')}, not {DS}")
            targets = p.get("targets") or []
            if not targets:
                problems.append(f"{where}: no targets")
            refs = [t.get("refId") for t in targets]
            if len(set(refs)) != len(refs):
                problems.append(f"{where}: duplicate refIds {refs}")
            for t in targets:
                twhere = f"{where} target {t.get('refId')}"
                expr = t.get("expr") or ""
                if t.get("datasource") != DS:
                    problems.append(f"{twhere}: target datasource is {t.get('datasource')}, not {DS}")
                if not expr.strip():
                    problems.append(f"{twhere}: no expr")
                    continue
                for r in ranges(expr):
                    if r != "$__rate_interval":
                        problems.append(f"{twhere}: range [{r}] instead of [$__rate_interval]: {expr}")
                if re.search(r"\b(rate|irate|increase)\s*\(", expr) and "[$__rate_interval]" not in expr:
                    problems.append(f"{twhere}: rate/increase without [$__rate_interval]: {expr}")
                for metric, matchers in selectors(expr):
                    flat = re.sub(r"\s+", "", matchers)
                    if 'job=~"$job"' not in flat or 'instance=~"$instance"' not in flat:
                        problems.append(f"{twhere}: {metric}{{{matchers}}} does not filter "
                                        f'job=~"$job", instance=~"$instance"')
                for bare in bare_names(expr):
                    problems.append(f"{twhere}: {bare!r} has no {{job, instance}} selector: {expr}")
                for metric in metric_names(expr):
                    used.add(metric)
                    if metric not in known:
                        problems.append(f"{twhere}: {metric} is not in `vigild --list-metrics`")
                unknown = label_problems(expr, t.get("legendFormat"), cat_labels)
                if unknown:
                    problems.append(f"{twhere}: labels {unknown} are not labels of the metrics it reads: {expr}")
                fmt = t.get("format", "time_series")
                if ptype == "heatmap" and fmt != "heatmap":
                    problems.append(f"{twhere}: heatmap target with format {fmt!r}, not heatmap")
                if ptype == "table" and not t.get("instant"):
                    problems.append(f"{twhere}: table target is not an instant query")
                if ptype in ("timeseries", "state-timeline", "stat"):
                    legend = t.get("legendFormat") or ""
                    if "{{" not in legend:
                        problems.append(f"{twhere}: legendFormat {legend!r} names no series")
                    elif keeps_instance(expr) and "{{instance}}" not in legend:
                        problems.append(f"{twhere}: legendFormat {legend!r} does not name the instance")
        counts[name] = n_panels
        for var, selector in variable_queries(board):
            for metric in metric_names(selector):
                if metric not in known:
                    problems.append(f"{name}: variable {var} uses {metric}, not in `vigild --list-metrics`")
    problems += provisioning_problems(set(uids))
    assert not problems, f"{len(problems)} problems:\n  " + "\n  ".join(problems)
    families = {n for n in cat if n.startswith("vigil_")}
    covered = {f for f in families if any(u == f or u.startswith(f + "_") for u in used)}
    missing = sorted(families - covered)
    pending = sorted(pending_absent(cat))
    return (f"{', '.join(f'{k}: {v} panels' for k, v in counts.items())}; "
            f"{len(covered)}/{len(families)} vigil_* families of the catalog on a dashboard"
            + (f" (not shown: {', '.join(missing)})" if missing else "")
            + (f"; pending mail metrics not in this binary yet: {', '.join(pending)}" if pending else ""))


def provisioning_problems(uids):
    problems = []
    provider = os.path.join(GRAFANA, "provisioning", "dashboards", "vigil.yaml")
    source = os.path.join(GRAFANA, "provisioning", "datasources", "prometheus.yaml")
    readme = os.path.join(GRAFANA, "README.md")
    for path in (provider, source, readme):
        if not os.path.isfile(path):
            problems.append(f"{os.path.relpath(path, ROOT)} is missing")
    if problems:
        return problems
    with open(provider) as f:
        text = f.read()
    for needle in ("apiVersion: 1", "providers:", "type: file", "path: /var/lib/grafana/dashboards/vigil"):
        if needle not in text:
            problems.append(f"contrib/grafana/provisioning/dashboards/vigil.yaml lacks {needle!r}")
    with open(source) as f:
        text = f.read()
    for needle in ("apiVersion: 1", "datasources:", "type: prometheus", "url:"):
        if needle not in text:
            problems.append(f"contrib/grafana/provisioning/datasources/prometheus.yaml lacks {needle!r}")
    return problems


# ---------------------------------------------------------------------------------------------
# 2. promtool

def test_dashboard_queries_parse_with_promtool():
    harness.require_tool(PROMTOOL, "prometheus")
    rules = []
    where_of = {}
    for where, _, t, expr in queries():
        record = re.sub(r"[^a-zA-Z0-9_:]", "_", f"dashboard:{where.split()[0][:-5]}:p{where.split()[2]}_{t.get('refId')}")
        rules.append({"record": record, "expr": substitute(expr)})
        where_of[record] = where
    for path in dashboard_files():
        board = load(path)
        for var, selector in variable_queries(board):
            record = re.sub(r"[^a-zA-Z0-9_:]", "_", f"dashboard:{board['uid']}:var_{var}")
            rules.append({"record": record, "expr": substitute(selector)})
            where_of[record] = f"{os.path.basename(path)} variable {var}"
    with tempfile.TemporaryDirectory(prefix="vigil-dash-") as tmp:
        path = os.path.join(tmp, "dashboard-queries.rules.yml")
        with open(path, "w") as f:
            json.dump({"groups": [{"name": "dashboard_queries", "rules": rules}]}, f, indent=1)  # JSON is YAML
        code, out, err = harness.run([PROMTOOL, "check", "rules", path], timeout=30)
        if code != 0:
            text = out + err
            # promtool names the failing rule by its record name or its index: show where it came from.
            hints = [f"{r}: {w}" for r, w in where_of.items() if r in text]
            raise AssertionError(f"promtool check rules failed ({code}):\n{text.strip()}\n"
                                 + ("\n".join(hints) if hints else json.dumps(rules, indent=1)[:4000]))
    return f"promtool check rules: {len(rules)} queries parse ({len(where_of)} records)"


# ---------------------------------------------------------------------------------------------
# 3. live

def _panel_expr(title, ref="A"):
    for where, p, t, expr in queries():
        if p.get("title") == title and t.get("refId") == ref:
            return substitute(expr)
    raise AssertionError(f"no panel {title!r} with target {ref} on the dashboards")


def test_dashboard_queries_return_data():
    # Imported here so the static checks run without root (the lab module itself needs none to import).
    import monitoring_lab
    import vrrp_lab
    from monitoring_lab import MonitoringLab

    monitoring_lab.require_monitoring_lab()
    cat = catalog()
    pending = pending_absent(cat)
    all_queries = queries()
    t0 = time.monotonic()
    events = []
    with MonitoringLab() as lab:
        h1, h2 = lab.instance("h1"), lab.instance("h2")
        state_expr = _panel_expr("VRRP state per node and instance")
        masters_expr = _panel_expr("Masters per VRID")
        holders_expr = _panel_expr("Holders per VIP")

        def by_instance(expr):
            return {labels.get("instance"): v for labels, v in lab.query(expr)}

        lab.wait_query(state_expr, lambda rows: by_instance(state_expr) == {h1: 3.0, h2: 2.0}, 10,
                       "the state timeline query: h1 MASTER (3), h2 BACKUP (2)")
        assert [v for _, v in lab.query(masters_expr)] == [1.0], lab.query(masters_expr)
        assert [v for _, v in lab.query(holders_expr)] == [1.0], lab.query(holders_expr)

        # Drops: three adverts with TTL 254 from h3 (both directors count reason="ttl").
        sock = lab.lab.injector("h3")
        try:
            for _ in range(3):
                sock.sendto(vrrp_lab.malformed_adverts()["ttl"], ("224.0.0.18", 0))
        finally:
            sock.close()
        events.append("3 adverts with TTL 254 from h3")

        # Real server transitions, failed checks, LVS notify runs and failures.
        lab.fail_notify_scripts(True)
        lab.stop_real_server("rs2")
        rs2 = 'vigil_real_server_up{job="vigil", real_server="192.0.2.12:80"}'
        lab.wait_query(rs2, lambda rows: len(rows) == 2 and all(v == 0 for _, v in rows), 15, "rs2 down on both")
        lab.start_real_server("rs2")
        events.append("rs2 stopped until both saw it down, then restarted (notify scripts failing)")

        # Split brain: VRRP cut between the directors; h2 becomes master too (its notify_master fails).
        lab.block_vrrp()
        t_block = time.monotonic()
        lab.wait_query(masters_expr, lambda rows: [v for _, v in rows] == [2.0], 15,
                       "Masters per VRID to show 2 while VRRP is blocked")
        lab.wait_query(holders_expr, lambda rows: [v for _, v in rows] == [2.0], 5,
                       "Holders per VIP to show 2 while VRRP is blocked")
        split = time.monotonic() - t_block
        lab.unblock_vrrp()
        lab.fail_notify_scripts(False)
        events.append(f"VRRP blocked with nftables: both masters in Prometheus after {split:.1f} s, then unblocked")

        # A reload.
        lab.reload_director("h2")
        events.append("SIGHUP to h2")
        lab.wait_healthy(20)
        lab.wait_query('vigil_config_reloads_total{job="vigil"}',
                       lambda rows: any(v >= 1 for _, v in rows), 10, "the reload to be counted")
        # At least 10 s of scrapes before evaluating everything.
        time.sleep(max(0.0, 10.0 - (time.monotonic() - t0)))

        ipvs = [v for _, v in lab.query('vigil_ipvs_available{job="vigil"}')]
        assert len(ipvs) == 2, f"vigil_ipvs_available: {ipvs}"
        no_ipvs = all(v == 0 for v in ipvs)

        def exemption(expr):
            names = metric_names(expr)
            if no_ipvs and any(n.startswith("vigil_ipvs_") and n != "vigil_ipvs_available" for n in names):
                return "IPVS", "kernel has no IPVS (vigil_ipvs_available 0 on every target)"
            if names & pending:
                return "pending mail", "mail metrics other work adds, not exported by this vigild yet"
            if names & set(LAB_CONFIG_EXEMPT):
                return "lab config", "; ".join(LAB_CONFIG_EXEMPT[n] for n in sorted(names & set(LAB_CONFIG_EXEMPT)))
            return None

        with_data, exempt, exempt_with_data, empty = [], [], [], []
        for where, p, t, expr in all_queries:
            rows = lab.query(substitute(expr))
            reason = exemption(expr)
            if rows:
                (exempt_with_data if reason else with_data).append(where)
            elif reason:
                exempt.append((where, reason))
            else:
                empty.append((where, expr))
        if empty:
            raise AssertionError(f"{len(empty)} dashboard queries returned no series:\n  "
                                 + "\n  ".join(f"{w}: {e}" for w, e in empty))
        for h in lab.directors.values():
            h.assert_alive()
    by_reason = {}
    for where, reason in exempt:
        by_reason.setdefault(reason, []).append(where)
    print(f"dashboard queries exempt from 'returns data' ({len(exempt)}):")
    for (tag, reason), wheres in by_reason.items():
        print(f"  {tag}: {reason}:")
        for w in wheres:
            print(f"    {w}")
    for w in exempt_with_data:
        print(f"  exempt but returned data: {w}")
    summary = ", ".join(f"{len(w)} {tag}" for (tag, _), w in by_reason.items())
    return (f"{len(with_data) + len(exempt_with_data)}/{len(all_queries)} queries returned data"
            + (f"; exempt (listed above): {summary}" if summary else "") + f"; events caused: {'; '.join(events)}")


test_dashboard_queries_return_data.timeout = 120


def test_dashboard_ipvs_queries_return_data_in_emulated_kernel():
    """The IPVS panels, exempt on this kernel above: in the emulated kernel with IPVS, the demo's
    director pair serves traffic and a real Prometheus scraping both returns data for every one."""
    import shlex

    import kernel_vm

    harness.require_root("the guest lab creates network namespaces")
    kernel_vm.require_guest()
    ipvs = [(where, substitute(expr)) for where, _, _, expr in queries()
            if any(name.startswith("vigil_ipvs_") for name in metric_names(expr))]
    assert ipvs, "no dashboard query reads vigil_ipvs_* families"
    guest = os.path.join(HERE, "ipvs_dashboard_guest.py")
    vigild = harness.binary("vigild")
    script = ("cat > \"$VIGIL_VM_SHARE/queries.json\" <<'EOF'\n" + json.dumps(ipvs) + "\nEOF\n"
              f"python3 {shlex.quote(guest)} --vigild {shlex.quote(vigild)} "
              '--queries "$VIGIL_VM_SHARE/queries.json" --out "$VIGIL_VM_SHARE/result.json"')
    with kernel_vm.run_in_guest_full(script, timeout=400) as run:
        text = run.file("result.json")
        assert text is not None, f"the guest wrote no result (exit {run.status}):\n{run.tail(4000)}"
        report = json.loads(text)
        assert report["ok"], f"the guest lab failed: {report['failure']}\n{run.tail(3000)}"
        empty = [where for where, count in report["results"].items() if count == 0]
        assert not empty, "IPVS queries with no data in the guest:\n" + "\n".join(empty)
        return f"{len(report['results'])} IPVS queries returned data in the emulated kernel ({run.describe()})"


test_dashboard_ipvs_queries_return_data_in_emulated_kernel.timeout = 480
