import VigilCore

/// An IPVS scheduler, as named by `lvs_sched` (or its older spelling `lb_algo`).
public enum LVSScheduler: String, Sendable, Hashable, CaseIterable, Encodable {
    case rr, wrr, lc, wlc, lblc, lblcr, sh, mh, dh, fo, ovf, sed, nq, twos
}

/// How IPVS forwards packets to a real server: `lvs_method` (or `lb_kind`).
public enum LVSMethod: String, Sendable, Hashable, CaseIterable, Encodable {
    case nat = "NAT"
    case dr = "DR"
    case tun = "TUN"
}

/// The encapsulation of a TUN real server (`lvs_method TUN type ...`).
public enum LVSTunnelType: String, Sendable, Hashable, CaseIterable, Encodable {
    case ipip, gue, gre
}

/// The checksum option of a GUE or GRE tunnel.
public enum LVSTunnelChecksum: String, Sendable, Hashable, CaseIterable, Encodable {
    case nocsum, csum, remcsum
}

/// Tunnel options written after `lvs_method TUN`; absent options mean keepalived's ipip tunnel.
public struct LVSTunnel: Sendable, Hashable, Encodable {
    public let type: LVSTunnelType
    /// The UDP port of a GUE tunnel (required for gue, not allowed otherwise).
    public let port: Int?
    public let checksum: LVSTunnelChecksum?

    public init(type: LVSTunnelType, port: Int? = nil, checksum: LVSTunnelChecksum? = nil) {
        self.type = type
        self.port = port
        self.checksum = checksum
    }
}

/// The layer 4 protocol of an address-based virtual server.
public enum LVSProtocol: String, Sendable, Hashable, CaseIterable, Encodable {
    case tcp = "TCP"
    case udp = "UDP"
    case sctp = "SCTP"
}

/// An address family as keepalived spells it for LVS (`ip_family`, group `fwmark N inet6`).
public enum LVSAddressFamily: String, Sendable, Hashable, CaseIterable, Encodable {
    case inet
    case inet6

    public init(_ family: AddressFamily) { self = family == .ipv4 ? .inet : .inet6 }

    public var addressFamily: AddressFamily { self == .inet ? .ipv4 : .ipv6 }
}

/// A scheduler flag of a virtual server (`-b` in ipvsadm); each is written as a bare keyword.
public enum LVSSchedulerFlag: String, Sendable, Hashable, CaseIterable, Encodable {
    case flag1 = "flag-1"
    case flag2 = "flag-2"
    case flag3 = "flag-3"
    case shPort = "sh-port"
    case shFallback = "sh-fallback"
    case mhPort = "mh-port"
    case mhFallback = "mh-fallback"

    /// The scheduler a named flag belongs to; the numbered flags apply to any scheduler.
    public var scheduler: LVSScheduler? {
        switch self {
        case .flag1, .flag2, .flag3: nil
        case .shPort, .shFallback: .sh
        case .mhPort, .mhFallback: .mh
        }
    }
}

/// A script run on an LVS event (`quorum_up`, `notify_down`, ...), with the user and group to run it as.
public struct LVSNotifyScript: Sendable, Hashable, Encodable {
    /// The command as written: a quoted string may hold the program and its arguments.
    public let command: String
    /// The argv, split once when read, on unquoted blanks (`ScriptWords`), as every script kind is.
    public let arguments: [String]
    public let user: String?
    public let group: String?

    private enum CodingKeys: String, CodingKey { case command, user, group }

    public init(command: String, user: String? = nil, group: String? = nil) {
        self.command = command
        arguments = ScriptWords.splitQuoted(command)
        self.user = user
        self.group = group
    }
}
