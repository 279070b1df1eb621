"""vigild and the real keepalived 2.2.7 on one VRRP LAN (namespaces; needs root): whichever holds
the higher priority is the one master, nobody flaps for 5 s, and after a kill -9 of the master the
other takes over. h1 has priority 100 (`state MASTER`), h2 priority 50 (`state BACKUP`)."""

import vrrp_lab as lab
from vrrp_lab import require_lab

VK = ("vigild", "keepalived")
KV = ("keepalived", "vigild")
STABLE = 5.0


def test_interop_v2_vigild_master_keepalived_backup():
    require_lab()
    return lab.scenario_elect_and_kill9(VK, version=2, advert_int=1, stable=STABLE)
test_interop_v2_vigild_master_keepalived_backup.timeout = 40


def test_interop_v2_keepalived_master_vigild_backup():
    require_lab()
    return lab.scenario_elect_and_kill9(KV, version=2, advert_int=1, stable=STABLE)
test_interop_v2_keepalived_master_vigild_backup.timeout = 40


def test_interop_v3_ipv4_vigild_master_keepalived_backup():
    require_lab()
    return lab.scenario_elect_and_kill9(VK, version=3, advert_int=0.1, stable=STABLE)
test_interop_v3_ipv4_vigild_master_keepalived_backup.timeout = 30


def test_interop_v3_ipv4_keepalived_master_vigild_backup():
    require_lab()
    return lab.scenario_elect_and_kill9(KV, version=3, advert_int=0.1, stable=STABLE)
test_interop_v3_ipv4_keepalived_master_vigild_backup.timeout = 30


def test_interop_v3_ipv6_vigild_master_keepalived_backup():
    require_lab()
    return lab.scenario_elect_and_kill9(VK, version=3, advert_int=0.1, family=6, stable=STABLE)
test_interop_v3_ipv6_vigild_master_keepalived_backup.timeout = 30


def test_interop_v3_ipv6_keepalived_master_vigild_backup():
    require_lab()
    return lab.scenario_elect_and_kill9(KV, version=3, advert_int=0.1, family=6, stable=STABLE)
test_interop_v3_ipv6_keepalived_master_vigild_backup.timeout = 30
