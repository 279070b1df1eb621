#!/usr/bin/env python3
"""Generates dashboards/vigil-overview.json and dashboards/vigil-lvs.json: edit the panels here, run
`python3 scripts/gen-dashboards.py`, and commit both. Tests/Integration/test_dashboards.py checks the
JSON (and every query, against promtool and a live Prometheus)."""
import json
import os
import sys

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "dashboards")
DS = {"type": "prometheus", "uid": "${datasource}"}
S = 'job=~"$job", instance=~"$instance"'
RI = "$__rate_interval"


def sel(metric, extra=""):
    return f"{metric}{{{S}{', ' + extra if extra else ''}}}"


def T(expr, legend="", fmt="time_series", instant=False):
    t = {"datasource": DS, "expr": expr, "refId": "", "format": fmt}
    if legend:
        t["legendFormat"] = legend
    if instant:
        t["instant"] = True
        t["range"] = False
    else:
        t["range"] = True
        t["instant"] = False
    return t


def mapping(pairs):
    """pairs: [(value, text, color)]"""
    opts = {str(v): {"text": text, "color": color, "index": i} for i, (v, text, color) in enumerate(pairs)}
    return [{"type": "value", "options": opts}]


def thresholds(steps):
    return {"mode": "absolute", "steps": [{"color": c, "value": v} for v, c in steps]}


