import VigilCore

/// A named set of virtual addresses and firewall marks that several virtual servers can share.
public struct VirtualServerGroup: Sendable, Encodable {
    public let name: String
    public let location: SourceLocation
    /// Address lines: single addresses, ranges and prefixes, each with an optional port.
    public let addressRanges: [VirtualServerGroupRange]
    /// `fwmark N [inet|inet6]` lines.
    public let fwmarks: [VirtualServerGroupFwmark]

    public init(
        name: String, location: SourceLocation, addressRanges: [VirtualServerGroupRange], fwmarks: [VirtualServerGroupFwmark]
    ) {
        self.name = name
        self.location = location
        self.addressRanges = addressRanges
        self.fwmarks = fwmarks
    }

    /// The address families of the address lines (fwmark families are not included).
    public var addressFamilies: Set<AddressFamily> { Set(addressRanges.map(\.first.family)) }

    public var isEmpty: Bool { addressRanges.isEmpty && fwmarks.isEmpty }

    private enum CodingKeys: String, CodingKey {
        case name, addressRanges, fwmarks
    }
}

/// A contiguous run of virtual addresses, first to last inclusive, sharing one port.
public struct VirtualServerGroupRange: Sendable, Hashable, Encodable {
    public let first: IPAddress
    public let last: IPAddress
    /// nil when no port was written (the service is then persistent on every port).
    public let port: Int?
    public let location: SourceLocation

    public init(first: IPAddress, last: IPAddress, port: Int?, location: SourceLocation) {
        self.first = first
        self.last = last
        self.port = port
        self.location = location
    }

    private enum CodingKeys: String, CodingKey {
        case first, last, port
    }
}

/// A firewall mark in a virtual server group, with the family to use when every real server is tunnelled.
public struct VirtualServerGroupFwmark: Sendable, Hashable, Encodable {
    public let fwmark: Int
    public let ipFamily: LVSAddressFamily?
    public let location: SourceLocation

    public init(fwmark: Int, ipFamily: LVSAddressFamily?, location: SourceLocation) {
        self.fwmark = fwmark
        self.ipFamily = ipFamily
        self.location = location
    }

    private enum CodingKeys: String, CodingKey {
        case fwmark, ipFamily
    }
}
