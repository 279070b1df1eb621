import VigilCore

/// global_defs: defaults every vrrp_instance starts from, and VRRP-wide switches.
public struct GlobalVRRPDefaults: Sendable, Encodable {
    /// `vrrp_version 2|3` (default 2; IPv6 instances always use 3, RFC 5798).
    public let vrrpVersion: Located<Int>
    /// `vrrp_strict`: enforce RFC 5798 strictly (no unicast peers, no authentication, ...; default off).
    public let vrrpStrict: Located<Bool>
    /// `vrrp_mcast_group4` (default 224.0.0.18, the IANA VRRP group).
    public let vrrpMcastGroup4: Located<IPv4Address>
    /// `vrrp_mcast_group6` (default ff02::12).
    public let vrrpMcastGroup6: Located<IPv6Address>
    /// `default_interface`: device for static addresses/routes without `dev` (default eth0).
    public let defaultInterface: Located<String>
    /// `vrrp_check_unicast_src`: drop unicast adverts whose source is not a configured peer (default off).
    public let vrrpCheckUnicastSrc: Located<Bool>
    /// `vrrp_skip_check_adv_addr`: skip checking the address list of adverts from the current master (default off).
    public let vrrpSkipCheckAdvAddr: Located<Bool>
    /// `vrrp_lower_prio_no_advert [<BOOL>]`: as master, do not answer a lower-priority advert
    /// (default off; strict mode forces it on).
    public let vrrpLowerPrioNoAdvert: Located<Bool>
    /// `vrrp_higher_prio_send_advert [<BOOL>]`: as master, send one advert before yielding to a higher priority (default off).
    public let vrrpHigherPrioSendAdvert: Located<Bool>
    /// `vrrp_down_timer_adverts` 1-100: missed adverts before a backup takes over (default 3, as RFC 5798).
    public let vrrpDownTimerAdverts: Located<Int>
    /// `dynamic_interfaces`: allow interfaces that do not exist yet (default off).
    public let dynamicInterfaces: Located<Bool>
    /// `dynamic_interfaces allow_if_changes`: an interface may come back with another type or parent.
    public let allowIfChanges: Located<Bool>
    /// `vrrp_startup_delay`: wait before starting VRRP, e.g. for bonds to settle (default 0).
    public let vrrpStartupDelay: Located<Seconds>
    /// `log_unknown_vrids`: log adverts for VRIDs not configured on the interface (default off).
    public let logUnknownVrids: Located<Bool>
    /// `vmac_prefix`: start of generated VMAC interface names (default "vrrp").
    public let vmacPrefix: Located<String>
    /// `vmac_addr_prefix`: the same for VMACs of addresses off the instance's interface (default vmac_prefix).
    public let vmacAddrPrefix: Located<String>

    /// The VRRP version an instance gets when it does not set one: IPv6 needs version 3.
    public func defaultVersion(for family: AddressFamily) -> Int {
        family == .ipv6 ? 3 : vrrpVersion.value
    }
}