class Board:
    def __init__(self, uid, title, description):
        self.uid, self.title, self.description = uid, title, description
        self.panels = []
        self.x = self.y = 0
        self.row_h = 0
        self.next_id = 1

    def row(self, title):
        self._newline()
        self.panels.append({"id": self._id(), "type": "row", "title": title, "collapsed": False,
                            "gridPos": {"h": 1, "w": 24, "x": 0, "y": self.y}, "panels": []})
        self.y += 1

    def _id(self):
        i = self.next_id
        self.next_id += 1
        return i

    def _newline(self):
        if self.x:
            self.y += self.row_h
            self.x = 0
            self.row_h = 0

    def panel(self, ptype, title, description, unit, targets, w=12, h=8, options=None, defaults=None,
              custom=None, transformations=None, overrides=None):
        if self.x + w > 24:
            self._newline()
        for i, t in enumerate(targets):
            t["refId"] = chr(ord("A") + i)
        d = {"unit": unit}
        if defaults:
            d.update(defaults)
        if custom is not None:
            d["custom"] = custom
        p = {"id": self._id(), "type": ptype, "title": title, "description": description, "datasource": DS,
             "gridPos": {"h": h, "w": w, "x": self.x, "y": self.y},
             "fieldConfig": {"defaults": d, "overrides": overrides or []},
             "options": options or {}, "targets": targets}
        if transformations:
            p["transformations"] = transformations
        self.panels.append(p)
        self.x += w
        self.row_h = max(self.row_h, h)
        if self.x >= 24:
            self._newline()
        return p

    # -- panel kinds ---------------------------------------------------------------------------
    def timeseries(self, title, description, unit, targets, w=12, h=8, bars=False, stack=False,
                   defaults=None, overrides=None, legend_calcs=("lastNotNull", "max")):
        custom = {"drawStyle": "bars" if bars else "line", "lineWidth": 1, "fillOpacity": 60 if bars else 10,
                  "showPoints": "never", "spanNulls": False, "axisSoftMin": 0,
                  "stacking": {"mode": "normal" if stack else "none", "group": "A"}}
        options = {"legend": {"displayMode": "table", "placement": "bottom", "showLegend": True,
                              "calcs": list(legend_calcs)},
                   "tooltip": {"mode": "multi", "sort": "desc"}}
        return self.panel("timeseries", title, description, unit, targets, w, h, options, defaults, custom,
                          overrides=overrides)

    def state_timeline(self, title, description, targets, maps, w=12, h=8, unit="none"):
        options = {"showValue": "auto", "mergeValues": True, "alignValue": "left", "rowHeight": 0.9,
                   "legend": {"displayMode": "list", "placement": "bottom", "showLegend": False},
                   "tooltip": {"mode": "single", "sort": "none"}}
        defaults = {"mappings": mapping(maps), "color": {"mode": "thresholds"},
                    "thresholds": thresholds([(None, "text")])}
        return self.panel("state-timeline", title, description, unit, targets, w, h, options, defaults,
                          custom={"fillOpacity": 80, "lineWidth": 0})

    def stat(self, title, description, unit, targets, w=6, h=5, maps=None, steps=None, color_mode="background"):
        options = {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                   "orientation": "auto", "textMode": "value_and_name", "colorMode": color_mode,
                   "graphMode": "none", "justifyMode": "auto"}
        defaults = {"color": {"mode": "thresholds"},
                    "thresholds": thresholds(steps or [(None, "blue")])}
        if maps:
            defaults["mappings"] = mapping(maps)
        return self.panel("stat", title, description, unit, targets, w, h, options, defaults)

    def table(self, title, description, targets, columns, w=12, h=8, unit="none"):
        """An instant table; columns: the label names to show, in order."""
        order = {c: i for i, c in enumerate(columns)}
        transformations = [
            {"id": "merge", "options": {}},
            {"id": "organize", "options": {
                "excludeByName": {"Time": True, "Value": True, "__name__": True, "job": True},
                "indexByName": order, "renameByName": {}}},
            {"id": "filterFieldsByName", "options": {"include": {"names": list(columns)}}},
        ]
        options = {"showHeader": True, "cellHeight": "sm", "footer": {"show": False, "reducer": ["sum"]}}
        return self.panel("table", title, description, unit, targets, w, h, options,
                          {"custom": {"align": "auto", "filterable": True}}, transformations=transformations)

    def heatmap(self, title, description, targets, w=12, h=8):
        options = {"calculate": False, "cellGap": 1, "color": {"mode": "scheme", "scheme": "Oranges",
                                                               "steps": 64, "exponent": 0.5, "fill": "dark-orange",
                                                               "reverse": False},
                   "yAxis": {"axisPlacement": "left", "unit": "s", "reverse": False},
                   "rowsFrame": {"layout": "auto"}, "filterValues": {"le": 1e-9},
                   "tooltip": {"show": True, "yHistogram": True}, "legend": {"show": True},
                   "exemplars": {"color": "rgba(255,0,255,0.7)"}, "showValue": "never", "cellValues": {"unit": "short"}}
        return self.panel("heatmap", title, description, "short", targets, w, h, options,
                          custom={"scaleDistribution": {"type": "linear"}, "hideFrom": {"legend": False, "tooltip": False, "viz": False}})

    def render(self, link_to):
        var_ds = {"name": "datasource", "label": "Data source", "type": "datasource", "query": "prometheus",
                  "current": {}, "hide": 0, "includeAll": False, "multi": False, "options": [], "refresh": 1,
                  "regex": "", "skipUrlSync": False}

        def var_query(name, label, query):
            return {"name": name, "label": label, "type": "query", "datasource": DS,
                    "definition": query, "query": {"query": query, "refId": "PrometheusVariableQueryEditor-VariableQuery"},
                    "current": {"selected": True, "text": ["All"], "value": ["$__all"]},
                    "hide": 0, "includeAll": True, "multi": True, "options": [], "refresh": 2,
                    "regex": "", "skipUrlSync": False, "sort": 1}
        return {
            "annotations": {"list": [{"builtIn": 1, "datasource": {"type": "grafana", "uid": "-- Grafana --"},
                                      "enable": True, "hide": True, "iconColor": "rgba(0, 211, 255, 1)",
                                      "name": "Annotations & Alerts", "type": "dashboard"}]},
            "description": self.description,
            "editable": True,
            "fiscalYearStartMonth": 0,
            "graphTooltip": 1,
            "id": None,
            "links": [{"title": link_to[1], "type": "link", "url": f"/d/{link_to[0]}", "icon": "dashboard",
                       "keepTime": True, "includeVars": True, "asDropdown": False, "tags": [],
                       "targetBlank": False, "tooltip": ""}],
            "liveNow": False,
            "panels": self.panels,
            "refresh": "30s",
            "schemaVersion": 39,
            "tags": ["vigil", "vrrp", "lvs"],
            "templating": {"list": [
                var_ds,
                var_query("job", "Job", "label_values(vigil_build_info, job)"),
                var_query("instance", "Instance", 'label_values(vigil_build_info{job=~"$job"}, instance)'),
            ]},
            "time": {"from": "now-1h", "to": "now"},
            "timepicker": {},
            "timezone": "",
            "title": self.title,
            "uid": self.uid,
            "version": 1,
            "weekStart": "",
        }


VRRP_STATE_CODE = ("sum by (job, instance, vrrp_instance, vrid) (\n  "
                   + "\n  or ".join(str(code) + " * " + sel("vigil_vrrp_state", 'state="' + state + '"')
                                   for code, state in ((1, "init"), (2, "backup"), (3, "master"),
                                                       (4, "fault"), (5, "stopped")))
                   + "\n)")
MASTER_SEL = 'state="master"'
NOT_SUCCESS = 'result!="success"'
VRRP_MAP = [(0, "unknown", "text"), (1, "INIT", "purple"), (2, "BACKUP", "blue"), (3, "MASTER", "green"),
            (4, "FAULT", "red"), (5, "STOPPED", "orange")]
