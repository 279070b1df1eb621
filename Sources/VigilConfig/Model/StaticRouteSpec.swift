import VigilCore

/// One route line of virtual_routes or static_routes (`ip route add` options, full names only).
public struct RouteSpec: Sendable, Encodable {
    /// Where the line starts.
    public let location: SourceLocation
    public let type: RouteType
    /// The destination prefix (`default` is 0.0.0.0/0 or ::/0).
    public let to: IPPrefix
    /// The preferred source address for traffic using the route.
    public let src: IPAddress?
    /// IPv6 source-specific routing: the source prefix.
    public let from: IPPrefix?
    /// The gateway (`via`, or the deprecated `gw`).
    public let via: IPAddress?
    public let dev: String?
    /// A table number or a name from rt_tables (main, local, default, ...).
    public let table: String?
    /// metric, also written priority or preference.
    public let metric: Int?
    public let scope: AddressScope?
    /// Routing protocol number or name (keepalived's own, 18, when absent).
    public let `protocol`: String?
    /// tos or dsfield.
    public let tos: Int?
    public let onlink: Bool
    /// Multipath: each `nexthop` group (the deprecated `or ADDR` becomes a second nexthop).
    public let nexthops: [RouteNexthop]
    /// Per-route TCP/path settings (mtu, advmss, window, ...), in the order written.
    public let metrics: [RouteMetric]
    /// IPv6 router preference.
    public let pref: RoutePreference?
    /// Routing realms, `FROM/TO` or `TO`.
    public let realms: String?
    /// Add after matching routes (`ip route append`) instead of before them.
    public let append: Bool
    /// Keep MASTER when the route disappears.
    public let noTrack: Bool
    /// static_routes only: the static_track_group whose instances follow this route.
    public let trackGroup: String?

    public init(
        location: SourceLocation, type: RouteType = .unicast, to: IPPrefix, src: IPAddress? = nil, from: IPPrefix? = nil,
        via: IPAddress? = nil, dev: String? = nil, table: String? = nil, metric: Int? = nil, scope: AddressScope? = nil,
        protocol: String? = nil, tos: Int? = nil, onlink: Bool = false, nexthops: [RouteNexthop] = [],
        metrics: [RouteMetric] = [], pref: RoutePreference? = nil, realms: String? = nil, append: Bool = false,
        noTrack: Bool = false, trackGroup: String? = nil
    ) {
        self.location = location
        self.type = type
        self.to = to
        self.src = src
        self.from = from
        self.via = via
        self.dev = dev
        self.table = table
        self.metric = metric
        self.scope = scope
        self.protocol = `protocol`
        self.tos = tos
        self.onlink = onlink
        self.nexthops = nexthops
        self.metrics = metrics
        self.pref = pref
        self.realms = realms
        self.append = append
        self.noTrack = noTrack
        self.trackGroup = trackGroup
    }

    public var family: AddressFamily { to.address.family }

    private enum CodingKeys: String, CodingKey {
        case type, to, src, from, via, dev, table, metric, scope, `protocol`, tos, onlink, nexthops, metrics, pref
        case realms, append, noTrack, trackGroup
    }

    /// Writes only what the line set, so dumps stay as short as the configuration line.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        try container.encode(to, forKey: .to)
        try container.encodeIfPresent(src, forKey: .src)
        try container.encodeIfPresent(from, forKey: .from)
        try container.encodeIfPresent(via, forKey: .via)
        try container.encodeIfPresent(dev, forKey: .dev)
        try container.encodeIfPresent(table, forKey: .table)
        try container.encodeIfPresent(metric, forKey: .metric)
        try container.encodeIfPresent(scope, forKey: .scope)
        try container.encodeIfPresent(self.protocol, forKey: .protocol)
        try container.encodeIfPresent(tos, forKey: .tos)
        if onlink { try container.encode(true, forKey: .onlink) }
        if !nexthops.isEmpty { try container.encode(nexthops, forKey: .nexthops) }
        if !metrics.isEmpty { try container.encode(metrics, forKey: .metrics) }
        try container.encodeIfPresent(pref, forKey: .pref)
        try container.encodeIfPresent(realms, forKey: .realms)
        if append { try container.encode(true, forKey: .append) }
        if noTrack { try container.encode(true, forKey: .noTrack) }
        try container.encodeIfPresent(trackGroup, forKey: .trackGroup)
    }
}

/// The kind of route, as the first word of an `ip route` line (unicast when absent).
public enum RouteType: String, Sendable, Hashable, CaseIterable, Encodable {
    case unicast, local, broadcast, anycast, multicast, blackhole, unreachable, prohibit, `throw`, nat
}

/// One path of a multipath route.
public struct RouteNexthop: Sendable, Hashable, Encodable {
    public let via: IPAddress?
    public let dev: String?
    /// Relative weight 1-256 (ip's default 1).
    public let weight: Int?
    public let onlink: Bool

    public init(via: IPAddress?, dev: String?, weight: Int?, onlink: Bool) {
        self.via = via
        self.dev = dev
        self.weight = weight
        self.onlink = onlink
    }
}

/// A route attribute such as `mtu lock 1400` or `congctl cubic`.
public struct RouteMetric: Sendable, Hashable, Encodable {
    /// The keyword as written (mtu, advmss, rtt, ...).
    public let name: String
    /// The value as written (numbers, times such as `300ms`, or names such as `cubic`).
    public let value: String
    /// `lock`: the kernel must not change the value.
    public let lock: Bool

    public init(name: String, value: String, lock: Bool) {
        self.name = name
        self.value = value
        self.lock = lock
    }
}

/// IPv6 router preference of a route.
public enum RoutePreference: String, Sendable, Hashable, CaseIterable, Encodable {
    case low, medium, high
}
