import VigilCore

/// The layer 4 protocol of an address-based IPVS service (the kernel's IPPROTO numbers).
public enum IPVSProtocol: UInt16, Sendable, Hashable, CaseIterable, Comparable {
    case tcp = 6
    case udp = 17
    case sctp = 132

    /// Lower-case name, as node_exporter's `proto` label and ipvsadm write it.
    public var name: String {
        switch self {
        case .tcp: "tcp"
        case .udp: "udp"
        case .sctp: "sctp"
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// What identifies an IPVS service in the kernel: protocol, address and port, or a firewall mark.
public enum IPVSServiceKey: Sendable, Hashable {
    case address(IPVSProtocol, IPAddress, port: UInt16)
    /// A fwmark service matches every protocol; the family still separates IPv4 and IPv6 services.
    case firewallMark(UInt32, AddressFamily)

    public var family: AddressFamily {
        switch self {
        case .address(_, let address, _): address.family
        case .firewallMark(_, let family): family
        }
    }
}

/// How IPVS forwards to a destination (the kernel's IP_VS_CONN_F_* forwarding values).
public enum IPVSForwarding: UInt32, Sendable, Hashable, CaseIterable {
    case masquerade = 0
    case tunnel = 2
    case directRoute = 3

    /// ipvsadm's column text.
    public var name: String {
        switch self {
        case .masquerade: "Masq"
        case .tunnel: "Tunnel"
        case .directRoute: "Route"
        }
    }
}

/// One IPVS virtual service as Vigil wants it (or as the kernel reports it).
public struct IPVSService: Sendable, Hashable {
    public var key: IPVSServiceKey
    /// The scheduler's kernel name (rr, wrr, lc, ...).
    public var scheduler: String
    /// Seconds of persistence; nil when the service is not persistent.
    public var persistenceTimeout: UInt32?
    /// The client netmask of persistence as a prefix length (32 or 128 when unset).
    public var persistencePrefixLength: Int
    /// IP_VS_SVC_F_* bits other than persistence (one-packet scheduling, scheduler flags 1–3).
    public var flags: UInt32

    public init(
        key: IPVSServiceKey, scheduler: String, persistenceTimeout: UInt32? = nil,
        persistencePrefixLength: Int? = nil, flags: UInt32 = 0
    ) {
        self.key = key
        self.scheduler = scheduler
        self.persistenceTimeout = persistenceTimeout
        self.persistencePrefixLength = persistencePrefixLength ?? (key.family == .ipv4 ? 32 : 128)
        self.flags = flags
    }
}

/// What identifies a destination within its service.
public struct IPVSDestinationKey: Sendable, Hashable {
    public var address: IPAddress
    public var port: UInt16

    public init(address: IPAddress, port: UInt16) {
        self.address = address
        self.port = port
    }
}

/// One real server entry of a service.
public struct IPVSDestination: Sendable, Hashable {
    public var key: IPVSDestinationKey
    public var forwarding: IPVSForwarding
    /// 0 keeps the destination in the table without new connections (inhibit_on_failure).
    public var weight: Int32
    /// Connection thresholds; 0 means none.
    public var upperThreshold: UInt32
    public var lowerThreshold: UInt32

    public init(
        key: IPVSDestinationKey, forwarding: IPVSForwarding, weight: Int32,
        upperThreshold: UInt32 = 0, lowerThreshold: UInt32 = 0
    ) {
        self.key = key
        self.forwarding = forwarding
        self.weight = weight
        self.upperThreshold = upperThreshold
        self.lowerThreshold = lowerThreshold
    }
}

/// A whole IPVS table: services and their destinations, as desired or as read from the kernel.
public struct IPVSTable: Sendable, Hashable {
    public var services: [IPVSServiceKey: IPVSService]
    public var destinations: [IPVSServiceKey: [IPVSDestinationKey: IPVSDestination]]

    public init(
        services: [IPVSServiceKey: IPVSService] = [:],
        destinations: [IPVSServiceKey: [IPVSDestinationKey: IPVSDestination]] = [:]
    ) {
        self.services = services
        self.destinations = destinations
    }
}
