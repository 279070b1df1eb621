#!/usr/bin/env python3
"""Summarizes `vigild --dump-config` JSON (read from stdin) in a few lines for people."""
import json
import sys

c = json.load(sys.stdin)
g = c["global_defs"]
smtp = g.get("smtp_server") or {}
print(f"router_id {g.get('router_id')}; alerts to {', '.join(g.get('notification_email', []))} "
      f"via {smtp.get('host')}:{smtp.get('port')} (connect timeout {g.get('smtp_connect_timeout')} s)")
for i in c["vrrp_instances"]:
    vips = ", ".join(v["address"] for v in i["virtual_ipaddress"])
    auth = i.get("authentication") or {}
    print(f"vrrp_instance {i['name']}: {i['state']} on {i['interface']}, VRID {i['virtual_router_id']}, "
          f"priority {i['priority']}, advert every {i['advert_int']} s, auth {auth.get('auth_type', 'none')}, VIP {vips}")
for v in c["virtual_servers"]:
    print(f"virtual_server {v['address']}:{v['port']} {v['protocol']}: scheduler {v['lvs_sched']}, "
          f"forwarding {v['lvs_method']}, checks every {v['delay_loop']} s")
    for r in v["real_servers"]:
        checks = ", ".join(f"{k['type']} (timeout {k['connect_timeout']} s, retry {k['retry']}, "
                           f"{k['delay_before_retry']} s apart)" for k in r["checkers"])
        print(f"  real_server {r['address']}:{r['port']} weight {r['weight']}: {checks}")
