import VigilCore

/// One policy-routing rule line of virtual_rules or static_rules (`ip rule add` options, full names only).
public struct RuleSpec: Sendable, Encodable {
    /// Where the line starts.
    public let location: SourceLocation
    /// IPv4 unless an address or `inet6` says IPv6.
    public let family: AddressFamily
    /// `not`: the rule matches what the selectors do not.
    public let not: Bool
    /// Source prefix; nil for `from all` or no `from`.
    public let from: IPPrefix?
    public let to: IPPrefix?
    /// priority, also written preference or order; keepalived picks one when absent.
    public let priority: Int?
    public let action: RuleAction
    /// Firewall mark and optional mask (`fwmark 0x10/0xff`).
    public let fwmark: RuleMark?
    public let realms: String?
    /// tos or dsfield.
    public let tos: Int?
    /// Input interface (iif, also iifname).
    public let iif: String?
    /// Output interface (oif, also oifname).
    public let oif: String?
    public let suppressPrefixlength: Int?
    public let suppressIfgroup: String?
    /// Range of user ids `FIRST-LAST`.
    public let uidrange: RuleRange?
    /// Routing protocol of the rule (number or name).
    public let `protocol`: String?
    /// IP protocol to match (tcp, udp, a number, ...).
    public let ipProto: String?
    public let sport: RuleRange?
    public let dport: RuleRange?
    /// Keep MASTER when the rule disappears.
    public let noTrack: Bool
    /// static_rules only: the static_track_group whose instances follow this rule.
    public let trackGroup: String?

    public init(
        location: SourceLocation, family: AddressFamily, not: Bool = false, from: IPPrefix? = nil, to: IPPrefix? = nil,
        priority: Int? = nil, action: RuleAction, fwmark: RuleMark? = nil, realms: String? = nil, tos: Int? = nil,
        iif: String? = nil, oif: String? = nil, suppressPrefixlength: Int? = nil, suppressIfgroup: String? = nil,
        uidrange: RuleRange? = nil, protocol: String? = nil, ipProto: String? = nil, sport: RuleRange? = nil,
        dport: RuleRange? = nil, noTrack: Bool = false, trackGroup: String? = nil
    ) {
        self.location = location
        self.family = family
        self.not = not
        self.from = from
        self.to = to
        self.priority = priority
        self.action = action
        self.fwmark = fwmark
        self.realms = realms
        self.tos = tos
        self.iif = iif
        self.oif = oif
        self.suppressPrefixlength = suppressPrefixlength
        self.suppressIfgroup = suppressIfgroup
        self.uidrange = uidrange
        self.protocol = `protocol`
        self.ipProto = ipProto
        self.sport = sport
        self.dport = dport
        self.noTrack = noTrack
        self.trackGroup = trackGroup
    }

    private enum CodingKeys: String, CodingKey {
        case family, not, from, to, priority, action, fwmark, realms, tos, iif, oif, suppressPrefixlength
        case suppressIfgroup, uidrange, `protocol`, ipProto, sport, dport, noTrack, trackGroup
    }

    /// Writes only what the line set.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(family, forKey: .family)
        if not { try container.encode(true, forKey: .not) }
        try container.encodeIfPresent(from, forKey: .from)
        try container.encodeIfPresent(to, forKey: .to)
        try container.encodeIfPresent(priority, forKey: .priority)
        try container.encode(action, forKey: .action)
        try container.encodeIfPresent(fwmark, forKey: .fwmark)
        try container.encodeIfPresent(realms, forKey: .realms)
        try container.encodeIfPresent(tos, forKey: .tos)
        try container.encodeIfPresent(iif, forKey: .iif)
        try container.encodeIfPresent(oif, forKey: .oif)
        try container.encodeIfPresent(suppressPrefixlength, forKey: .suppressPrefixlength)
        try container.encodeIfPresent(suppressIfgroup, forKey: .suppressIfgroup)
        try container.encodeIfPresent(uidrange, forKey: .uidrange)
        try container.encodeIfPresent(self.protocol, forKey: .protocol)
        try container.encodeIfPresent(ipProto, forKey: .ipProto)
        try container.encodeIfPresent(sport, forKey: .sport)
        try container.encodeIfPresent(dport, forKey: .dport)
        if noTrack { try container.encode(true, forKey: .noTrack) }
        try container.encodeIfPresent(trackGroup, forKey: .trackGroup)
    }
}

/// What a matching rule does.
public enum RuleAction: Sendable, Hashable, Encodable, CustomStringConvertible {
    /// table or lookup: look the packet up in this routing table (number or name).
    case table(String)
    /// goto: continue at the rule with this priority.
    case goto(Int)
    /// l3mdev: use the table of the L3 master device (VRF).
    case l3mdev
    case nop
    case blackhole
    case unreachable
    case prohibit

    public var description: String {
        switch self {
        case .table(let table): "table \(table)"
        case .goto(let target): "goto \(target)"
        case .l3mdev: "l3mdev"
        case .nop: "nop"
        case .blackhole: "blackhole"
        case .unreachable: "unreachable"
        case .prohibit: "prohibit"
        }
    }

    /// Encodes as the words of the line ("table 100", "goto 10", "blackhole").
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A firewall mark with an optional mask.
public struct RuleMark: Sendable, Hashable, Encodable, CustomStringConvertible {
    public let mark: UInt32
    public let mask: UInt32?

    public init(mark: UInt32, mask: UInt32?) {
        self.mark = mark
        self.mask = mask
    }

    public var description: String {
        let text = "0x" + String(mark, radix: 16)
        guard let mask else { return text }
        return text + "/0x" + String(mask, radix: 16)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// An inclusive range `FIRST-LAST` (a single number is a range of one).
public struct RuleRange: Sendable, Hashable, Encodable, CustomStringConvertible {
    public let first: Int
    public let last: Int

    public init(first: Int, last: Int) {
        self.first = first
        self.last = last
    }

    public var description: String { first == last ? String(first) : "\(first)-\(last)" }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
