import VigilCore

/// global_defs: defaults for the gratuitous ARP (IPv4) and unsolicited neighbour advert (IPv6)
/// messages a new master sends so switches and hosts learn where the virtual addresses now live.
public struct GlobalGarpDefaults: Sendable, Encodable {
    /// `vrrp_garp_master_delay`: whole seconds until the second burst after becoming master;
    /// 0 means no second burst (default 5, or 0 with vrrp_min_garp).
    public let vrrpGarpMasterDelay: Located<Seconds>
    /// `vrrp_garp_master_repeat`: messages per burst after becoming master (default 5, or 1 with vrrp_min_garp).
    public let vrrpGarpMasterRepeat: Located<Int>
    /// `vrrp_garp_master_refresh`: whole seconds between refresh bursts while master; 0 means none (default 0).
    public let vrrpGarpMasterRefresh: Located<Seconds>
    /// `vrrp_garp_master_refresh_repeat`: messages per refresh burst (default 1).
    public let vrrpGarpMasterRefreshRepeat: Located<Int>
    /// `vrrp_garp_lower_prio_delay`: delay of the burst sent after a lower-priority advert (default vrrp_garp_master_delay).
    public let vrrpGarpLowerPrioDelay: Located<Seconds>
    /// `vrrp_garp_lower_prio_repeat`: size of that burst, 0 allowed (default vrrp_garp_master_repeat).
    public let vrrpGarpLowerPrioRepeat: Located<Int>
    /// `vrrp_garp_interval`: gap between ARP messages on one interface (default 0).
    public let vrrpGarpInterval: Located<Seconds>
    /// `vrrp_gna_interval`: gap between neighbour adverts on one interface (default 0).
    public let vrrpGnaInterval: Located<Seconds>
    /// `vrrp_min_garp [<BOOL>]`: one message, no second burst, unless set explicitly (default off).
    public let vrrpMinGarp: Located<Bool>
    /// `vrrp_garp_extra_if [all] SECS`: periodic messages on interfaces other than the instance's.
    public let vrrpGarpExtraIf: GarpExtraInterfaces?
}

/// `vrrp_garp_extra_if [all] SECS`.
public struct GarpExtraInterfaces: Sendable, Encodable {
    /// Whole seconds between messages, 1-86400.
    public let interval: Located<Seconds>
    /// `all`: every interface the instance uses, not only VMACs.
    public let all: Located<Bool>
    public let location: SourceLocation

    private enum CodingKeys: String, CodingKey { case interval, all }
}
