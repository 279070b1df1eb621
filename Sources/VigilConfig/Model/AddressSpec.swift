import VigilCore

/// One address line of virtual_ipaddress, virtual_ipaddress_excluded or static_ipaddress (`ip address add` options).
public struct AddressSpec: Sendable, Encodable {
    /// Where the line starts (the address token).
    public let location: SourceLocation
    /// The address and prefix length; a bare address is a host prefix (/32 or /128).
    public let address: IPPrefix
    /// brd/broadcast: an explicit IPv4 broadcast address, or `+`/`-` to set/clear the host bits.
    public let broadcast: AddressBroadcast?
    /// The interface; nil means the instance's interface (VIPs) or default_interface (static addresses).
    public let dev: String?
    public let scope: AddressScope?
    /// An alias label such as `eth0:1`.
    public let label: String?
    /// The remote end of a point-to-point address.
    public let peer: IPPrefix?
    /// IPv6 home address (mobile IPv6).
    public let home: Bool
    /// `-nodad`: skip IPv6 duplicate address detection.
    public let nodad: Bool
    /// IPv6: manage temporary addresses derived from this one.
    public let mngtmpaddr: Bool
    /// Do not add the prefix route for this address.
    public let noprefixroute: Bool
    /// Join the multicast group of a multicast address.
    public let autojoin: Bool
    /// Keep MASTER when the address disappears, and only re-add it at the next transition to MASTER.
    public let noTrack: Bool
    /// Put this VIP on a VMAC interface created on its `dev`.
    public let useVmac: Bool
    /// IPv6 preferred lifetime; keepalived deprecates /128 addresses (0) unless `forever` is given.
    public let preferredLft: PreferredLifetime?
    /// static_ipaddress only: the static_track_group whose instances follow this address.
    public let trackGroup: String?

    public init(
        location: SourceLocation, address: IPPrefix, broadcast: AddressBroadcast? = nil, dev: String? = nil,
        scope: AddressScope? = nil, label: String? = nil, peer: IPPrefix? = nil, home: Bool = false,
        nodad: Bool = false, mngtmpaddr: Bool = false, noprefixroute: Bool = false, autojoin: Bool = false,
        noTrack: Bool = false, useVmac: Bool = false, preferredLft: PreferredLifetime? = nil, trackGroup: String? = nil
    ) {
        self.location = location
        self.address = address
        self.broadcast = broadcast
        self.dev = dev
        self.scope = scope
        self.label = label
        self.peer = peer
        self.home = home
        self.nodad = nodad
        self.mngtmpaddr = mngtmpaddr
        self.noprefixroute = noprefixroute
        self.autojoin = autojoin
        self.noTrack = noTrack
        self.useVmac = useVmac
        self.preferredLft = preferredLft
        self.trackGroup = trackGroup
    }

    public var family: AddressFamily { address.address.family }

    private enum CodingKeys: String, CodingKey {
        case address, broadcast, dev, scope, label, peer, home, nodad, mngtmpaddr, noprefixroute, autojoin, noTrack
        case useVmac, preferredLft, trackGroup
    }

    /// Flags are written only when set, so dumps stay as short as the configuration line.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(address, forKey: .address)
        try container.encodeIfPresent(broadcast, forKey: .broadcast)
        try container.encodeIfPresent(dev, forKey: .dev)
        try container.encodeIfPresent(scope, forKey: .scope)
        try container.encodeIfPresent(label, forKey: .label)
        try container.encodeIfPresent(peer, forKey: .peer)
        let flags: [(Bool, CodingKeys)] = [
            (home, .home), (nodad, .nodad), (mngtmpaddr, .mngtmpaddr), (noprefixroute, .noprefixroute),
            (autojoin, .autojoin), (noTrack, .noTrack), (useVmac, .useVmac),
        ]
        for (isSet, key) in flags where isSet { try container.encode(true, forKey: key) }
        try container.encodeIfPresent(preferredLft, forKey: .preferredLft)
        try container.encodeIfPresent(trackGroup, forKey: .trackGroup)
    }
}

/// The broadcast address of an IPv4 address line.
public enum AddressBroadcast: Sendable, Hashable, Encodable, CustomStringConvertible {
    case address(IPv4Address)
    /// `+`: the prefix with all host bits set.
    case setHostBits
    /// `-`: the prefix with all host bits cleared.
    case clearHostBits

    public var description: String {
        switch self {
        case .address(let address): address.description
        case .setHostBits: "+"
        case .clearHostBits: "-"
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// An IPv6 preferred lifetime: seconds, or `forever`.
public enum PreferredLifetime: Sendable, Hashable, Encodable, CustomStringConvertible {
    case seconds(Int)
    case forever

    public var description: String {
        switch self {
        case .seconds(let value): String(value)
        case .forever: "forever"
        }
    }

    /// Encodes as a number of seconds or the word "forever".
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .seconds(let value): try container.encode(value)
        case .forever: try container.encode("forever")
        }
    }
}