UP_MAP = [(0, "DOWN", "red"), (1, "UP", "green")]


def overview():
    b = Board("vigil-overview", "Vigil overview",
              "Vigil (vigild): VRRP ownership, adverts, mail alerts, reloads, watchdog and build, per node. "
              "Every metric is described in docs/METRICS.md.")
    b.row("VRRP: who is master, who holds the VIP")
    b.state_timeline(
        "VRRP state per node and instance",
        "vigil_vrrp_state: the state whose series is 1, per vigild target (instance) and VRRP instance. For each "
        "VRID exactly one node should be MASTER; none means nobody answers for the VIP, two is split brain.",
        [T(VRRP_STATE_CODE, "{{instance}} {{vrrp_instance}} (VRID {{vrid}})")], VRRP_MAP, w=24, h=7)
    b.table("VRRP state now",
            "Instant view of vigil_vrrp_state == 1: the current state of every VRRP instance on every node.",
            [T(sel("vigil_vrrp_state") + " == 1", fmt="table", instant=True)],
            ["instance", "vrrp_instance", "interface", "vrid", "state"], w=12, h=7)
    b.table("Who holds each VIP",
            "Instant view of vigil_vip_owned == 1: which node has been told by the kernel to hold each "
            "virtual address. A master that holds nothing means netlink refused the change (see its log).",
            [T(sel("vigil_vip_owned") + " == 1", fmt="table", instant=True)],
            ["vip", "instance", "vrrp_instance", "interface"], w=12, h=7)
    b.timeseries(
        "Masters per VRID",
        "sum of vigil_vrrp_state{state=\"master\"} per VRID across the selected nodes: 1 is healthy, 0 means no "
        "master, 2 or more is split brain. Select every node of a pair for this to mean anything.",
        "short", [T(f"sum by (job, vrid) ({sel('vigil_vrrp_state', MASTER_SEL)})", "VRID {{vrid}} ({{job}})")],
        w=8, defaults={"decimals": 0, "color": {"mode": "thresholds"},
                       "thresholds": thresholds([(None, "red"), (1, "green"), (2, "red")])})
    b.timeseries(
        "Holders per VIP",
        "sum of vigil_vip_owned per virtual address across the selected nodes: 1 is healthy, 0 means nobody "
        "holds the address, 2 or more means two nodes answer ARP for it (split brain).",
        "short", [T(f"sum by (job, vip) ({sel('vigil_vip_owned')})", "{{vip}} ({{job}})")],
        w=8, defaults={"decimals": 0})
    b.state_timeline(
        "VIP held by node",
        "vigil_vip_owned over time: which node held each virtual address. Shows the VIP drifting on failover.",
        [T(sel("vigil_vip_owned"), "{{vip}} on {{instance}}")], [(0, "-", "transparent"), (1, "HELD", "green")], w=8)
    b.table("Master heard by each node",
            "vigil_vrrp_master_heard_info == 1: the master whose adverts each node hears. A node that is master "
            "while its peer hears a different master, or none, points to a broken segment (split brain).",
            [T(sel("vigil_vrrp_master_heard_info") + " == 1", fmt="table", instant=True)],
            ["instance", "vrrp_instance", "master"], w=12, h=7)
    b.timeseries(
        "Masters heard over time",
        "vigil_vrrp_master_heard_info over time: 1 while the node hears that master. Two different masters heard "
        "for one VRID across the nodes is split brain.",
        "none", [T(sel("vigil_vrrp_master_heard_info") + " == 1", "{{instance}} hears {{master}} ({{vrrp_instance}})")],
        w=12, h=7, legend_calcs=())

    b.row("VRRP: transitions and adverts")
    b.timeseries(
        "State transitions by reason",
        "increase of vigil_vrrp_transitions_total per interval, by previous state, new state and reason "
        "(master_down_timer, higher_priority_advert, priority_zero_received, preempt, shutdown, ...). "
        "Steady bars are flapping.",
        "short", [T(f"sum by (instance, vrrp_instance, from, to, reason) "
                    f"(increase({sel('vigil_vrrp_transitions_total')}[{RI}]))",
                    "{{instance}} {{vrrp_instance}} {{from}}→{{to}} ({{reason}})")], bars=True, legend_calcs=("sum",))
    b.stat("Since last transition",
           "time() - vigil_vrrp_last_transition_timestamp_seconds: how long each VRRP instance has been in its "
           "current state.",
           "s", [T(f"time() - {sel('vigil_vrrp_last_transition_timestamp_seconds')}", "{{instance}} {{vrrp_instance}}")],
           w=12, h=8, steps=[(None, "orange"), (300, "green")])
    b.timeseries(
        "Adverts sent and received",
        "rate of vigil_vrrp_adverts_sent_total and vigil_vrrp_adverts_received_total (valid adverts only). The "
        "master sends 1/advert_int; a backup receives as many. A backup that receives none will take over.",
        "pps", [T(f"sum by (instance, vrrp_instance) (rate({sel('vigil_vrrp_adverts_sent_total')}[{RI}]))",
                  "{{instance}} {{vrrp_instance}} sent"),
                T(f"sum by (instance, vrrp_instance) (rate({sel('vigil_vrrp_adverts_received_total')}[{RI}]))",
                  "{{instance}} {{vrrp_instance}} received")])
    b.timeseries(
        "Dropped VRRP packets by reason",
        "rate of vigil_vrrp_packets_dropped_total by reason (ttl, checksum, auth_mismatch, interval_mismatch, "
        "address_list, version, truncated, unknown_vrid, ...): someone sends bad adverts. vrrp_instance is empty "
        "when no instance matched. Drops never reach the state machine.",
        "pps", [T(f"sum by (instance, vrrp_instance, reason) (rate({sel('vigil_vrrp_packets_dropped_total')}[{RI}]))",
                  "{{instance}} {{vrrp_instance}} {{reason}}")])
    b.timeseries(
        "Priority: configured and effective",
        "vigil_vrrp_configured_priority (from the configuration, 255 = address owner) and "
        "vigil_vrrp_effective_priority (advertised now, after tracked objects' weights). A drop of the effective "
        "priority explains a handover.",
        "none", [T(sel("vigil_vrrp_configured_priority"), "{{instance}} {{vrrp_instance}} configured"),
                 T(sel("vigil_vrrp_effective_priority"), "{{instance}} {{vrrp_instance}} effective")],
        defaults={"decimals": 0})
    b.timeseries(
        "Announcements and priority-0 adverts",
        "rate of gratuitous ARPs (IPv4 VIPs) and unsolicited neighbour advertisements (IPv6 VIPs) sent after "
        "becoming master, and of priority-0 adverts sent (this node gave up mastership) and received (the master "
        "gave up).",
        "pps", [T(f"sum by (instance, vrrp_instance) (rate({sel('vigil_vrrp_gratuitous_arps_sent_total')}[{RI}]))",
                  "{{instance}} {{vrrp_instance}} gratuitous ARP"),
                T(f"sum by (instance, vrrp_instance) (rate({sel('vigil_vrrp_neighbor_advertisements_sent_total')}[{RI}]))",
                  "{{instance}} {{vrrp_instance}} unsolicited NA"),
                T(f"sum by (instance, vrrp_instance) (rate({sel('vigil_vrrp_priority_zero_adverts_sent_total')}[{RI}]))",
                  "{{instance}} {{vrrp_instance}} priority 0 sent"),
                T(f"sum by (instance, vrrp_instance) (rate({sel('vigil_vrrp_priority_zero_adverts_received_total')}[{RI}]))",
                  "{{instance}} {{vrrp_instance}} priority 0 received")])
    b.timeseries(
        "VRRP notify scripts",
        "increase of vigil_vrrp_notify_runs_total (scripts started, by keyword) and "
        "vigil_vrrp_notify_failures_total (could not start, exited non-zero or killed at the timeout).",
        "short", [T(f"sum by (instance, vrrp_instance, notify) (increase({sel('vigil_vrrp_notify_runs_total')}[{RI}]))",
                    "{{instance}} {{vrrp_instance}} {{notify}} runs"),
                  T(f"sum by (instance, vrrp_instance, notify) (increase({sel('vigil_vrrp_notify_failures_total')}[{RI}]))",
                    "{{instance}} {{vrrp_instance}} {{notify}} failed")],
        w=24, h=7, bars=True, legend_calcs=("sum",))

    b.row("Mail alerts")
    b.timeseries("Mail sent", "increase of vigil_mail_sent_total: alert mails the SMTP server accepted.",
                 "short", [T(f"sum by (instance) (increase({sel('vigil_mail_sent_total')}[{RI}]))", "{{instance}}")],
                 w=5, h=7, bars=True, legend_calcs=("sum",))
    b.timeseries("Mail failed by stage",
                 "increase of vigil_mail_failed_total by the stage of the SMTP exchange that failed. Persistent "
                 "failures mean nobody hears about failovers by mail.",
                 "short", [T(f"sum by (instance, stage) (increase({sel('vigil_mail_failed_total')}[{RI}]))",
                             "{{instance}} {{stage}}")], w=5, h=7, bars=True, legend_calcs=("sum",))
    b.timeseries("Mail suppressed by reason",
                 "increase of vigil_mail_suppressed_total by reason: alert mails deliberately not sent.",
                 "short", [T(f"sum by (instance, reason) (increase({sel('vigil_mail_suppressed_total')}[{RI}]))",
                             "{{instance}} {{reason}}")], w=5, h=7, bars=True, legend_calcs=("sum",))
    b.timeseries("Mail queue length", "vigil_mail_queue_length: alert mails waiting to be delivered.",
                 "short", [T(sel("vigil_mail_queue_length"), "{{instance}}")], w=4, h=7, defaults={"decimals": 0})
    b.stat("Last mail delivered",
           "vigil_mail_last_success_timestamp_seconds: when the SMTP server last accepted an alert mail (never: "
           "not since vigild started).",
           "dateTimeFromNow", [T(f"{sel('vigil_mail_last_success_timestamp_seconds')} * 1000", "{{instance}}")],
           w=5, h=7, color_mode="value", maps=[(0, "never", "orange")])

    b.row("Configuration reloads")
    b.stat("Last reload",
           "vigil_config_last_reload_successful: OK when the last load or reload succeeded, REJECTED when the new "
           "configuration had errors and the previous one is still in use.",
           "none", [T(sel("vigil_config_last_reload_successful"), "{{instance}}")], w=6, h=6,
           maps=[(0, "REJECTED", "red"), (1, "OK", "green")])
    b.stat("Configuration age",
           "time() - vigil_config_last_reload_timestamp_seconds: how long ago the configuration in use was loaded.",
           "s", [T(f"time() - {sel('vigil_config_last_reload_timestamp_seconds')}", "{{instance}}")], w=6, h=6,
           color_mode="value")
    b.timeseries("Reloads and rejected reloads",
                 "increase of vigil_config_reloads_total (every attempt: SIGHUP or vigilctl reload) and "
                 "vigil_config_reload_failures_total (rejected; the previous configuration stayed in use).",
                 "short", [T(f"sum by (instance) (increase({sel('vigil_config_reloads_total')}[{RI}]))", "{{instance}} reloads"),
                           T(f"sum by (instance) (increase({sel('vigil_config_reload_failures_total')}[{RI}]))",
                             "{{instance}} rejected")], w=6, h=6, bars=True, legend_calcs=("sum",))
    b.timeseries("Configuration diagnostics",
                 "vigil_config_warnings: diagnostics of the configuration in use, by severity (error, warning, note). "
                 "`vigild -t` prints them with the line that caused each.",
                 "short", [T(sel("vigil_config_warnings"), "{{instance}} {{severity}}")], w=6, h=6,
                 defaults={"decimals": 0}, legend_calcs=("lastNotNull",))

    b.row("Watchdog and engines")
    b.timeseries("Watchdog: since last ping",
                 "time() - vigil_watchdog_last_ping_timestamp_seconds, shown only where systemd's watchdog is on "
                 "(vigil_watchdog_interval_seconds > 0), with the interval itself. The age must stay well below the "
                 "interval, or systemd restarts vigild.",
                 "s", [T(f"(time() - {sel('vigil_watchdog_last_ping_timestamp_seconds')}) and on (job, instance) "
                         f"({sel('vigil_watchdog_interval_seconds')} > 0)", "{{instance}} since last ping"),
                       T(f"{sel('vigil_watchdog_interval_seconds')} > 0", "{{instance}} interval")], w=8)
    b.state_timeline("Engines holding the watchdog back",
                     "vigil_watchdog_stalled: STALLED while this engine's missing progress withholds the keep-alives; "
                     "systemd restarts vigild when that lasts a whole interval.",
                     [T(sel("vigil_watchdog_stalled"), "{{instance}} {{engine}}")],
                     [(0, "ok", "green"), (1, "STALLED", "red")], w=8)
    b.state_timeline("Engine health",
                     "vigil_engine_healthy: healthy while the engine proves progress within its deadline (the same "
                     "verdict /healthz gives).",
                     [T(sel("vigil_engine_healthy"), "{{instance}} {{engine}}")],
                     [(0, "STALLED", "red"), (1, "healthy", "green")], w=8)
    b.timeseries("Watchdog pings and withheld ticks",
                 "rate of vigil_watchdog_pings_total (about 2 / interval while healthy) and of "
                 "vigil_watchdog_withheld_total by engine (ticks on which that engine held the keep-alive back, so "
                 "short stalls stay visible).",
                 "ops", [T(f"sum by (instance) (rate({sel('vigil_watchdog_pings_total')}[{RI}]))", "{{instance}} pings"),
                         T(f"sum by (instance, engine) (rate({sel('vigil_watchdog_withheld_total')}[{RI}]))",
                           "{{instance}} withheld by {{engine}}")])
    b.timeseries("Engine progress age",
                 "time() - vigil_engine_last_progress_timestamp_seconds: how long ago each engine last proved "
                 "progress from its own loop.",
                 "s", [T(f"time() - {sel('vigil_engine_last_progress_timestamp_seconds')}", "{{instance}} {{engine}}")])

    b.row("Daemon")
    b.table("Build", "vigil_build_info: the vigild version, git revision and Swift version each node runs.",
            [T(sel("vigil_build_info"), fmt="table", instant=True)],
            ["instance", "version", "revision", "swift_version"], w=8, h=6)
    b.stat("Scrape target up", "up: whether Prometheus could scrape the vigild target at all.",
           "none", [T(sel("up"), "{{instance}}")], w=4, h=6, maps=UP_MAP)
    b.stat("Uptime", "time() - vigil_start_time_seconds: how long vigild has been running.",
           "s", [T(f"time() - {sel('vigil_start_time_seconds')}", "{{instance}}")], w=4, h=6, color_mode="value")
    b.timeseries("Resident memory", "process_resident_memory_bytes of vigild.",
                 "bytes", [T(sel("process_resident_memory_bytes"), "{{instance}}")], w=4, h=6, legend_calcs=())
    b.timeseries("CPU", "rate of process_cpu_seconds_total: the share of one CPU vigild uses.",
                 "percentunit", [T(f"rate({sel('process_cpu_seconds_total')}[{RI}])", "{{instance}}")], w=4, h=6,
                 legend_calcs=())
    b.timeseries("HTTP requests and scrapes",
                 "rate of vigil_http_requests_total by handler and status code, on the metrics listener and the "
                 "control socket, and of vigil_scrapes_total by exposition format (text or openmetrics).",
                 "reqps", [T(f"sum by (instance, handler, code) (rate({sel('vigil_http_requests_total')}[{RI}]))",
                             "{{instance}} {{handler}} {{code}}"),
                           T(f"sum by (instance, format) (rate({sel('vigil_scrapes_total')}[{RI}]))",
                             "{{instance}} scrapes ({{format}})")], w=8)
    b.timeseries("Scrape render time p99",
                 "99th percentile of vigil_scrape_render_duration_seconds: collecting and rendering one /metrics "
                 "response.",
                 "s", [T(f"histogram_quantile(0.99, sum by (instance, le) "
                         f"(rate({sel('vigil_scrape_render_duration_seconds_bucket')}[{RI}])))", "{{instance}} p99")],
                 w=8)
    b.timeseries("Scrape collectors",
                 "vigil_scrape_collector_duration_seconds (last scrape) per collector; a collector over 5 s is "
                 "left out and counted in vigil_scrape_collector_failures_total (right axis).",
                 "s", [T(sel("vigil_scrape_collector_duration_seconds"), "{{instance}} {{collector}}"),
                       T(f"sum by (instance, collector) (increase({sel('vigil_scrape_collector_failures_total')}[{RI}]))",
                         "{{instance}} {{collector}} failures")], w=8,
                 overrides=[{"matcher": {"id": "byFrameRefID", "options": "B"},
                             "properties": [{"id": "unit", "value": "short"},
                                            {"id": "custom.axisPlacement", "value": "right"}]}])
    return b.render(("vigil-lvs", "Vigil LVS"))


