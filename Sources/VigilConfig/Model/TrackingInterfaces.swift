import VigilCore

/// One line of `linkbeat_interfaces { ... }`: an interface whose link state is polled.
public struct LinkbeatInterface: Sendable, Encodable {
    public let interface: Located<String>
    /// The preferred polling method; nil means MII, else ETHTOOL, else IOCTL, whichever works.
    public let polling: Located<LinkbeatPolling>?
    public let location: SourceLocation

    private enum CodingKeys: String, CodingKey { case interface, polling }
}

/// How link state is polled.
public enum LinkbeatPolling: String, Sendable, Encodable, CaseIterable {
    case mii = "MII"
    case ethtool = "ETHTOOL"
    case ioctl = "IOCTL"
}

/// One line of `interface_up_down_delays { IFNAME DOWN [UP] }`: debounce of link changes.
public struct InterfaceUpDownDelay: Sendable, Encodable {
    public let interface: Located<String>
    /// Time the link must stay down before trackers see it down (0-255 s).
    public let downDelay: Located<Seconds>
    /// Time the link must stay up before trackers see it up (default: the down delay).
    public let upDelay: Located<Seconds>
    public let location: SourceLocation

    private enum CodingKeys: String, CodingKey { case interface, downDelay, upDelay }
}

/// `track_group NAME { group { VI_1 ... } }`: the VRRP instances that go to FAULT when a static
/// address, route or rule naming this group is removed and cannot be restored.
public struct StaticTrackGroup: Sendable, Encodable {
    public let name: Located<String>
    /// `group { ... }`: vrrp_instance names.
    public let group: [Located<String>]
    public let location: SourceLocation

    private enum CodingKeys: String, CodingKey { case name, group }
}

/// `bfd_instance NAME { ... }`: recorded by name only, because Vigil has no BFD.
public struct BFDInstance: Sendable, Encodable {
    public let name: Located<String>
    public let location: SourceLocation

    private enum CodingKeys: String, CodingKey { case name }
}
