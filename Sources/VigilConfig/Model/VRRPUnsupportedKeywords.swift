extension VRRPSection {
    /// keepalived keywords of the VRRP blocks that Vigil reads but does not act on, with the reason.
    public static let unsupportedKeywords: [UnsupportedKeyword] = [
        UnsupportedKeyword("vrrp_instance", "use_ipvlan", "IPVLAN interfaces are not implemented; use use_vmac"),
        UnsupportedKeyword("vrrp_instance", "vrf", "binding an instance to a VRF is not implemented"),
        UnsupportedKeyword("vrrp_instance", "track_bfd", "BFD is not implemented"),
        UnsupportedKeyword(
            "vrrp_instance", "old_unicast_checksum",
            "the pre-1.3.6 keepalived VRRPv3 unicast checksum is not implemented"),
        UnsupportedKeyword(
            "vrrp_instance", "linkbeat_use_polling",
            "deprecated in keepalived; Vigil follows link state through netlink"),
        UnsupportedKeyword(
            "vrrp_instance", "lvs_sync_daemon_interface",
            "deprecated in keepalived; use lvs_sync_daemon in global_defs"),
        UnsupportedKeyword("vrrp_instance", "debug", "debug levels are not implemented (keepalived ignores them too)"),
        UnsupportedKeyword("vrrp_sync_group", "track_bfd", "BFD is not implemented"),
    ]
}