def lvs():
    b = Board("vigil-lvs", "Vigil LVS",
              "Vigil (vigild) health checks and IPVS: real servers, check latency, quorum, sorry servers and the "
              "kernel's IPVS counters per service and backend. Every metric is described in docs/METRICS.md.")
    b.row("Real servers")
    b.state_timeline("Real server health",
                     "vigil_real_server_up: UP while every checker of the real server passes, DOWN while one fails, "
                     "as each director sees it.",
                     [T(sel("vigil_real_server_up"), "{{instance}} {{virtual_server}} → {{real_server}}")],
                     [(0, "DOWN", "red"), (1, "UP", "green")], w=24, h=8)
    b.timeseries("Real servers up / configured",
                 "vigil_virtual_server_real_servers_up (all checkers pass) against vigil_virtual_server_real_servers "
                 "(configured), per virtual server.",
                 "short", [T(sel("vigil_virtual_server_real_servers_up"), "{{instance}} {{virtual_server}} up"),
                           T(sel("vigil_virtual_server_real_servers"), "{{instance}} {{virtual_server}} configured")],
                 w=8, defaults={"decimals": 0}, legend_calcs=("lastNotNull", "min"))
    b.state_timeline("Quorum per virtual server",
                     "vigil_virtual_server_quorum_up: OK while the live real servers' weights reach the virtual "
                     "server's quorum, BELOW QUORUM otherwise (quorum_down ran; the sorry server may serve).",
                     [T(sel("vigil_virtual_server_quorum_up"), "{{instance}} {{virtual_server}}")],
                     [(0, "BELOW QUORUM", "red"), (1, "OK", "green")], w=8)
    b.state_timeline("Sorry server",
                     "vigil_virtual_server_sorry_server_active: ACTIVE while the sorry server is in IPVS in place of "
                     "the real servers.",
                     [T(sel("vigil_virtual_server_sorry_server_active"), "{{instance}} {{virtual_server}}")],
                     [(0, "off", "green"), (1, "ACTIVE", "orange")], w=8)
    b.timeseries("Real server weight",
                 "vigil_real_server_weight: the weight Vigil gives each real server in IPVS (configured or dynamic, 0 "
                 "when inhibited).",
                 "short", [T(sel("vigil_real_server_weight"), "{{instance}} {{real_server}} ({{virtual_server}})")])
    b.timeseries("Real server transitions",
                 "increase of vigil_real_server_transitions_total: times each real server went up or down "
                 "according to its checkers.",
                 "short", [T(f"sum by (instance, virtual_server, real_server, to) "
                             f"(increase({sel('vigil_real_server_transitions_total')}[{RI}]))",
                             "{{instance}} {{real_server}} → {{to}}")], bars=True, legend_calcs=("sum",))

    b.row("Health checks")
    b.heatmap("Check latency",
              "vigil_check_duration_seconds as a heatmap: how many checks (passing or failing) took how long, over "
              "all selected real servers and checkers.",
              [T(f"sum by (le) (increase({sel('vigil_check_duration_seconds_bucket')}[{RI}]))", "{{le}}",
                 fmt="heatmap")])
    b.timeseries("Check latency p50 / p99",
                 "50th and 99th percentile of vigil_check_duration_seconds per real server and checker. A check "
                 "that nears its connect_timeout will soon fail.",
                 "s", [T(f"histogram_quantile(0.5, sum by (instance, virtual_server, real_server, checker, le) "
                         f"(rate({sel('vigil_check_duration_seconds_bucket')}[{RI}])))",
                         "p50 {{instance}} {{real_server}} {{checker}}"),
                       T(f"histogram_quantile(0.99, sum by (instance, virtual_server, real_server, checker, le) "
                         f"(rate({sel('vigil_check_duration_seconds_bucket')}[{RI}])))",
                         "p99 {{instance}} {{real_server}} {{checker}}")])
    b.timeseries("Checks by result",
                 "rate of vigil_checks_total by result: success, or why a check failed (timeout, refused, reset, "
                 "unreachable, status, digest, tls, bad_reply, exit_status, file, error).",
                 "ops", [T(f"sum by (instance, real_server, checker, result) (rate({sel('vigil_checks_total')}[{RI}]))",
                           "{{instance}} {{real_server}} {{checker}} {{result}}")])
    b.timeseries("Failed check ratio",
                 "Share of checks that failed per real server (vigil_checks_total with result other than success, "
                 "over all checks).",
                 "percentunit", [T(f"sum by (instance, real_server) (rate({sel('vigil_checks_total', NOT_SUCCESS)}[{RI}]))"
                                   f"\n/ sum by (instance, real_server) (rate({sel('vigil_checks_total')}[{RI}]))",
                                   "{{instance}} {{real_server}}")],
                 defaults={"max": 1})
    b.timeseries("LVS notify scripts",
                 "increase of vigil_check_notify_runs_total (notify_up, notify_down, quorum_up, quorum_down started) "
                 "and vigil_check_notify_failures_total (could not start, exited non-zero or killed at the timeout).",
                 "short", [T(f"sum by (instance, virtual_server, notify) (increase({sel('vigil_check_notify_runs_total')}[{RI}]))",
                             "{{instance}} {{virtual_server}} {{notify}} runs"),
                           T(f"sum by (instance, virtual_server, notify) (increase({sel('vigil_check_notify_failures_total')}[{RI}]))",
                             "{{instance}} {{virtual_server}} {{notify}} failed")], w=24, h=7, bars=True,
                 legend_calcs=("sum",))

    svc = "{{instance}} {{proto}} {{local_address}}:{{local_port}}{{local_mark}}"
    be = "{{instance}} {{local_address}}:{{local_port}}{{local_mark}} → {{remote_address}}:{{remote_port}}"
    svc_by = "instance, local_address, local_port, proto, local_mark"
    be_by = "instance, local_address, local_port, proto, local_mark, remote_address, remote_port"
    b.row("IPVS (read from the kernel)")
    b.stat("Kernel IPVS",
           "vigil_ipvs_available: whether the kernel offers IPVS. Without it checks still run, but nothing is "
           "programmed and the panels below stay empty.",
           "none", [T(sel("vigil_ipvs_available"), "{{instance}}")], w=6, h=6,
           maps=[(0, "NO IPVS", "orange"), (1, "available", "green")])
    b.stat("Since last IPVS reconcile",
           "time() - vigil_ipvs_last_reconcile_timestamp_seconds: when Vigil last compared the kernel's table with "
           "the desired one (a full re-read every 30 s).",
           "s", [T(f"time() - ({sel('vigil_ipvs_last_reconcile_timestamp_seconds')} > 0)", "{{instance}}")],
           w=6, h=6, steps=[(None, "green"), (90, "red")])
    b.timeseries("IPVS operations",
                 "rate of vigil_ipvs_operations_total: changes sent to the kernel's IPVS table by operation "
                 "(add_service, edit_destination, ...) and result (ok, error).",
                 "ops", [T(f"sum by (instance, operation, result) (rate({sel('vigil_ipvs_operations_total')}[{RI}]))",
                           "{{instance}} {{operation}} {{result}}")], h=6)
    b.timeseries("New connections per service",
                 "rate of vigil_ipvs_service_connections_total: connections each IPVS service scheduled.",
                 "cps", [T(f"sum by ({svc_by}) (rate({sel('vigil_ipvs_service_connections_total')}[{RI}]))", svc)], w=8)
    b.timeseries("Service traffic",
                 "rate of vigil_ipvs_service_incoming_bytes_total (from clients) and "
                 "vigil_ipvs_service_outgoing_bytes_total (to clients; NAT only, 0 for DR and TUN).",
                 "Bps", [T(f"sum by ({svc_by}) (rate({sel('vigil_ipvs_service_incoming_bytes_total')}[{RI}]))", svc + " in"),
                         T(f"sum by ({svc_by}) (rate({sel('vigil_ipvs_service_outgoing_bytes_total')}[{RI}]))", svc + " out")],
                 w=8)
    b.timeseries("Service packets",
                 "rate of vigil_ipvs_service_incoming_packets_total and vigil_ipvs_service_outgoing_packets_total "
                 "(NAT only).",
                 "pps", [T(f"sum by ({svc_by}) (rate({sel('vigil_ipvs_service_incoming_packets_total')}[{RI}]))", svc + " in"),
                         T(f"sum by ({svc_by}) (rate({sel('vigil_ipvs_service_outgoing_packets_total')}[{RI}]))", svc + " out")],
                 w=8)
    b.timeseries("Connections per backend",
                 "vigil_ipvs_backend_connections_active (established) and vigil_ipvs_backend_connections_inactive "
                 "(closing, waiting) that IPVS tracks to each real server.",
                 "short", [T(sel("vigil_ipvs_backend_connections_active"), be + " active"),
                           T(sel("vigil_ipvs_backend_connections_inactive"), be + " inactive")])
    b.timeseries("New connections per backend",
                 "rate of vigil_ipvs_backend_connections_total: connections IPVS sent to each real server. With rr "
                 "the lines should be level.",
                 "cps", [T(f"sum by ({be_by}) (rate({sel('vigil_ipvs_backend_connections_total')}[{RI}]))", be)])
    b.timeseries("Backend traffic",
                 "rate of vigil_ipvs_backend_incoming_bytes_total (from clients to the real server) and "
                 "vigil_ipvs_backend_outgoing_bytes_total (back to clients; NAT only).",
                 "Bps", [T(f"sum by ({be_by}) (rate({sel('vigil_ipvs_backend_incoming_bytes_total')}[{RI}]))", be + " in"),
                         T(f"sum by ({be_by}) (rate({sel('vigil_ipvs_backend_outgoing_bytes_total')}[{RI}]))", be + " out")],
                 w=8)
    b.timeseries("Backend packets",
                 "rate of vigil_ipvs_backend_incoming_packets_total and vigil_ipvs_backend_outgoing_packets_total "
                 "(NAT only).",
                 "pps", [T(f"sum by ({be_by}) (rate({sel('vigil_ipvs_backend_incoming_packets_total')}[{RI}]))", be + " in"),
                         T(f"sum by ({be_by}) (rate({sel('vigil_ipvs_backend_outgoing_packets_total')}[{RI}]))", be + " out")],
                 w=8)
    b.timeseries("Backend weight in the kernel",
                 "vigil_ipvs_backend_weight: each real server's weight in the kernel's IPVS table (0: no new "
                 "connections). Compare with Real server weight above.",
                 "short", [T(sel("vigil_ipvs_backend_weight"), be)], w=8, defaults={"decimals": 0})
    return b.render(("vigil-overview", "Vigil overview"))


os.makedirs(OUT, exist_ok=True)
for name, board in (("vigil-overview.json", overview()), ("vigil-lvs.json", lvs())):
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(board, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print(name, len([p for p in board["panels"] if p["type"] != "row"]), "panels")
