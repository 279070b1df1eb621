/// global_defs and top-level keywords keepalived 2.2.7 accepts that Vigil does not act on, with the reason.
enum GlobalUnsupportedKeywords {
    static let singleProcess = "Vigil runs as one process named vigild"
    static let firewall = "Vigil does not manage iptables, ipsets or nftables"
    static let noBFD = "BFD is not implemented"
    static let noRealtime = "real-time scheduling and CPU pinning are not implemented"
    static let noSNMP = "SNMP is not implemented"
    static let noDBus = "D-Bus is not implemented"
    static let buffers = "Vigil sizes its netlink and socket buffers itself"
    static let reload = "configuration reload options are not implemented"

    static let list: [UnsupportedKeyword] = topLevel + globalDefs

    static let topLevel: [UnsupportedKeyword] = [
        UnsupportedKeyword("top level", "namespace_with_ipsets", firewall),
    ]

    static let globalDefs: [UnsupportedKeyword] = [
        ("tmp_config_directory", "Vigil keeps the configuration it read in memory"),
        ("config_save_dir", "saving configuration copies on reload is not implemented"),
        ("process_names", singleProcess),
        ("process_name", singleProcess),
        ("vrrp_process_name", singleProcess),
        ("checker_process_name", singleProcess),
        ("lvs_process_name", singleProcess),
        ("bfd_process_name", singleProcess),
        ("vrrp_iptables", firewall),
        ("vrrp_ipsets", firewall),
        ("nftables", firewall),
        ("nftables_priority", firewall),
        ("nftables_counters", firewall),
        ("nftables_ifindex", firewall),
        ("nftables_ipvs", firewall),
        ("nftables_ipvs_priority", firewall),
        ("nftables_ipvs_start_fwmark", firewall),
        ("disable_local_igmp", "IGMP report control on VMAC interfaces is not implemented"),
        ("bfd_priority", noBFD),
        ("bfd_no_swap", noBFD),
        ("bfd_rt_priority", noBFD),
        ("bfd_cpu_affinity", noBFD),
        ("bfd_rlimit_rttime", noBFD),
        ("bfd_rlimit_rtime", noBFD),
        ("vrrp_rt_priority", noRealtime),
        ("checker_rt_priority", noRealtime),
        ("vrrp_cpu_affinity", noRealtime),
        ("checker_cpu_affinity", noRealtime),
        ("vrrp_rlimit_rttime", noRealtime),
        ("checker_rlimit_rttime", noRealtime),
        ("vrrp_rlimit_rtime", noRealtime),
        ("checker_rlimit_rtime", noRealtime),
        ("snmp_socket", noSNMP),
        ("enable_snmp_vrrp", noSNMP),
        ("enable_snmp_keepalived", noSNMP),
        ("enable_snmp_checker", noSNMP),
        ("enable_snmp_rfc", noSNMP),
        ("enable_snmp_rfcv2", noSNMP),
        ("enable_snmp_rfcv3", noSNMP),
        ("enable_traps", noSNMP),
        ("enable_dbus", noDBus),
        ("dbus_service_name", noDBus),
        ("vrrp_netlink_cmd_rcv_bufs", buffers),
        ("vrrp_netlink_cmd_rcv_bufs_force", buffers),
        ("vrrp_netlink_monitor_rcv_bufs", buffers),
        ("vrrp_netlink_monitor_rcv_bufs_force", buffers),
        ("lvs_netlink_cmd_rcv_bufs", buffers),
        ("lvs_netlink_cmd_rcv_bufs_force", buffers),
        ("lvs_netlink_monitor_rcv_bufs", buffers),
        ("lvs_netlink_monitor_rcv_bufs_force", buffers),
        ("process_monitor_rcv_bufs", buffers),
        ("process_monitor_rcv_bufs_force", buffers),
        ("vrrp_rx_bufs_policy", buffers),
        ("vrrp_rx_bufs_multiplier", buffers),
        ("umask", "Vigil keeps the umask it was started with"),
        ("random_seed", "${_RANDOM} seeding is not implemented"),
        ("reload_check_config", reload),
        ("reload_time_file", reload),
        ("reload_repeat", reload),
        ("reload_file", reload),
        ("include_check", "Vigil's loader applies its own include checks"),
        ("data_use_instance", "keepalived's SIGUSR1 data dump files are not produced"),
    ].map { UnsupportedKeyword("global_defs", $0.0, $0.1) }
}
